import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { HubError } from '../../kernel/index.js';
import type { Ledger } from '../../ledger/index.js';

const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
const HeadSchema = Type.Object({
  treeSize: Type.Integer(),
  rootHash: Hex,
  timestamp: Type.Integer({ description: 'milliseconds since the Unix epoch' }),
  suite: Type.String({ enum: ['gm', 'intl'] }),
  signature: Type.String({ description: 'base64; covers the RFC 8785 JSON of the other four fields' }),
});
const EntrySchema = Type.Object({ index: Type.Integer(), entry: Type.String(), leafHash: Hex });
const Size = Type.Integer({ minimum: 0 });

export interface LedgerRouteOptions {
  ledger: Ledger;
  /** Throws 401/403 unless the caller may read entries by range. */
  requireAuditor: (request: FastifyRequest) => void;
  /** The caller's own citizen ID, for `?subject=me`; never taken from the query string. */
  subjectOf: (request: FastifyRequest) => string | undefined;
}

/**
 * The ledger's public contract (docs/ledger.md): heads, key and proofs are public so that
 * anyone can verify; entries by range are for auditors; a citizen reads only their own.
 */
export function ledgerRoutes({ ledger, requireAuditor, subjectOf }: LedgerRouteOptions): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/head',
      {
        config: { public: true },
        schema: { tags: ['ledger'], summary: 'The latest signed tree head', response: { 200: HeadSchema } },
      },
      async () => ledger.latestHead(),
    );

    app.get(
      '/heads',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'Past signed tree heads with tree sizes from..to (at most 1000)',
          querystring: Type.Object({ from: Type.Optional(Size), to: Type.Optional(Size) }),
          response: { 200: Type.Array(HeadSchema) },
        },
      },
      async (request) => ledger.heads(request.query.from, request.query.to),
    );

    app.get(
      '/key',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'The public key that signs tree heads',
          response: {
            200: Type.Object({
              suite: Type.String(),
              algorithm: Type.String(),
              hash: Type.String(),
              publicKeyPem: Type.String(),
              publicKeyHex: Type.Optional(Type.String()),
              sm2UserId: Type.Optional(Type.String()),
            }),
          },
        },
      },
      async () => ledger.publicKey(),
    );

    app.get(
      '/entries',
      {
        schema: {
          tags: ['ledger'],
          summary: 'Entries [start, end) for auditors, or ?subject=me: the caller’s own entries (citizens)',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            start: Type.Optional(Size),
            end: Type.Optional(Size),
            subject: Type.Optional(Type.Literal('me')),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            before: Type.Optional(Size),
          }),
          response: { 200: Type.Array(EntrySchema) },
        },
      },
      async (request) => {
        const q = request.query;
        if (q.subject === 'me') {
          const id = subjectOf(request);
          if (!id)
            throw new HubError(
              request.actor ? 'ACC_FORBIDDEN' : 'ACC_UNAUTHENTICATED',
              'only a citizen account has its own entries',
            );
          return ledger.entriesBySubject(ledger.subjectTag(id), { limit: q.limit, beforeIndex: q.before });
        }
        requireAuditor(request);
        if (q.start === undefined || q.end === undefined) {
          throw new HubError('KRN_VALIDATION', 'start and end are required', {
            problems: [{ field: 'querystring/start', reason: 'required with end (or use subject=me)' }],
          });
        }
        return ledger.entries(q.start, q.end);
      },
    );

    app.get(
      '/proof/inclusion',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'RFC 9162 inclusion proof of an entry (by index or leaf hash) in the tree of treeSize',
          querystring: Type.Object({
            index: Type.Optional(Size),
            leafHash: Type.Optional(Hex),
            treeSize: Type.Optional(Size),
          }),
          response: {
            200: Type.Object({
              leafIndex: Type.Integer(),
              treeSize: Type.Integer(),
              leafHash: Hex,
              auditPath: Type.Array(Hex),
            }),
          },
        },
      },
      async (request) => {
        const { index, leafHash, treeSize } = request.query;
        if (index === undefined && leafHash === undefined) {
          throw new HubError('KRN_VALIDATION', 'index or leafHash is required', {
            problems: [{ field: 'querystring/index', reason: 'give index or leafHash' }],
          });
        }
        return ledger.inclusionProof(index ?? (await ledger.indexOfLeaf(leafHash!)), treeSize);
      },
    );

    app.get(
      '/proof/consistency',
      {
        config: { public: true },
        schema: {
          tags: ['ledger'],
          summary: 'RFC 9162 consistency proof between tree sizes first and second',
          querystring: Type.Object({ first: Size, second: Type.Optional(Size) }),
          response: { 200: Type.Object({ first: Type.Integer(), second: Type.Integer(), proof: Type.Array(Hex) }) },
        },
      },
      async (request) => ledger.consistencyProof(request.query.first, request.query.second),
    );
  };
}
