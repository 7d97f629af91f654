import type { AccessService } from '../access/index.js';
import type { BaseService } from '../base/index.js';
import type { QualityService } from '../quality/index.js';
import type { AuthorizedDemands } from '../share/index.js';
import { catalogIndicators, type IndicatorCounts } from '../catalog/index.js';
import type { CockpitSources, DrillRows, OrgCounts, Overdue, QuerySource, Words } from '../cockpit/index.js';
import { sql, type Database } from '../db/index.js';
import { chinaDate, type Language } from '../kernel/index.js';

/**
 * What the cockpit reads, composed here where every module is known: grouped counts over the
 * modules' tables and counters (each one statement, grouped by organization), the rows behind a
 * figure (at most `limit`), and the named queries of the topic dashboards. Every value is a bound
 * parameter; nothing of a request becomes SQL text.
 */
export function cockpitSources(
  database: Database,
  deps: {
    access: AccessService;
    base: BaseService;
    quality: Pick<QualityService, 'fixDays'>;
    demands: Pick<AuthorizedDemands, 'stepDays'>;
  },
): CockpitSources & { queries: QuerySource } {
  const db = database.kysely;
  const departments = async () =>
    (await deps.access.listOrganizations())
      .filter((o) => o.kind === 'department')
      .map((o) => ({ code: o.code, name: o.name, division: o.division ?? '' }));
  const orgCounts = (rows: Array<{ org: string | null; n: number | string; d: number | string | null }>): OrgCounts =>
    new Map(
      rows.filter((r) => r.org !== null).map((r) => [r.org!, { n: Number(r.n), d: r.d === null ? null : Number(r.d) }]),
    );
  const table = async (
    columns: Array<[string, Words]>,
    rows: Array<Record<string, unknown>>,
    limit: number,
  ): Promise<DrillRows> => {
    // Organizations by name, codes of a state or type by their words: people read names, not codes.
    const orgs = new Map((await deps.access.listOrganizations()).map((o) => [o.code, o.name]));
    return {
      columns: columns.map(([key, name]) => ({ key, name, ...(VALUES[key] && { values: VALUES[key] }) })),
      rows: rows.slice(0, limit).map((r) => {
        const out: Record<string, string | number | null> = {};
        for (const [key] of columns) {
          const v = r[key];
          out[key] =
            v instanceof Date
              ? v.toISOString()
              : v === null || v === undefined
                ? null
                : ORG_COLUMNS.has(key) && typeof v === 'string'
                  ? (orgs.get(v) ?? v)
                  : (v as string | number);
        }
        return out;
      }),
      truncated: rows.length > limit,
    };
  };
  const demandProvider = sql`coalesce(r.provider_org, d.assigned_org)`;
  /** One computation for the indicators asking at once (the catalog's three rates, calls and errors). */
  const shared = <A extends unknown[], T>(fn: (...args: A) => Promise<T>) => {
    let running: Promise<T> | null = null;
    return (...args: A): Promise<T> => {
      running ??= fn(...args).finally(() => (running = null));
      return running;
    };
  };

  const sources: CockpitSources = {
    departments,
    catalog: shared(async (now: Date) => {
      const result = await catalogIndicators(db.withTables(), await departments(), now);
      return new Map<string, IndicatorCounts>(result.organizations.map((o) => [o.code, o.counts]));
    }),
    aggregation: async () =>
      orgCounts(
        (
          await sql<{ org: string; n: number; d: number }>`
            select provider_org as org,
              coalesce(sum(n) filter (where has_records), 0)::int as n, sum(n)::int as d
            from catalog.resource_tally
            where published and mount_kind = 'records'
            group by provider_org`.execute(db)
        ).rows,
      ),
    ingestPass: async () =>
      orgCounts(
        (
          await sql<{ org: string; n: string; d: string }>`
            select r.provider_org as org, coalesce(sum(j.rows_loaded), 0) as n, coalesce(sum(j.rows_read), 0) as d
            from ingest.job j join catalog.resource r on r.code = j.resource_code
            where j.state = 'succeeded'
            group by r.provider_org`.execute(db)
        ).rows,
      ),
    accuracy: async () => {
      const a = await deps.base.overallAccuracy();
      return { n: a.accurate, d: a.values };
    },
    subjectsByCounty: (kind) => deps.base.subjectsByCounty(kind),
    corrections: async () =>
      orgCounts(
        (
          await sql<{ org: string; n: number; d: number }>`
            select provider_org as org, count(*) filter (where state = 'accepted')::int as n,
              count(*) filter (where state <> 'rejected')::int as d
            from quality.correction group by provider_org`.execute(db)
        ).rows,
      ),
    // Kept by quality as corrections are decided: a row per department.
    fixDays: async () =>
      new Map([...(await deps.quality.fixDays())].map(([org, f]) => [org, { n: f.days, d: f.fixes }])),
    // Kept by share as demands are confirmed and published: a row per department.
    demandDays: async (step) =>
      new Map([...(await deps.demands.stepDays(step))].map(([org, t]) => [org, { n: t.days, d: t.demands }])),
    usage: shared(async () => {
      const { rows } = await sql<{ org: string; calls: string; errors: string }>`
        select r.provider_org as org, coalesce(sum(u.calls), 0) as calls, coalesce(sum(u.errors), 0) as errors
        from share.usage u
        join share.service s on s.code = u.service_code
        join catalog.resource r on r.code = s.resource_code
        group by r.provider_org`.execute(db);
      return new Map(rows.map((r) => [r.org, { calls: Number(r.calls), errors: Number(r.errors) }]));
    }),
    consents: async () =>
      orgCounts(
        // The tally for the days after today (UTC), today's few rows one by one (they expire as it passes).
        (
          await sql<{ org: string; n: string }>`
            select org, sum(n) as n from (
              select requester_org as org, n from consent.active_tally
              where expires_on > (now() at time zone 'UTC')::date and n <> 0
              union all
              select requester_org, count(*) from consent.consent
              where status = 'active' and expires_at > now()
                and expires_at < ((now() at time zone 'UTC')::date + 1) at time zone 'UTC'
              group by requester_org) a
            group by org`.execute(db)
        ).rows.map((r) => ({ ...r, d: null })),
      ),
    licencesPresented: async () =>
      orgCounts(
        (
          await sql<{ org: string; n: string }>`
            select issuer_org as org, sum(count) as n from licence.event_count
            where event = 'presented' group by issuer_org`.execute(db)
        ).rows.map((r) => ({ ...r, d: null })),
      ),
    attestAnswered: async () =>
      orgCounts(
        (
          await sql<{ org: string; n: string }>`
            select provider as org, sum(n) as n from attest.answer_count group by provider`.execute(db)
        ).rows.map((r) => ({ ...r, d: null })),
      ),
    overdue: async (now) => {
      const today = chinaDate(now);
      const { rows: demands } = await sql<{ org: string | null; overdue: number; late: number; total: number }>`
        select ${demandProvider} as org,
          count(*) filter (where (d.state = 'filed' and d.confirm_due < ${today})
            or (d.state = 'confirmed' and d.publish_due < ${today}))::int as overdue,
          count(*) filter (where (d.state = 'filed' and d.confirm_due < ${today})
            or (d.state = 'confirmed' and d.publish_due < ${today})
            or ((d.confirmed_at at time zone 'UTC') + interval '8 hours')::date > d.confirm_due
            or ((d.published_at at time zone 'UTC') + interval '8 hours')::date > d.publish_due)::int as late,
          count(*) filter (where d.state <> 'basis_review')::int as total
        from share.demand d left join catalog.resource r on r.code = d.resource_code
        group by 1`.execute(db);
      const { rows: corrections } = await sql<{ org: string; n: number }>`
        select provider_org as org, count(*)::int as n from quality.correction
        where state = 'open' and due_date < ${today} group by provider_org`.execute(db);
      const out = new Map<string, Overdue>();
      const get = (org: string) => {
        const o = out.get(org) ?? { demands: 0, demandsLate: 0, demandsTotal: 0, corrections: 0 };
        out.set(org, o);
        return o;
      };
      for (const d of demands) {
        if (!d.org) continue;
        Object.assign(get(d.org), { demands: d.overdue, demandsLate: d.late, demandsTotal: d.total });
      }
      for (const c of corrections) get(c.org).corrections = c.n;
      return out;
    },
    drill: {
      resources: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select code, name, provider_org as provider, status, published_at, mount->>'kind' as mount,
            record_count, share_type, open_type
          from catalog.resource where (${org}::text is null or provider_org = ${org})
          order by code limit ${limit + 1}`.execute(db);
        return table(
          [
            ['code', { zh: '资源代码', en: 'Code' }],
            ['name', { zh: '资源名称', en: 'Name' }],
            ['provider', { zh: '提供部门', en: 'Provider' }],
            ['status', { zh: '状态', en: 'Status' }],
            ['published_at', { zh: '发布时间', en: 'Published' }],
            ['mount', { zh: '挂接方式', en: 'Mount' }],
            ['record_count', { zh: '记录数', en: 'Records' }],
            ['share_type', { zh: '共享类型', en: 'Share type' }],
            ['open_type', { zh: '开放类型', en: 'Open type' }],
          ],
          rows,
          limit,
        );
      },
      jobs: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select j.id, j.resource_code as resource, j.state, j.rows_read, j.rows_loaded, j.rows_rejected, j.finished_at
          from ingest.job j join catalog.resource r on r.code = j.resource_code
          where j.state = 'succeeded' and (${org}::text is null or r.provider_org = ${org})
          order by j.finished_at desc nulls last limit ${limit + 1}`.execute(db);
        return table(
          [
            ['id', { zh: '装载编号', en: 'Load' }],
            ['resource', { zh: '资源代码', en: 'Resource' }],
            ['rows_read', { zh: '读到的行', en: 'Rows read' }],
            ['rows_loaded', { zh: '装载的行', en: 'Rows loaded' }],
            ['rows_rejected', { zh: '拒收的行', en: 'Rows rejected' }],
            ['finished_at', { zh: '完成时间', en: 'Finished' }],
          ],
          rows,
          limit,
        );
      },
      accuracy: async (_org, limit) => {
        const a = await deps.base.accuracy();
        return table(
          [
            ['kind', { zh: '基础库', en: 'Base' }],
            ['name', { zh: '数据元', en: 'Data element' }],
            ['values', { zh: '字段值', en: 'Values' }],
            ['accurate', { zh: '准确的', en: 'Accurate' }],
            ['invalid', { zh: '未通过校验', en: 'Invalid' }],
            ['unconfirmed', { zh: '未经权威来源确认', en: 'Unconfirmed' }],
            ['disputed', { zh: '有冲突', en: 'Disputed' }],
          ],
          a.elements as unknown as Array<Record<string, unknown>>,
          limit,
        );
      },
      corrections: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select id, resource_code as resource, provider_org as provider, state, filed_at, due_date, decided_at
          from quality.correction where (${org}::text is null or provider_org = ${org})
          order by id desc limit ${limit + 1}`.execute(db);
        return table(
          [
            ['id', { zh: '纠错编号', en: 'Correction' }],
            ['resource', { zh: '资源代码', en: 'Resource' }],
            ['provider', { zh: '提供部门', en: 'Provider' }],
            ['state', { zh: '状态', en: 'State' }],
            ['filed_at', { zh: '上报时间', en: 'Filed' }],
            ['due_date', { zh: '答复期限', en: 'Due' }],
            ['decided_at', { zh: '处理时间', en: 'Decided' }],
          ],
          rows,
          limit,
        );
      },
      demands: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select d.id, d.resource_code as resource, ${demandProvider} as provider, d.consumer_org as consumer,
            d.state, d.filed_at, d.confirm_due, d.confirmed_at, d.publish_due, d.published_at
          from share.demand d left join catalog.resource r on r.code = d.resource_code
          where (${org}::text is null or ${demandProvider} = ${org})
          order by d.id desc limit ${limit + 1}`.execute(db);
        return table(
          [
            ['id', { zh: '需求编号', en: 'Demand' }],
            ['resource', { zh: '资源代码', en: 'Resource' }],
            ['provider', { zh: '提供部门', en: 'Provider' }],
            ['consumer', { zh: '需求部门', en: 'Consumer' }],
            ['state', { zh: '状态', en: 'State' }],
            ['filed_at', { zh: '提出时间', en: 'Filed' }],
            ['confirm_due', { zh: '确认期限', en: 'Confirm by' }],
            ['confirmed_at', { zh: '确认时间', en: 'Confirmed' }],
            ['publish_due', { zh: '发布期限', en: 'Publish by' }],
            ['published_at', { zh: '发布时间', en: 'Published' }],
          ],
          rows,
          limit,
        );
      },
      services: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select s.code, s.resource_code as resource, r.provider_org as provider,
            coalesce(sum(u.calls), 0)::bigint as calls, coalesce(sum(u.errors), 0)::bigint as errors
          from share.service s join catalog.resource r on r.code = s.resource_code
          left join share.usage u on u.service_code = s.code
          where (${org}::text is null or r.provider_org = ${org})
          group by s.code, s.resource_code, r.provider_org
          order by calls desc, s.code limit ${limit + 1}`.execute(db);
        return table(
          [
            ['code', { zh: '服务代码', en: 'Service' }],
            ['resource', { zh: '资源代码', en: 'Resource' }],
            ['provider', { zh: '提供部门', en: 'Provider' }],
            ['calls', { zh: '调用次数', en: 'Calls' }],
            ['errors', { zh: '出错次数', en: 'Errors' }],
          ],
          rows.map((r) => ({ ...r, calls: Number(r.calls), errors: Number(r.errors) })),
          limit,
        );
      },
      consents: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select requester_org as requester, purpose, status, count(*)::int as n
          from consent.consent where (${org}::text is null or requester_org = ${org})
          group by requester_org, purpose, status order by requester_org, purpose, status limit ${limit + 1}`.execute(
          db,
        );
        return table(
          [
            ['requester', { zh: '申请机构', en: 'Requester' }],
            ['purpose', { zh: '用途', en: 'Purpose' }],
            ['status', { zh: '状态', en: 'Status' }],
            ['n', { zh: '授权数', en: 'Consents' }],
          ],
          rows,
          limit,
        );
      },
      licences: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select type_code as type, issuer_org as issuer, event, sum(count)::int as n
          from licence.event_count where (${org}::text is null or issuer_org = ${org})
          group by type_code, issuer_org, event order by type_code, issuer_org, event limit ${limit + 1}`.execute(db);
        return table(
          [
            ['type', { zh: '证照类型', en: 'Licence type' }],
            ['issuer', { zh: '签发部门', en: 'Issuer' }],
            ['event', { zh: '事件', en: 'Event' }],
            ['n', { zh: '次数', en: 'Count' }],
          ],
          rows,
          limit,
        );
      },
      attestations: async (org, limit) => {
        const { rows } = await sql<Record<string, unknown>>`
          select item, provider, asker_org as asker, sum(n)::int as answered,
            coalesce(sum(n) filter (where answer), 0)::int as yes
          from attest.answer_count where (${org}::text is null or provider = ${org})
          group by item, provider, asker_org order by item, asker_org limit ${limit + 1}`.execute(db);
        return table(
          [
            ['item', { zh: '核验事项', en: 'Item' }],
            ['provider', { zh: '负责部门', en: 'Department' }],
            ['asker', { zh: '核验机构', en: 'Asker' }],
            ['answered', { zh: '答复次数', en: 'Answered' }],
            ['yes', { zh: '其中“是”', en: 'Of which yes' }],
          ],
          rows,
          limit,
        );
      },
    },
  };
  return { ...sources, queries: namedQueries(database, departments) };
}

const CATEGORY: Record<string, Words> = {
  base: { zh: '基础', en: 'Base' },
  theme: { zh: '主题', en: 'Theme' },
  topic: { zh: '专题', en: 'Topic' },
  department: { zh: '部门', en: 'Department' },
};
const SHARE: Record<string, Words> = {
  unconditional: { zh: '无条件共享', en: 'Unconditional' },
  conditional: { zh: '有条件共享', en: 'Conditional' },
  none: { zh: '不予共享', en: 'Not shared' },
};
const OPEN: Record<string, Words> = {
  open: { zh: '无条件开放', en: 'Open' },
  conditional: { zh: '有条件开放', en: 'Conditional' },
  closed: { zh: '不予开放', en: 'Closed' },
};
const DEMAND: Record<string, Words> = {
  basis_review: { zh: '依据审核中', en: 'Basis under review' },
  filed: { zh: '待确认', en: 'Filed' },
  confirmed: { zh: '已确认', en: 'Confirmed' },
  refused: { zh: '已拒绝', en: 'Refused' },
  published: { zh: '已发布', en: 'Published' },
};
const CORRECTION: Record<string, Words> = {
  open: { zh: '待处理', en: 'Open' },
  accepted: { zh: '已整改', en: 'Fixed' },
  rejected: { zh: '已驳回', en: 'Rejected' },
};
const CONSENT: Record<string, Words> = {
  pending: { zh: '待同意', en: 'Pending' },
  active: { zh: '生效中', en: 'Active' },
  paused: { zh: '已暂停', en: 'Paused' },
  revoked: { zh: '已撤回', en: 'Revoked' },
  rejected: { zh: '已拒绝', en: 'Rejected' },
};

const ORG_COLUMNS = new Set(['provider', 'consumer', 'requester', 'issuer', 'asker']);
/** The words of the codes a drill-down column holds. */
const VALUES: Record<string, Record<string, Words>> = {
  status: {
    draft: { zh: '草稿', en: 'Draft' },
    submitted: { zh: '待审核', en: 'Submitted' },
    returned: { zh: '已退回', en: 'Returned' },
    approved: { zh: '已通过', en: 'Approved' },
    published: { zh: '已发布', en: 'Published' },
    ...CONSENT,
  },
  mount: {
    records: { zh: '数据记录', en: 'Records' },
    table: { zh: '库表', en: 'Table' },
    service: { zh: '接口', en: 'Service' },
  },
  share_type: SHARE,
  open_type: OPEN,
  state: { ...DEMAND, ...CORRECTION },
  event: {
    issued: { zh: '签发', en: 'Issued' },
    revised: { zh: '变更', en: 'Revised' },
    revoked: { zh: '注销', en: 'Revoked' },
    presented: { zh: '亮证', en: 'Presented' },
    verified: { zh: '核验', en: 'Verified' },
  },
  kind: { person: { zh: '人口库', en: 'Population base' }, legal_entity: { zh: '法人库', en: 'Legal-entity base' } },
};

/**
 * The named queries of the topic dashboards: fixed statements over the hub's read models, their
 * filters bound as parameters. Department names, not codes, label the points.
 */
function namedQueries(
  database: Database,
  departments: () => Promise<Array<{ code: string; name: string }>>,
): QuerySource {
  const db = database.kysely;
  return {
    async run(name, params, scope, language: Language) {
      const label = (w: Words | undefined, fallback: string) => (w ? (language === 'en' ? w.en : w.zh) : fallback);
      // The providers the panel may read: its departments, narrowed by the page's district.
      let orgs: string[] | null = params.departments?.length ? [...params.departments] : null;
      if (scope.orgs) orgs = orgs ? orgs.filter((o) => scope.orgs!.includes(o)) : [...scope.orgs];
      if (orgs && orgs.length === 0) return { points: [] };
      const orgList = orgs ?? [];
      const anyOrg = orgs === null;
      const patterns = (params.keywords ?? []).map((k) => `%${k.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const anyWord = patterns.length === 0;
      const since = scope.since;
      const top = params.top ?? 20;
      const names = new Map((await departments()).map((d) => [d.code, d.name]));
      // Without keywords the catalog's tally answers (a few hundred rows); words need the names.
      const tallyWhere = sql`r.published and r.n > 0 and (${anyOrg} or r.provider_org = any(${orgList}::text[]))`;
      const byColumn = async (
        column: 'provider_org' | 'category' | 'share_type' | 'open_type',
        order: 'count' | 'key',
      ) =>
        (anyWord
          ? await sql<Row>`select r.${sql.ref(column)} as k, sum(r.n)::int as v from catalog.resource_tally r
                where ${tallyWhere} group by 1
                order by ${order === 'count' ? sql`2 desc, 1` : sql`1`} limit ${top}`.execute(db)
          : await sql<Row>`select r.${sql.ref(column)} as k, count(*)::int as v from catalog.resource r
                where ${resourceWhere} group by 1
                order by ${order === 'count' ? sql`2 desc, 1` : sql`1`} limit ${top}`.execute(db)
        ).rows;
      const resourceWhere = sql`r.published_at is not null
        and (${anyOrg} or r.provider_org = any(${orgList}::text[]))
        and (${anyWord} or r.name like any(${patterns}::text[]))`;
      const points = (
        rows: Array<{ k: string; v: number | string }>,
        words?: Record<string, Words>,
        orgNames = false,
      ) =>
        rows.map((r) => ({
          label: orgNames ? (names.get(r.k) ?? r.k) : words ? label(words[r.k], r.k) : r.k,
          value: Number(r.v),
        }));
      type Row = { k: string; v: number | string };
      switch (name) {
        case 'resourcesByDepartment':
          return { points: points(await byColumn('provider_org', 'count'), undefined, true) };
        case 'resourcesByCategory':
          return { points: points(await byColumn('category', 'key'), CATEGORY) };
        case 'resourcesByShareType':
          return { points: points(await byColumn('share_type', 'key'), SHARE) };
        case 'resourcesByOpenType':
          return { points: points(await byColumn('open_type', 'key'), OPEN) };
        case 'recordsByResource':
          return {
            points: points(
              (
                await sql<Row>`select r.name as k, r.record_count as v from catalog.resource r
                  where ${resourceWhere} and r.record_count > 0
                  order by r.record_count desc, r.id limit ${top}`.execute(db)
              ).rows,
            ),
          };
        case 'demandsByState':
          return {
            points: points(
              (
                await sql<Row>`select d.state as k, count(*)::int as v
                  from share.demand d left join catalog.resource r on r.code = d.resource_code
                  where (${anyOrg} or coalesce(r.provider_org, d.assigned_org) = any(${orgList}::text[])
                         or d.consumer_org = any(${orgList}::text[]))
                    and (${since}::timestamptz is null or d.filed_at >= ${since})
                  group by 1 order by 1`.execute(db)
              ).rows,
              DEMAND,
            ),
          };
        case 'demandsByMonth':
          return {
            points: points(
              (
                await sql<Row>`select to_char((d.filed_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM') as k,
                    count(*)::int as v
                  from share.demand d left join catalog.resource r on r.code = d.resource_code
                  where (${anyOrg} or coalesce(r.provider_org, d.assigned_org) = any(${orgList}::text[]))
                    and (${since}::timestamptz is null or d.filed_at >= ${since})
                  group by 1 order by 1`.execute(db)
              ).rows,
            ),
          };
        case 'callsByDay':
          return {
            points: points(
              (
                await sql<Row>`select to_char((u.minute at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD') as k,
                    sum(u.calls)::bigint as v
                  from share.usage u join share.service s on s.code = u.service_code
                  join catalog.resource r on r.code = s.resource_code
                  where (${anyOrg} or r.provider_org = any(${orgList}::text[]))
                    and (${since}::timestamptz is null or u.minute >= ${since})
                  group by 1 order by 1`.execute(db)
              ).rows,
            ),
          };
        case 'callsByService':
          return {
            points: points(
              (
                await sql<Row>`select r.name as k, sum(u.calls)::bigint as v
                  from share.usage u join share.service s on s.code = u.service_code
                  join catalog.resource r on r.code = s.resource_code
                  where (${anyOrg} or r.provider_org = any(${orgList}::text[]))
                    and (${since}::timestamptz is null or u.minute >= ${since})
                  group by 1 order by 2 desc, 1 limit ${top}`.execute(db)
              ).rows,
            ),
          };
        case 'correctionsByState':
          return {
            points: points(
              (
                await sql<Row>`select state as k, count(*)::int as v from quality.correction
                  where (${anyOrg} or provider_org = any(${orgList}::text[]))
                    and (${since}::timestamptz is null or filed_at >= ${since})
                  group by 1 order by 1`.execute(db)
              ).rows,
              CORRECTION,
            ),
          };
        case 'consentsByStatus':
          return {
            points: points(
              (
                await sql<Row>`select status as k, count(*)::int as v from consent.consent
                  where (${since}::timestamptz is null or created_at >= ${since})
                  group by 1 order by 1`.execute(db)
              ).rows,
              CONSENT,
            ),
          };
        case 'licencesByType': {
          const { rows } = await sql<
            Row & { en: string }
          >`select t.name_zh as k, t.name_en as en, sum(c.count)::bigint as v
              from licence.event_count c join licence.type t on t.code = c.type_code
              where c.event = 'issued' and (${anyOrg} or c.issuer_org = any(${orgList}::text[]))
                and (${since ? chinaDate(since) : null}::text is null or c.day >= ${since ? chinaDate(since) : null})
              group by 1, 2 order by 3 desc limit ${top}`.execute(db);
          return {
            points: rows.map((r) => ({
              label: language === 'en' ? r.en : r.k,
              value: Number(r.v),
            })),
          };
        }
        case 'attestationsByItem': {
          const { rows } = await sql<Row & { en: string }>`select i.name_zh as k, i.name_en as en, sum(c.n)::bigint as v
              from attest.answer_count c join attest.item i on i.code = c.item
              where (${anyOrg} or c.provider = any(${orgList}::text[]))
                and (${since}::timestamptz is null or c.minute >= ${since})
              group by 1, 2 order by 3 desc limit ${top}`.execute(db);
          return { points: rows.map((r) => ({ label: language === 'en' ? r.en : r.k, value: Number(r.v) })) };
        }
      }
    },
  };
}
