import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { showKey } from '../../base/index.js';
import type { Hub } from '../../hub/index.js';
import { isCitizenId, languageOf } from '../../kernel/index.js';
import {
  PRESENTATION_TTL,
  SIGNING_ALGS,
  VC_MEDIA_TYPE,
  statusAt,
  type LicenceRow,
  type LicenceType,
} from '../../licence/index.js';
import { created } from '../created.js';

/** A closed list of strings (an enum keeping its literal type), with a description or default. */
export const oneOf = <const T extends readonly string[]>(
  values: T,
  opts: { description: string; default?: T[number] },
) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...opts });

const Named = Type.Object({ code: Type.String(), name: Type.String() });
/** Any text: an id that is no licence's is answered 404 after the policy, never 400 before it. */
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const HolderKind = Type.Union([Type.Literal('person'), Type.Literal('legal_entity')], {
  description: 'person: by citizen ID; legal_entity: an enterprise by unified social credit code',
});
const Status = oneOf(['valid', 'superseded', 'revoked', 'expired', 'not_yet_valid'] as const, {
  description: 'as of now: revoked or superseded as stored, else expired / not yet valid by its dates',
});
const FieldValues = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), Type.String({ maxLength: 2000 }));
const Time = Type.String({ format: 'date-time' });

const TypeView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  holderKind: HolderKind,
  validityDays: Type.Union([Type.Integer(), Type.Null()], { description: 'null: long-term (长期)' }),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Type.String(),
      labelEn: Type.String(),
      required: Type.Boolean(),
      omittable: Type.Boolean({ description: 'the holder may leave it out of a presentation' }),
    }),
  ),
});

const LicenceView = Type.Object({
  id: Type.String(),
  identifier: Type.String({ description: 'GB/T 36902 identifier; its last character is the MOD 37,36 check' }),
  type: Named,
  issuer: Named,
  holder: Type.Object({
    kind: HolderKind,
    id: Type.String({ description: 'citizen ID masked; a credit code as it is' }),
    name: Type.Union([Type.String(), Type.Null()], { description: 'an enterprise’s name where it has an account' }),
  }),
  version: Type.Integer(),
  status: Status,
  validFrom: Type.String(),
  validUntil: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokeReason: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Union(
    [
      Type.Array(
        Type.Object({ name: Type.String(), label: Type.String(), value: Type.String(), omittable: Type.Boolean() }),
      ),
    ],
    { description: 'to the holder: the values (citizen IDs among them masked); to the issuer: none' },
  ),
});

const IssueBody = Type.Object(
  {
    type: Type.String({ pattern: '^[0-9A-Z]{2,20}$', description: 'licence type code (GET /api/v1/licences/types)' }),
    holder: Type.Object(
      { kind: HolderKind, id: Type.String({ minLength: 15, maxLength: 18 }) },
      { additionalProperties: false },
    ),
    fields: Type.Optional(FieldValues),
    resource: Type.Optional(
      Type.String({
        pattern: '^[A-Z][A-Z0-9]*-[0-9]+$',
        description: 'issue from the holder’s record in this resource of the issuer’s; `fields` given win',
      }),
    ),
    mapping: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 64 }), {
        description: 'licence field → resource field where the names differ',
      }),
    ),
    validFrom: Type.Optional(Time),
    validUntil: Type.Optional(Type.Union([Time, Type.Null()], { description: 'null: long-term; default by type' })),
  },
  { additionalProperties: false },
);

/**
 * The hub's public address: QDH_PUBLIC_URL (the one OIDC's redirect is built from too), else as
 * the request reached it. Only its origin: credentials name the DID of the host, not a path.
 */
export function originOf(request: FastifyRequest): string {
  const configured = process.env.QDH_PUBLIC_URL;
  return configured ? new URL(configured).origin : `${request.protocol}://${request.host}`;
}

/**
 * 电子证照 (#17, docs/licence.md): the issuer's officers issue, revise and revoke; the holder lists,
 * presents (亮证: a signed short-lived token and its QR code) and exports a W3C credential.
 */
