import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authorize } from '../../access/index.js';
import type { Hub } from '../../hub/index.js';
import { HubError, msg } from '../../kernel/index.js';
import { readEntry, type ShareReadEntry } from '../../ledger/index.js';
import { Hex, NamesSchema, Size, namesFrom } from './ledger.js';

const Use = Type.Object({
  index: Type.Integer({
    description: 'the entry’s index in the ledger (its inclusion proof: /api/v1/ledger/proof/inclusion)',
  }),
  leafHash: Hex,
  at: Type.String(),
  org: Type.Union([Type.String(), Type.Null()], { description: 'the organization that read, by code (names.orgs)' }),
  actor: Type.String({ description: 'the user who read (names.users)' }),
  resource: Type.String({ description: 'what was read (names.resources)' }),
  purpose: Type.String({ description: 'the purpose stated, by code (GET /api/v1/purposes)' }),
  op: Type.String({ description: 'the kind of read (`share.read`, docs/ledger.md)' }),
  outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('not_found')]),
  own: Type.Boolean({ description: 'the caller’s own look at their data, not a use by others' }),
});

/**
 * 我的数据: what the hub knows of the signed-in person. Only the caller's own subject is ever
 * read (the policy's `self`); the identifier comes from the account, never from the request.
 */
export function meRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  const names = namesFrom(hub);
  return async (app) => {
    app.get(
      '/usage',
      {
        schema: {
          tags: ['ledger'],
          summary:
            'Who used my data: the ledger’s reads of the caller’s records, newest first, by month and organization',
          security: [{ bearer: [] }],
          querystring: Type.Object({
            month: Type.Optional(
              Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, China time' }),
            ),
            org: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,40}$', description: 'organization code' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Size),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Use),
              next: Type.Union([Type.Integer(), Type.Null()], { description: 'the `before` of the next page' }),
              names: NamesSchema,
              totals: Type.Object({
                byOthers: Type.Integer({ description: 'reads of the caller’s data by anyone else, ever' }),
                own: Type.Integer({ description: 'the caller’s own looks' }),
              }),
            }),
          },
        },
      },
      async (request) => {
        authorize(request.actor, 'ledger:read-own-entries', { self: true });
        const actor = request.actor;
        if (!request.citizenId) throw new HubError('ACC_FORBIDDEN', msg('ledger.citizenOnly'));
        const tag = hub.ledger.subjectTag(request.citizenId);
        const q = request.query;
        const [page, counts] = await Promise.all([
          hub.ledger.search(
            { subject: tag, kind: 'share.read', org: q.org, ...monthOf(q.month), before: q.before },
            q.limit,
          ),
          hub.ledger.countBySubjectActor(tag, 'share.read'),
        ]);
        const reads = page.items.flatMap((row) => {
          const read = readEntry(row.entry) as ShareReadEntry | undefined;
          return read ? [{ row, read }] : [];
        });
        const items = reads.map(({ row, read }) => ({
          index: row.index,
          leafHash: row.leafHash,
          at: read.at,
          org: read.org,
          actor: read.actor,
          resource: read.resource,
          purpose: read.purpose,
          op: read.op,
          outcome: read.outcome,
          own: read.actor === actor.username,
        }));
        const own = counts.get(actor.username) ?? 0;
        const all = [...counts.values()].reduce((a, b) => a + b, 0);
        return {
          items,
          next: page.next,
          names: await names(reads.map((r) => r.read)),
          totals: { byOthers: all - own, own },
        };
      },
    );
  };
}

/** A calendar month in China time as [from, to). */
function monthOf(month: string | undefined): { from?: Date; to?: Date } {
  if (month === undefined) return {};
  const [y, m] = month.split('-').map(Number) as [number, number];
  const start = (year: number, mon: number) => new Date(`${year}-${String(mon).padStart(2, '0')}-01T00:00:00+08:00`);
  return { from: start(y, m), to: m === 12 ? start(y + 1, 1) : start(y, m + 1) };
}
