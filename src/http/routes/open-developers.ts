import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Hub } from '../../hub/index.js';
import { openCredentialOf } from '../auth.js';
import { created } from '../created.js';

const Developer = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  email: Type.String(),
  createdAt: Type.String(),
});
const Limit = Type.Object({ perMinute: Type.Integer(), perDay: Type.Integer() });
const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the secret, to tell keys apart' }),
  perMinute: Type.Integer(),
  perDay: Type.Integer(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  used: Type.Object(
    { minute: Type.Integer(), day: Type.Integer() },
    { description: 'calls counted in the current minute and China day' },
  ),
});
const Session = Type.Object({
  developer: Developer,
  token: Type.String({ description: 'the developer session: send it as `Authorization: Bearer <token>`' }),
});
const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 200 });
const tags = ['open'];

/**
 * The portal's developer centre (开发者中心, docs/open.md): public sign-up and sign-in of developer
 * accounts — not hub users — and their API keys. Public routes in the hub's policy: each checks
 * the developer session it needs itself (Developers.session), and a developer reaches nothing
 * but their own account and keys.
 */
export function openDeveloperRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    const developerOf = (request: FastifyRequest) => hub.developers.session(openCredentialOf(request));

    app.post(
      '/developers',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Sign up for a developer account of the open-data portal (public)',
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 100 }), email: Email, password: Password },
            { additionalProperties: false },
          ),
          response: { 201: Session },
        },
      },
      async (request, reply) => created(reply, await hub.developers.register(request.body)),
    );

    app.post(
      '/developers/login',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Sign in to the developer centre (public; failures slow down with 429)',
          body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
          response: { 200: Session },
        },
      },
      async (request) => hub.developers.login(request.body.email, request.body.password),
    );

    app.post(
      '/developers/logout',
      {
        config: { public: true },
        schema: { tags, summary: 'End the developer session', response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await developerOf(request);
        await hub.developers.logout(openCredentialOf(request)!);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/developers/me',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'The signed-in developer (Authorization: Bearer <developer session>), their API keys with the calls counted today, and the limits',
          response: {
            200: Type.Object({
              developer: Developer,
              keys: Type.Array(ApiKey),
              limits: Type.Object({ key: Limit, anonymous: Limit }),
            }),
          },
        },
      },
      async (request) => {
        const developer = await developerOf(request);
        return { developer, keys: await hub.developers.keys(developer), limits: hub.developers.defaultLimits };
      },
    );

    app.post(
      '/developers/me/keys',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Make an API key: its secret is in this answer only (send it as X-API-Key or Authorization)',
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ key: ApiKey, secret: Type.String() }) },
        },
      },
      async (request, reply) => {
        const developer = await developerOf(request);
        return created(reply, await hub.developers.createKey(developer, request.body.name));
      },
    );

    app.delete(
      '/developers/me/keys/:id',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Revoke an API key: calls with it are refused from now on',
          params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) }),
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        const developer = await developerOf(request);
        await hub.developers.revokeKey(developer, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