export function licenceRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/licences/types',
      {
        schema: {
          tags: ['licence'],
          summary: 'The licence types: fields, which a presentation may leave out, default validity',
          security: [{ bearer: [] }],
          response: { 200: Type.Object({ items: Type.Array(TypeView) }) },
        },
      },
      async () => ({ items: (await hub.licences.licences.types()).map(typeView) }),
    );

    app.get(
      '/licences',
      {
        schema: {
          tags: ['licence'],
          summary: 'The caller’s licences (我的证照): its own, and those of the enterprises it acts for',
          security: [{ bearer: [] }],
          response: { 200: Type.Object({ items: Type.Array(LicenceView) }) },
        },
      },
      async (request) => {
        const rows = await hub.licences.mine(request.actor);
        return { items: await Promise.all(rows.map((r) => view(hub, r, 'holder', request))) };
      },
    );

    app.get(
      '/licences/issued',
      {
        schema: {
          tags: ['licence'],
          summary: 'Licences the caller’s department issued, every version, newest first (holders masked)',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(LicenceView), next: Type.Union([Type.String(), Type.Null()]) }),
          },
        },
      },
      async (request) => {
        const found = await hub.licences.issued(request.actor, request.query);
        return {
          items: await Promise.all(found.items.map((r) => view(hub, r, 'issuer', request))),
          next: found.next,
        };
      },
    );

    app.get(
      '/licences/stats',
      {
        schema: {
          tags: ['licence'],
          summary: 'Licences issued, revised, revoked, presented and verified, by type and issuer (cockpit)',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'China day' })),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  type: Named,
                  issuer: Named,
                  issued: Type.Integer(),
                  revised: Type.Integer(),
                  revoked: Type.Integer(),
                  presented: Type.Integer(),
                  verified: Type.Integer(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const stats = await hub.licences.stats(request.actor, request.query.from);
        const language = languageOf(request.headers['accept-language']);
        const types = await hub.licences.licences.types();
        return {
          items: await Promise.all(
            stats.map(async (s) => ({
              ...s,
              type: { code: s.type, name: types.find((t) => t.code === s.type)?.name[language] ?? s.type },
              issuer: { code: s.issuer, name: (await hub.access.findOrganization(s.issuer))?.name ?? s.issuer },
            })),
          ),
        };
      },
    );

    app.post(
      '/licences',
      {
        schema: {
          tags: ['licence'],
          summary: 'An issuer department’s officer issues a licence, by API with its fields or from a record',
          security: [{ apiKey: [] }, { bearer: [] }],
          body: IssueBody,
          response: { 201: LicenceView },
        },
      },
      async (request, reply) => {
        const { resource, mapping, fields, ...input } = request.body;
        const row = resource
          ? await hub.licences.issueFromRecord(request.actor, { ...input, resource, mapping, fields })
          : await hub.licences.issue(request.actor, { ...input, fields: fields ?? {} });
        return created(reply, await view(hub, row, 'issuer', request));
      },
    );

    app.post(
      '/licences/:id/revise',
      {
        schema: {
          tags: ['licence'],
          summary: 'The issuer revises a licence: a new version with the changed fields; the old one is superseded',
          security: [{ apiKey: [] }, { bearer: [] }],
          params: Id,
          body: Type.Object(
            { fields: Type.Optional(FieldValues), validUntil: IssueBody.properties.validUntil },
            { additionalProperties: false },
          ),
          response: { 201: LicenceView },
        },
      },
      async (request, reply) => {
        const row = await hub.licences.revise(request.actor, request.params.id, request.body);
        return created(reply, await view(hub, row, 'issuer', request));
      },
    );

    app.post(
      '/licences/:id/revoke',
      {
        schema: {
          tags: ['licence'],
          summary: 'The issuer revokes a licence with a reason; its presentations and credential fail from now on',
          security: [{ apiKey: [] }, { bearer: [] }],
          params: Id,
          body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }),
          response: { 200: LicenceView },
        },
      },
      async (request) =>
        view(hub, await hub.licences.revoke(request.actor, request.params.id, request.body.reason), 'issuer', request),
    );

    app.post(
      '/licences/:id/presentations',
      {
        schema: {
          tags: ['licence'],
          summary: '亮证: a short-lived signed presentation of the holder’s licence and a QR code of its verify link',
          security: [{ bearer: [] }],
          params: Id,
          body: Type.Object(
            {
              fields: Type.Optional(
                Type.Array(Type.String({ maxLength: 64 }), {
                  maxItems: 50,
                  uniqueItems: true,
                  description: 'fields to show; those the type does not let the holder omit are always shown',
                }),
              ),
              ttl: Type.Integer({
                minimum: PRESENTATION_TTL.min,
                maximum: PRESENTATION_TTL.max,
                default: PRESENTATION_TTL.default,
                description: 'seconds the presentation is good for',
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              token: Type.String({ description: 'a JWT (ES256) signed by the issuer department’s key' }),
              sm2: Type.Object(
                { keyId: Type.String(), signature: Type.String() },
                {
                  description: 'the issuer’s SM2 (GB/T 32918) signature of the token, hex DER, for domestic verifiers',
                },
              ),
              qr: Type.String({ description: 'data: URL of an SVG QR code of `url`' }),
              url: Type.String({ description: 'the public verify page with the token' }),
              expiresAt: Type.String(),
              fields: Type.Array(Type.String()),
            }),
          },
        },
        preValidation: async (request) => void (request.body ??= { ttl: PRESENTATION_TTL.default }),
      },
      async (request, reply) => {
        const { fields, ttl } = request.body;
        const made = await hub.licences.present(request.actor, request.params.id, {
          fields,
          ttl,
          verifyUrl: `${originOf(request)}/verify`,
        });
        return created(reply, made);
      },
    );

    app.get(
      '/licences/:id/credential',
      {
        schema: {
          tags: ['licence'],
          summary: 'The holder’s licence as a W3C Verifiable Credential 2.0 secured as a JWT (application/vc+jwt)',
          security: [{ bearer: [] }],
          params: Id,
          querystring: Type.Object({
            alg: oneOf(SIGNING_ALGS, { default: 'ES256', description: 'ES256 (P-256) or EdDSA (Ed25519)' }),
          }),
          response: { 200: Type.String({ description: 'the vc+jwt' }) },
        },
      },
      async (request, reply) => {
        const jwt = await hub.licences.credential(
          request.actor,
          request.params.id,
          originOf(request),
          request.query.alg,
        );
        return reply.type(VC_MEDIA_TYPE).send(jwt);
      },
    );
  };
}

