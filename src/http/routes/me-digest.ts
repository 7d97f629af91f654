import { Type, type Static } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { authorize } from '../../access/index.js';
import { showKey } from '../../base/index.js';
import type { Hub } from '../../hub/index.js';
import { HubError, msg } from '../../kernel/index.js';
import type { SubjectTally } from '../../ledger/index.js';
import { usageDigestSvg } from '../usage-digest-svg.js';
import { HeadSchema } from './ledger.js';
import { MONTH_PATTERN, Month, USES, monthOf } from './me.js';

const Count = Type.Integer({ minimum: 0 });
const Outcomes = {
  count: Count,
  allowed: Type.Integer({ minimum: 0, description: 'reads that returned data, and questions answered (无证明核验)' }),
  denied: Type.Integer({ minimum: 0, description: 'refused: by the policy, without a grant, a consent not in force…' }),
  notFound: Type.Integer({ minimum: 0, description: 'a keyed read that found no record' }),
};

const DigestSchema = Type.Object({
  month: Month,
  /** The signed tree head the counts are relative to: entries below its size, no others. */
  head: HeadSchema,
  uses: Type.Object(Outcomes, {
    description: 'reads of the caller’s data, and questions about the caller (attestations), by others in the month',
  }),
  own: Type.Integer({ minimum: 0, description: 'the caller’s own looks in the month, not counted as uses' }),
  byOrg: Type.Array(
    Type.Object({
      org: Type.Union([Type.String(), Type.Null()], { description: 'the reading organization, by code' }),
      name: Type.String(),
      ...Outcomes,
    }),
    { description: 'uses by others, by organization, most first' },
  ),
  byPurpose: Type.Array(Type.Object({ purpose: Type.String(), name: Type.String(), ...Outcomes }), {
    description: 'uses by others, by the purpose stated, most first',
  }),
});
type Digest = Static<typeof DigestSchema>;

const Query = Type.Object({
  month: Type.Optional(
    Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM, China time; the current month when left out' }),
  ),
});

/**
 * 我的数据使用月报: the month of "who used my data" in figures — by organization and purpose,
 * allowed against refused, the citizen's own looks apart — as JSON for the app and as an image
 * to keep. Counted from the ledger below the latest signed head, so each figure can be checked
 * entry by entry against that head (docs/ledger.md).
 */
export function usageDigestRoutes(hub: Hub): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/usage/digest',
      {
        schema: {
          tags: ['ledger'],
          summary: 'Monthly digest of who used my data: counts by organization and purpose, relative to a signed head',
          security: [{ bearer: [] }],
          querystring: Query,
          response: { 200: DigestSchema },
        },
      },
      async (request) => digestOf(hub, request, request.query.month),
    );

    app.get(
      '/usage/digest.svg',
      {
        schema: {
          tags: ['ledger'],
          summary: 'Monthly digest of who used my data as an image (SVG) to download: a bar per organization',
          security: [{ bearer: [] }],
          querystring: Query,
        },
      },
      async (request, reply) => {
        const digest = await digestOf(hub, request, request.query.month);
        const svg = usageDigestSvg({
          month: digest.month,
          maskedId: showKey('person', request.citizenId!, 'masked'),
          uses: digest.uses,
          own: digest.own,
          orgs: digest.byOrg.map((o) => ({ name: o.name, count: o.count })),
          head: digest.head,
        });
        return reply
          .type('image/svg+xml; charset=utf-8')
          .header('content-disposition', `attachment; filename="usage-${digest.month}.svg"`)
          .header('x-ledger-tree-size', String(digest.head.treeSize))
          .send(svg);
      },
    );
  };
}

/** The caller's own month: the subject is the account's, never taken from the request. */
async function digestOf(hub: Hub, request: FastifyRequest, asked: string | undefined): Promise<Digest> {
  authorize(request.actor, 'ledger:read-own-entries', { self: true });
  if (!request.citizenId) throw new HubError('ACC_FORBIDDEN', msg('ledger.citizenOnly'));
  const username = request.actor!.username;
  const month = asked ?? new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const head = await hub.ledger.latestHead();
  const [tally, orgs, purposes] = await Promise.all([
    hub.ledger.tallyBySubject({
      subject: hub.ledger.subjectTag(request.citizenId),
      kind: USES,
      ...monthOf(month),
      before: head.treeSize,
    }),
    hub.access.listOrganizations(),
    hub.purposes.list(),
  ]);
  const others = tally.filter((t) => t.actor !== username);
  const orgName = new Map(orgs.map((o) => [o.code, o.name]));
  const purposeName = new Map(purposes.map((p) => [p.code, p.name]));
  return {
    month,
    head,
    uses: outcomes(others),
    own: tally.filter((t) => t.actor === username).reduce((n, t) => n + t.count, 0),
    byOrg: grouped(others, (t) => t.org).map(([org, rows]) => ({
      org,
      name: org === null ? '—' : (orgName.get(org) ?? org),
      ...outcomes(rows),
    })),
    byPurpose: grouped(others, (t) => t.purpose ?? '').map(([purpose, rows]) => ({
      purpose,
      name: purposeName.get(purpose) ?? purpose,
      ...outcomes(rows),
    })),
  };
}

function outcomes(rows: SubjectTally[]) {
  const sum = (outcome?: string) =>
    rows.filter((r) => outcome === undefined || r.outcome === outcome).reduce((n, r) => n + r.count, 0);
  // An attestation answered is a use that went through, as an allowed read is.
  const allowed = sum('allowed') + sum('answered');
  return { count: sum(), allowed, denied: sum('denied'), notFound: sum('not_found') };
}

/** Rows grouped by a key, the largest group first (then by key, so the order is stable). */
function grouped<K extends string | null>(
  rows: SubjectTally[],
  keyOf: (r: SubjectTally) => K,
): Array<[K, SubjectTally[]]> {
  const groups = new Map<K, SubjectTally[]>();
  for (const r of rows) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  const total = (g: SubjectTally[]) => g.reduce((n, r) => n + r.count, 0);
  return [...groups].sort((a, b) => total(b[1]) - total(a[1]) || String(a[0]).localeCompare(String(b[0])));
}
