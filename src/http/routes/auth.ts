import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Hub } from '../../hub/index.js';
import { requireActor } from '../auth.js';

const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  org: Type.Union([Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() }), Type.Null()]),
});

export function authRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in with user name and password; returns a signed token (8 h)',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 64 }),
              password: Type.String({ minLength: 1, maxLength: 256 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ token: Type.String(), user: UserSchema }) },
        },
      },
      async (request) => hub.access.login(request.body.username, request.body.password),
    );

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