function typeView(t: LicenceType): Static<typeof TypeView> {
  return {
    code: t.code,
    name: t.name['zh-CN'],
    nameEn: t.name.en,
    holderKind: t.holderKind,
    validityDays: t.validityDays,
    fields: t.fields.map((f) => ({
      name: f.name,
      label: f.label['zh-CN'],
      labelEn: f.label.en,
      required: f.required,
      omittable: f.omittable,
    })),
  };
}

/** A licence with names beside codes: to its holder with its fields, to its issuer without them. */
async function view(
  hub: Hub,
  row: LicenceRow,
  to: 'holder' | 'issuer',
  request: FastifyRequest,
): Promise<Static<typeof LicenceView>> {
  const language = languageOf(request.headers['accept-language']);
  const type = await hub.licences.licences.type(row.type_code);
  const { key, fields } = await hub.licences.licences.open(row);
  const firm = row.holder_kind === 'legal_entity' ? await hub.access.enterprises.find(key) : undefined;
  const issuer = await hub.access.findOrganization(row.issuer_org);
  return {
    id: row.id,
    identifier: row.identifier,
    type: { code: type.code, name: type.name[language] },
    issuer: { code: row.issuer_org, name: issuer?.name ?? row.issuer_org },
    holder: { kind: row.holder_kind, id: showKey(row.holder_kind, key, 'masked'), name: firm?.name ?? null },
    version: row.version,
    status: statusAt(row, new Date()),
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until?.toISOString() ?? null,
    issuedAt: row.issued_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokeReason: row.revoke_reason,
    fields:
      to === 'holder'
        ? type.fields
            .filter((f) => fields[f.name] !== undefined)
            .map((f) => ({
              name: f.name,
              label: f.label[language],
              // A citizen ID among the values (a spouse's) is masked in lists; a presentation shows it if chosen.
              value: isCitizenId(fields[f.name]!) ? showKey('person', fields[f.name]!, 'masked') : fields[f.name]!,
              omittable: f.omittable,
            }))
        : [],
  };
}
