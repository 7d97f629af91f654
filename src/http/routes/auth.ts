import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  permissionsOf,
  TOKEN_TTL_S,
  type LoginAnswer,
  type LoginSource,
  type UserProfile,
} from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { requireActor } from '../auth.js';
import { created } from '../created.js';

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
  permissions: Type.Array(Type.String(), {
    description:
      'the actions of the access policy (docs/access.md) the user may take somewhere; the server checks each request',
  }),
  scopes: Type.Record(
    Type.String(),
    Type.Array(Type.Union([Type.Literal('any'), Type.Literal('own'), Type.Literal('other'), Type.Literal('self')])),
    {
      description:
        "where each permitted action holds: any target, the user's own organization, other organizations, themselves",
    },
  ),
  citizenId: Type.Optional(Type.String({ description: "a citizen account's own ID (GET /auth/me only)" })),
});

export const LoginAnswerSchema = Type.Object({
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
            'a browser that logged into the account before is not held up by failures from elsewhere. ' +
            'After an operator set or reset the password the login is refused with 403 ' +
            'ACC_PASSWORD_CHANGE_REQUIRED until it carries `newPassword`, which replaces the password.',
          body: Type.Object(
            {
              username: Type.String({ minLength: 1, maxLength: 64 }),
              password: Type.String({ minLength: 1, maxLength: 256 }),
              newPassword: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: LoginAnswerSchema },
        },
      },
      async (request, reply) => {
        const from = sourceOf(request);
        const { username, password, newPassword } = request.body;
        const answer = await hub.authorizedAccess.login(username, password, from.source, newPassword);
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
          await hub.authorizedAccess.changePassword(actor, currentPassword, newPassword, from.source),
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
        async (request) => hub.authorizedAccess.setDisabled(request.actor, request.params.username, disabled),
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
      async (request) => {
        const user = withPermissions(await hub.access.profile(requireActor(request).userId));
        // Whose records are theirs: a citizen's home shows them (looked up for citizens only, in auth.ts).
        return request.citizenId ? { ...user, citizenId: request.citizenId } : user;
      },
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
        return created(reply, await hub.access.createApiKey(actor.userId, request.body.name));
      },
    );
  };
}

/** The client's address and its browser's device cookie; a browser without one is given one on success. */
export function sourceOf(request: FastifyRequest): { source: LoginSource; newDevice: boolean } {
  const presented = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([A-Za-z0-9_-]{22,64})(?:;|$)`).exec(
    request.headers.cookie ?? '',
  )?.[1];
  const device = presented ?? randomBytes(24).toString('base64url');
  return { source: { address: request.ip, device }, newDevice: presented === undefined };
}

/** The user with what their roles let them do, so that the web app shows only that. */
function withPermissions<U extends UserProfile>(user: U) {
  return { ...user, ...permissionsOf(user.roles) };
}

/** The login answer as every login gives it (password or unified identity), the device cookie set for a new browser. */
export function remembered(
  answer: LoginAnswer,
  from: { source: LoginSource; newDevice: boolean },
  reply: FastifyReply,
) {
  if (from.newDevice) {
    const secure = reply.request.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${DEVICE_COOKIE}=${from.source.device}; Path=${DEVICE_PATH}; Max-Age=${DEVICE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure}`,
    );
  }
  return { ...answer, user: withPermissions(answer.user) };
}
