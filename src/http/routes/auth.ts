import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorize, TOKEN_TTL_S, type LoginAnswer, type LoginSource } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { requireActor } from '../auth.js';

/**
 * The browser's device cookie: a random name for the browser, recorded for each account it logs
 * into, so that the owner is not slowed down by failed logins from elsewhere (docs/access.md).
 * Only the login routes see it.
 */
const DEVICE_COOKIE = 'qdh_device';
const DEVICE_PATH = '/api/v1/auth';
const DEVICE_MAX_AGE_S = 365 * 24 * 60 * 60;

const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  org: Type.Union([Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() }), Type.Null()]),
});

const LoginAnswerSchema = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  expiresIn: Type.Integer({ description: 'seconds until the token expires' }),
  user: UserSchema,
});

export function authRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: `Log in with user name and password; returns a signed token (${TOKEN_TTL_S / 3600} h) and its expiry`,
          description:
            'Failed logins slow down their source (429 with Retry-After), never lock the account; ' +
            'a browser that logged into the account before is not held up by failures from elsewhere.',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 64 }),
              password: Type.String({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: LoginAnswerSchema },
        },
      },
      async (request, reply) => {
        const from = sourceOf(request);
        const answer = await hub.access.login(request.body.username, request.body.password, from.source);
        return remembered(answer, from, reply);
      },
    );

    app.post(
      '/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke the presented token at once, in every hub process',
          security: [{ bearer: [] }],
        },
      },
      async (request, reply) => {
        await hub.access.logout(requireActor(request));
        return reply.status(204).send();
      },
    );

    app.post(
      '/password',
      {
        schema: {
          tags: ['auth'],
          summary: "Change the caller's password; every earlier token of the user is revoked, a new one returned",
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
              newPassword: Type.String({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: LoginAnswerSchema },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const from = sourceOf(request);
        const { currentPassword, newPassword } = request.body;
        return remembered(
          await hub.access.changePassword(actor, currentPassword, newPassword, from.source),
          from,
          reply,
        );
      },
    );

    for (const [verb, disabled] of [
      ['disable', true],
      ['enable', false],
    ] as const) {
      app.post(
        `/users/:username/${verb}`,
        {
          schema: {
            tags: ['auth'],
            summary: disabled
              ? "Disable a user (operators): the user's tokens and API keys stop working at the next request"
              : 'Enable a disabled user again (operators); revoked tokens stay revoked',
            security: [{ bearer: [] }],
            params: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
            response: { 200: Type.Object({ username: Type.String(), disabled: Type.Boolean() }) },
          },
        },
        async (request) => {
          authorize(request.actor, 'user:manage');
          return hub.access.setDisabled(request.params.username, disabled);
        },
      );
    }

    app.get(
      '/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The logged-in user',
          security: [{ bearer: [] }],
          response: { 200: UserSchema },
        },
      },
      async (request) => hub.access.profile(requireActor(request).userId),
    );

    app.post(
      '/api-keys',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an API key for the caller (shown once; send it as X-API-Key)',
          security: [{ bearer: [] }],
          body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
          response: { 201: Type.Object({ key: Type.String(), prefix: Type.String() }) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        reply.status(201);
        return hub.access.createApiKey(actor.userId, request.body.name);
      },
    );
  };
}

/** The client's address and its browser's device cookie; a browser without one is given one on success. */
function sourceOf(request: FastifyRequest): { source: LoginSource; newDevice: boolean } {
  const presented = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([A-Za-z0-9_-]{22,64})(?:;|$)`).exec(
    request.headers.cookie ?? '',
  )?.[1];
  const device = presented ?? randomBytes(24).toString('base64url');
  return { source: { address: request.ip, device }, newDevice: presented === undefined };
}

function remembered(answer: LoginAnswer, from: { source: LoginSource; newDevice: boolean }, reply: FastifyReply) {
  if (from.newDevice) {
    const secure = reply.request.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${DEVICE_COOKIE}=${from.source.device}; Path=${DEVICE_PATH}; Max-Age=${DEVICE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure}`,
    );
  }
  return answer;
}
