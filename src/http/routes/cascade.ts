import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { languageOf } from '../../kernel/index.js';
import { created } from '../created.js';
import { nodeSigned } from '../node-signed.js';
import type { SignedTreeHead } from '../../ledger/index.js';
import { HeadSchema } from './ledger.js';

const Division = Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 division code' });
const Keys = Type.Object(
  {
    sm2: Type.String({ pattern: '^04[0-9a-f]{128}$', description: 'SM2 public point, uncompressed, hex' }),
    ed25519: Type.String({ maxLength: 200, description: 'Ed25519 public key, SPKI PEM' }),
  },
  { additionalProperties: false },
);
const Card = Type.Object({
  nodeId: Type.String(),
  role: Type.String({ enum: ['city', 'district'] }),
  division: Type.String(),
  divisionName: Type.String(),
  publicKeys: Keys,
  districts: Type.Array(Type.Object({ division: Type.String(), name: Type.String() }), {
    description: 'on a city: its districts and counties, which may enrol',
  }),
});
const NodeStatusSchema = Type.Object({
  nodeId: Type.String(),
  relation: Type.String({ enum: ['parent', 'child'] }),
  division: Type.String(),
  divisionName: Type.String(),
  url: Type.String(),
  status: Type.String({ enum: ['active', 'suspended', 'failing', 'never_synced'] }),
  enrolledAt: Type.String(),
  lastSeen: Type.Union([Type.String(), Type.Null()]),
  lastSync: Type.Union([Type.String(), Type.Null()]),
  lag: Type.Union([Type.Integer(), Type.Null()], { description: 'milliseconds behind at the last sync' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  alerts: Type.Integer({ description: 'alerts of witnessing about this node or reported by it' }),
});
const WitnessedHeadSchema = Type.Object({
  ...HeadSchema.properties,
  witnesses: Type.Array(
    Type.Object({
      node: Type.String(),
      division: Type.String(),
      cosignature: Type.String({
        description: 'sm2=…, ed25519=… over the RFC 8785 JSON of {witness, node, treeSize, rootHash, timestamp}',
      }),
      witnessedAt: Type.String(),
    }),
  ),
});
const AlertKind = Type.Union([
  Type.Literal('fork'),
  Type.Literal('inconsistent'),
  Type.Literal('rollback'),
  Type.Literal('key_changed'),
  Type.Literal('reported'),
]);
const AlertSchema = Type.Object({
  id: Type.Integer(),
  node: Type.String(),
  kind: AlertKind,
  detail: Type.Unknown(),
  at: Type.String(),
});

/** 级联 (#20, docs/cascade.md): this node, its peers, and the enrolment of a district with its city. */
export function cascadeRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/node',
      {
        config: { public: true },
        schema: {
          tags: ['cascade'],
          summary: 'This node: its role, division and public keys (compare fingerprints before enrolling)',
          response: { 200: Card },
        },
      },
      async () => hub.cascade.card(),
    );

    app.post(
      '/enrol',
      {
        config: { public: true },
        schema: {
          tags: ['cascade'],
          summary: 'A district node enrols with the city node by a one-time token (qdh cascade token)',
          body: Type.Object(
            {
              token: Type.String({ minLength: 10, maxLength: 100 }),
              nodeId: Type.String({ pattern: '^[0-9]{6}-[0-9a-f]{12}$' }),
              division: Division,
              url: Type.String({ format: 'uri', maxLength: 500, pattern: '^https?://' }),
              publicKeys: Keys,
              proof: Type.String({ maxLength: 1000, description: 'the token signed by both keys (docs/cascade.md)' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Card },
        },
      },
      async (request) => hub.cascade.acceptEnrolment(request.body),
    );

    app.get(
      '/nodes',
      {
        schema: {
          tags: ['cascade'],
          summary: 'The nodes this node knows: districts (on the city) or the city (on a district)',
          security: [{ bearer: [] }],
          response: { 200: Type.Array(NodeStatusSchema) },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:read');
        return hub.cascade.nodes(languageOf(request.headers['accept-language']));
      },
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: ['cascade'],
          summary: 'A one-time enrolment token for a district node (shown once)',
          security: [{ bearer: [] }],
          body: Type.Object(
            {
              division: Type.Optional(Division),
              hours: Type.Integer({ minimum: 1, maximum: 168, default: 24 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ token: Type.String(), expiresInHours: Type.Integer() }) },
        },
      },
      async (request, reply) => {
        authorize(request.actor, 'cascade:manage');
        const { division, hours } = request.body;
        const token = await hub.cascade.issueToken({ division, hours, by: request.actor.username });
        return created(reply, { token, expiresInHours: hours });
      },
    );

    app.post(
      '/witness',
      {
        schema: {
          tags: ['cascade'],
          summary: 'Witness every peer’s ledger now (it is done every minute): check its newest head and cosign it',
          security: [{ bearer: [] }],
          response: {
            200: Type.Array(
              Type.Object({
                node: Type.String(),
                treeSize: Type.Integer(),
                result: Type.Union([Type.Literal('new'), Type.Literal('same'), AlertKind]),
              }),
            ),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:manage');
        return hub.cascade.witnesses.witnessAll();
      },
    );

    app.get(
      '/alerts',
      {
        schema: {
          tags: ['cascade'],
          summary: 'Alerts of witnessing: forks found in a peer’s ledger, or reported of this one, newest first',
          security: [{ bearer: [] }],
          response: { 200: Type.Array(AlertSchema) },
        },
      },
      async (request) => {
        authorize(request.actor, 'cascade:read');
        return hub.cascade.witnesses.alerts();
      },
    );

    await app.register(
      nodeSigned(hub, async (link) => {
        link.post(
          '/link/witness',
          {
            schema: {
              tags: ['cascade'],
              summary: 'Between nodes: a peer’s cosignature of one of this node’s heads',
              body: Type.Object({ head: HeadSchema, cosignature: Type.String({ maxLength: 400 }) }),
            },
          },
          async (request, reply) => {
            await hub.cascade.witnesses.receive(
              request.peer!,
              request.body.head as SignedTreeHead,
              request.body.cosignature,
            );
            return reply.code(204).send();
          },
        );
        link.post(
          '/link/alerts',
          {
            schema: {
              tags: ['cascade'],
              summary: 'Between nodes: a peer reports a fork it found in this node’s ledger',
              body: Type.Object({ kind: AlertKind, detail: Type.Unknown() }),
            },
          },
          async (request, reply) => {
            await hub.cascade.witnesses.reported(request.peer!, request.body.kind, request.body.detail);
            return reply.code(204).send();
          },
        );
        link.get(
          '/link/ping',
          {
            schema: {
              tags: ['cascade'],
              summary: 'Between nodes: checks a signed request (signatures, date, nonce) and names its sender',
              response: { 200: Type.Object({ node: Type.String(), you: Type.String(), at: Type.String() }) },
            },
          },
          async (request) => ({
            node: hub.cascade.self.nodeId,
            you: request.peer!.nodeId,
            at: new Date().toISOString(),
          }),
        );
      }),
    );
  };
}

/** `GET /api/v1/ledger/witnessed`: this node's heads with the cosignatures of the nodes that witnessed them. */
export function witnessedRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/witnessed',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary:
            'Signed tree heads of this ledger, newest first, each with the cosignatures of the nodes that witnessed it',
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.Integer({ minimum: 1, description: 'heads of a smaller tree size than this' })),
          }),
          response: { 200: Type.Array(WitnessedHeadSchema) },
        },
      },
      async (request) => hub.cascade.witnesses.published(request.query.limit, request.query.before),
    );
  };
}
