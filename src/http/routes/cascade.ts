import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { created } from '../created.js';
import { nodeSigned } from '../node-signed.js';

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
        return hub.cascade.nodes();
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

    await app.register(
      nodeSigned(hub, async (link) => {
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
