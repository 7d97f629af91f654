import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Hub } from '../../hub/index.js';
import { HubError, languageOf, msg } from '../../kernel/index.js';
import { VC_MEDIA_TYPE, VERIFY_REASONS, didDocument } from '../../licence/index.js';
import { oneOf, originOf } from './licences.js';

const Named = Type.Object({ code: Type.String(), name: Type.String() });

/**
 * The public side of the e-licences (docs/licence.md): anyone verifies a presentation, reads the
 * issuer keys (JWKS and the hub's did:web document) and the status lists the credentials name.
 */
export function licencePublicRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/presentations/verify',
      {
        config: { public: true },
        schema: {
          tags: ['licence'],
          summary: '核验: whether a licence presentation is valid now, and what it shows (public, no login)',
          body: Type.Object(
            {
              token: Type.String({ minLength: 1, maxLength: 20_000 }),
              sm2: Type.Optional(
                Type.String({
                  maxLength: 400,
                  description: 'the SM2 countersignature (hex) the presentation came with: checked too when given',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              valid: Type.Boolean(),
              reason: oneOf(VERIFY_REASONS, {
                description: 'valid, expired, revoked, tampered, not_yet_valid or unknown_issuer',
              }),
              licence: Type.Union([
                Type.Object({
                  identifier: Type.String(),
                  type: Named,
                  issuer: Named,
                  holder: Type.String({ description: 'masked' }),
                  fields: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), value: Type.String() })),
                  validFrom: Type.String(),
                  validUntil: Type.Union([Type.String(), Type.Null()]),
                  presentedAt: Type.String(),
                  expiresAt: Type.String(),
                  signedBy: Type.Object({ keyId: Type.String(), alg: Type.String() }),
                }),
                Type.Null(),
              ]),
              sm2: Type.Union([Type.Literal('valid'), Type.Null()], {
                description: 'valid: the SM2 countersignature was given and verified; null: none given',
              }),
            }),
          },
        },
      },
      async (request) => {
        const language = languageOf(request.headers['accept-language']);
        return hub.licences.presentations.verify(request.body.token.trim(), language, request.body.sm2?.trim());
      },
    );

    app.get(
      '/api/v1/licences/status-lists/:list',
      {
        config: { public: true },
        schema: {
          tags: ['licence'],
          summary: 'A Bitstring Status List credential (revocation) as vc+jwt: the list credentials name',
          params: Type.Object({ list: Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }) }),
          response: { 200: Type.String() },
        },
      },
      async (request, reply) => {
        const jwt = await hub.licences.credentials.statusList(request.params.list, originOf(request));
        if (!jwt) throw new HubError('LIC_NOT_FOUND', msg('licence.notFound'));
        return reply.type(VC_MEDIA_TYPE).header('cache-control', 'max-age=60').send(jwt);
      },
    );

    app.get(
      '/.well-known/jwks.json',
      {
        config: { public: true },
        schema: {
          tags: ['licence'],
          summary: 'The issuer departments’ public keys (JWKS): presentations and credentials are signed by these',
          response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.String())) }) },
        },
      },
      async () => ({
        keys: (await hub.licenceKeys.published()).map(
          (k) => ({ ...k.jwk, org: k.org }) as unknown as Record<string, string>,
        ),
      }),
    );

    app.get(
      '/.well-known/did.json',
      {
        config: { public: true },
        schema: {
          tags: ['licence'],
          summary: 'The hub’s did:web document: one verification method per issuer department key',
          response: { 200: Type.Unknown() },
        },
      },
      async (request, reply) =>
        reply.type('application/did+json').send(await didDocument(hub.licenceKeys, originOf(request))),
    );
  };
}
