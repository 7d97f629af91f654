import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardSchema, SEEDED_DASHBOARDS } from '../../src/cockpit/index.js';
import { cockpitMigrations } from '../../src/cockpit/migrations.js';
import { sql } from '../../src/db/index.js';
import { JINAN, countiesOf, digestJson } from '../../src/kernel/index.js';
import { engines } from '../databases.js';
import { openSeededApp, type SeededApp } from '../seeded-app.js';

interface Indicator {
  code: string;
  name: string;
  value: number | null;
  target: number | null;
  unit: string;
  period: string;
  numerator: number;
  denominator: number | null;
  met: boolean | null;
}

/** A department of its own, whose every count the suite writes: each indicator's value is known. */
const ORG = 'JNCKPT';

/**
 * 驾驶舱 (#19): every indicator over a known state of one department built row by row, the city's
 * figures as the departments' sums, the drill-down, the evaluation index with its flags, the
 * topic dashboards (schema, each one's queries on the demo city, an operator's edit) and who may read.
 * PGlite only: the cockpit's SQL is the modules' standard SQL, run on PostgreSQL by the bench.
 */
describe.each(engines().filter((e) => e.name === 'pglite'))('cockpit on $name', (engine) => {
  let s: SeededApp;
  const resourceIds: number[] = [];

  const indicators = async (query = '', user = 'operator', lang = 'zh-CN') => {
    s.hub.cockpit.refresh();
    const res = await s.app.inject({
      method: 'GET',
      url: `/api/v1/cockpit/indicators${query}`,
      headers: { authorization: `Bearer ${s.tokens[user]}`, 'accept-language': lang },
    });
    expect(res.statusCode, res.body).toBe(200);
    return new Map((res.json() as Indicator[]).map((i) => [i.code, i]));
  };
  const ours = async () => indicators(`?org=${ORG}`);

  beforeAll(async () => {
    s = await openSeededApp(engine, ['operator', 'auditor', 'officer', 'consumer', 'citizen']);
    const db = s.hub.db.kysely;
    await s.hub.access.createOrganization({ code: ORG, name: '驾驶舱测试局', kind: 'department', division: JINAN });
    // Four resources: three published (records with rows; records without; a declared table), one draft.
    const resources: Array<[string, string, boolean, string, number, string, string]> = [
      ['JNCKPT-0001', '测试资源一', true, 'records', 10, 'unconditional', 'open'],
      ['JNCKPT-0002', '测试资源二', true, 'records', 0, 'none', 'closed'],
      ['JNCKPT-0003', '测试资源三', true, 'table', 0, 'conditional', 'closed'],
      ['JNCKPT-0004', '测试资源四', false, 'records', 0, 'unconditional', 'open'],
    ];
    for (const [code, name, published, kind, records, share, open] of resources) {
      const { rows } = await sql<{ id: number }>`
        insert into catalog.resource (code, name, provider_org, category, share_type, open_type, level, key_field,
          fields, created_by, mount, published_at, record_count, status)
        values (${code}, ${name}, ${ORG}, 'department', ${share}, ${open}, 'general', 'id', '[]'::jsonb, 1,
          ${JSON.stringify({ kind, target: kind === 'table' ? 'ods.t' : '' })}::jsonb,
          ${published ? new Date('2026-11-01T00:00:00Z') : null}, ${records}, ${published ? 'published' : 'draft'})
        returning id`.execute(db);
      resourceIds.push(rows[0]!.id);
    }
    // Loads: one finished (100 read, 96 loaded), one failed (not counted).
    await sql`insert into ingest.job (id, resource_code, source, state, rows_read, rows_loaded, rows_rejected, created_by, finished_at)
      values ('ckpt-job-1', 'JNCKPT-0001', 'upload', 'succeeded', 100, 96, 4, 1, now()),
             ('ckpt-job-2', 'JNCKPT-0001', 'upload', 'failed', 50, 0, 0, 1, now())`.execute(db);
    // Corrections: fixed in 2 and in 1 working day (Mon 2 Nov 2026 → Wed 4, → Tue 3), one rejected, one open past due.
    const correction = (state: string, filed: string, decided: string | null, due: string) =>
      sql`insert into quality.correction (resource_code, provider_org, record_key, field, claimed_value, reporter_kind,
          reported_by, state, filed_at, due_date, decided_at, reject_reason)
        values ('JNCKPT-0001', ${ORG}, 'k', 'f', 'v', 'operator', 1, ${state}, ${filed}::timestamptz, ${due}::date,
          ${decided}::timestamptz, ${state === 'rejected' ? '不是问题' : null})`.execute(db);
    await correction('accepted', '2026-11-02T09:00:00+08:00', '2026-11-04T10:00:00+08:00', '2026-11-04');
    await correction('accepted', '2026-11-02T09:00:00+08:00', '2026-11-03T10:00:00+08:00', '2026-11-04');
    await correction('rejected', '2026-11-02T09:00:00+08:00', '2026-11-03T10:00:00+08:00', '2026-11-04');
    await correction('open', '2026-11-02T09:00:00+08:00', null, '2026-11-04');
    // Demands: one confirmed in 3 and published in 6 working days, one never confirmed (overdue).
    await sql`insert into share.demand (consumer_org, resource_code, purpose, state, filed_by, filed_at, confirm_due,
        publish_due, confirmed_at, published_at)
      values ('JNMZJ', 'JNCKPT-0001', '测试', 'published', 1, '2026-11-02T09:00:00+08:00', '2026-11-09', '2026-11-16',
          '2026-11-05T09:00:00+08:00', '2026-11-10T09:00:00+08:00'),
        ('JNMZJ', 'JNCKPT-0001', '测试', 'filed', 1, '2026-11-02T09:00:00+08:00', '2026-11-09', null, null, null)`.execute(
      db,
    );
    // Calls: 40, of them 2 errors.
    await sql`insert into share.service (code, resource_code, published_by) values ('svc-ckpt', 'JNCKPT-0001', 'operator')`.execute(
      db,
    );
    await sql`insert into share.usage (minute, service_code, consumer_org, calls, rows, errors, latency_ms_sum, latency_ms_max)
      values (now() - interval '1 day', 'svc-ckpt', 'JNMZJ', 10, 10, 1, 100, 20),
             (now() - interval '2 days', 'svc-ckpt', 'JNMZJ', 30, 30, 1, 300, 20)`.execute(db);
    // Consents asked by the department: two in force, one revoked, one expired.
    const consent = (status: string, expires: string) =>
      sql`insert into consent.consent (id, requester_org, requested_by, subject_kind, subject_tag, subject_key, purpose,
          requested, terms, status, starts_at, expires_at, signature)
        values (gen_random_uuid(), ${ORG}, 'x', 'person', 't', 'k', 'p', '{}'::jsonb, '{}'::jsonb, ${status},
          now() - interval '1 day', ${expires}::timestamptz, 's')`.execute(db);
    await consent('active', '2099-01-01T00:00:00Z');
    await consent('active', '2099-01-01T00:00:00Z');
    await consent('revoked', '2099-01-01T00:00:00Z');
    await consent('active', '2020-01-01T00:00:00Z');
    // Presentations of licences the department issued: 5 + 2; attestations it answered for: 3 + 4.
    await sql`insert into licence.event_count (day, type_code, issuer_org, event, count)
      values ('2026-11-02', 'T1', ${ORG}, 'presented', 5), ('2026-11-03', 'T1', ${ORG}, 'presented', 2),
             ('2026-11-03', 'T1', ${ORG}, 'issued', 9)`.execute(db);
    const item = await sql<{ code: string }>`select code from attest.item order by code limit 1`.execute(db);
    await sql`insert into attest.answer_count (minute, item, version, provider, asker_org, answer, n)
      values ('2026-11-02T01:00:00Z', ${item.rows[0]!.code}, 1, ${ORG}, 'JNMZJ', true, 3),
             ('2026-11-02T01:01:00Z', ${item.rows[0]!.code}, 1, ${ORG}, 'JNMZJ', false, 4)`.execute(db);
  });

  afterAll(async () => {
    await s?.close();
  });

  it('answers the contract: code, name in the request’s language, value, target, unit, period', async () => {
    const zh = await indicators();
    const en = await indicators('', 'operator', 'en');
    expect(zh.get('catalogRate')).toMatchObject({ name: '编目率', target: 100, unit: 'percent' });
    expect(en.get('catalogRate')!.name).toBe('Cataloguing rate');
    for (const i of zh.values()) expect(i.period).toBeTruthy();
    expect([...zh.keys()]).toEqual(expect.arrayContaining(['sharingRate', 'fieldAccuracy', 'attestationsAnswered']));
  });

  it('catalog rates of a department: 3 of 4 published, 2 of 3 mounted, 2 of 3 shareable, 1 of 2 aggregated', async () => {
    const i = await ours();
    expect(i.get('catalogRate')).toMatchObject({ value: 75, numerator: 3, denominator: 4, met: false });
    expect(i.get('mountRate')).toMatchObject({ value: 66.7, numerator: 2, denominator: 3 });
    expect(i.get('sharingRate')).toMatchObject({ value: 66.7, numerator: 2, denominator: 3 });
    expect(i.get('aggregationRate')).toMatchObject({ value: 50, numerator: 1, denominator: 2 });
  });

  it('the catalog’s tally follows each change of a resource in its transaction, and only those that count', async () => {
    const db = s.hub.db.kysely;
    await sql`update catalog.resource set published_at = now(), status = 'published' where code = 'JNCKPT-0004'`.execute(
      db,
    );
    await sql`update catalog.resource set record_count = 5 where code = 'JNCKPT-0002'`.execute(db);
    let i = await ours();
    expect(i.get('catalogRate')).toMatchObject({ numerator: 4, denominator: 4 });
    // Published now: 0001 and 0002 hold rows, 0003 declares a table, 0004 mounts records but has none.
    expect(i.get('aggregationRate')).toMatchObject({ numerator: 2, denominator: 3 });
    expect(i.get('mountRate')).toMatchObject({ numerator: 3, denominator: 4 });
    // A change the tally does not look at (more rows of a loaded resource) leaves it alone.
    await sql`update catalog.resource set record_count = 7 where code = 'JNCKPT-0002'`.execute(db);
    await sql`update catalog.resource set published_at = null, status = 'draft' where code = 'JNCKPT-0004'`.execute(db);
    await sql`update catalog.resource set record_count = 0 where code = 'JNCKPT-0002'`.execute(db);
    i = await ours();
    expect(i.get('catalogRate')).toMatchObject({ numerator: 3, denominator: 4 });
    expect(i.get('aggregationRate')).toMatchObject({ numerator: 1, denominator: 2 });
    const tally = await sql<{ n: number }>`select coalesce(sum(n), 0)::int as n from catalog.resource_tally`.execute(
      db,
    );
    const all = await sql<{ n: number }>`select count(*)::int as n from catalog.resource`.execute(db);
    expect(tally.rows[0]!.n).toBe(all.rows[0]!.n);
  });

  it('the city’s catalog rates are the departments’ counts summed, as the catalog’s own page says', async () => {
    const city = await indicators();
    const res = await s.call('operator', 'GET', '/catalog/indicators');
    const counts = res.json().city.counts;
    expect(city.get('catalogRate')).toMatchObject({ numerator: counts.published, denominator: counts.resources });
    expect(city.get('mountRate')).toMatchObject({ numerator: counts.mounted, denominator: counts.published });
    expect(city.get('sharingRate')).toMatchObject({ numerator: counts.shareable, denominator: counts.published });
  });

  it('quality pass rate: rows loaded of rows read by finished loads (96 of 100)', async () => {
    expect((await ours()).get('qualityPassRate')).toMatchObject({
      value: 96,
      numerator: 96,
      denominator: 100,
      met: true,
    });
  });

  it('fix rate 2 of 3 and fix time 1.5 working days', async () => {
    const i = await ours();
    expect(i.get('fixRate')).toMatchObject({ value: 66.7, numerator: 2, denominator: 3, met: false });
    expect(i.get('fixDays')).toMatchObject({ value: 1.5, numerator: 3, denominator: 2, met: true });
  });

  it('demand confirmation in 3 and publication in 6 working days', async () => {
    const i = await ours();
    expect(i.get('demandConfirmDays')).toMatchObject({ value: 3, denominator: 1, met: true });
    expect(i.get('demandPublishDays')).toMatchObject({ value: 6, denominator: 1, met: true });
  });

  it('service calls 40 and error rate 5 %', async () => {
    const i = await ours();
    expect(i.get('serviceCalls')).toMatchObject({ value: 40, denominator: null });
    expect(i.get('serviceErrorRate')).toMatchObject({ value: 5, numerator: 2, denominator: 40 });
  });

  it('consents in force, licences presented and attestations answered', async () => {
    const i = await ours();
    expect(i.get('consentsActive')!.value).toBe(2);
    expect(i.get('licencesPresented')!.value).toBe(7);
    expect(i.get('attestationsAnswered')!.value).toBe(7);
    // Kept as consents change: one in force for another hour counts, one past its end an hour ago
    // does not, a revoked one stops counting.
    const db = s.hub.db.kysely;
    const soon = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    for (const expires of [soon(1), soon(-1)])
      await sql`insert into consent.consent (id, requester_org, requested_by, subject_kind, subject_tag, subject_key,
          purpose, requested, terms, status, starts_at, expires_at, signature)
        values (gen_random_uuid(), ${ORG}, 'x', 'person', 'soon', 'k', 'p', '{}'::jsonb, '{}'::jsonb, 'active',
          now() - interval '1 day', ${expires}::timestamptz, 's')`.execute(db);
    expect((await ours()).get('consentsActive')!.value).toBe(3);
    await sql`update consent.consent set status = 'revoked' where requester_org = ${ORG} and subject_tag = 'soon'`.execute(
      db,
    );
    expect((await ours()).get('consentsActive')!.value).toBe(2);
  });

  it('open datasets are the portal’s own count, against 3 000, and a download counts for its provider', async () => {
    const ckan = async (action: string) =>
      (await s.app.inject({ method: 'GET', url: `/api/3/action/${action}` })).json().result;
    const search = await ckan('package_search?rows=1');
    const before = await indicators();
    expect(before.get('openDatasets')).toMatchObject({ value: search.count, target: 3000, met: false });
    expect(search.count).toBeGreaterThanOrEqual(40);
    const [dataset] = search.results as Array<{ name: string; organization: { name: string } }>;
    const provider = (await ckan(`package_show?id=${dataset!.name}`)).organization.name.toUpperCase();
    const downloads = async () => (await indicators(`?org=${provider}`)).get('openDownloads')!.value;
    const was = await downloads();
    const csv = await s.app.inject({ method: 'GET', url: `/open/datasets/${dataset!.name}/download.csv` });
    expect(csv.statusCode).toBe(200);
    expect(await downloads()).toBe(was! + 1);
    // The city's figure only for the open datasets: the target is the city's.
    expect((await indicators(`?org=${provider}`)).get('openDatasets')!.value).toBeNull();
  });

  it('field accuracy is the base databases’ accurate values over all values, and moves with them', async () => {
    const before = (await indicators()).get('fieldAccuracy')!;
    const base = (await s.call('operator', 'GET', '/base/accuracy')).json();
    expect(before).toMatchObject({ numerator: base.overall.accurate, denominator: base.overall.values });
    expect(before.denominator).toBeGreaterThan(0);
    await sql`update base.value set valid = false
      where (kind, subject_key, element) in (select kind, subject_key, element from base.value where valid limit 1)`.execute(
      s.hub.db.kysely,
    );
    const after = (await indicators()).get('fieldAccuracy')!;
    expect(after.numerator).toBe(before.numerator - 1);
    expect(after.denominator).toBe(before.denominator);
  });

  it('drills down to the rows behind a figure', async () => {
    const res = await s.call('operator', 'GET', `/cockpit/indicators/catalogRate/rows?org=${ORG}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().rows.map((r: { code: string }) => r.code)).toEqual(
      resourceIds.map((_, i) => `JNCKPT-000${i + 1}`),
    );
    // Names, not codes: the provider by its name, a status by its words.
    expect(res.json().rows[0].provider).toBe('驾驶舱测试局');
    const status = res.json().columns.find((c: { key: string }) => c.key === 'status');
    expect(status.values.published).toEqual({ zh: '已发布', en: 'Published' });
    const demands = (await s.call('auditor', 'GET', `/cockpit/indicators/demandConfirmDays/rows?org=${ORG}`)).json();
    expect(demands.rows).toHaveLength(2);
    expect((await s.call('operator', 'GET', '/cockpit/indicators/nothing/rows')).json().code).toBe(
      'CKP_INDICATOR_NOT_FOUND',
    );
  });

  it('officers read the city and their own department, not another’s; citizens and consumers nothing', async () => {
    expect((await s.call('officer', 'GET', '/cockpit/indicators')).statusCode).toBe(200);
    expect((await s.call('officer', 'GET', '/cockpit/indicators?org=JNGAJ')).statusCode).toBe(200);
    expect((await s.call('officer', 'GET', `/cockpit/indicators?org=${ORG}`)).statusCode).toBe(403);
    expect((await s.call('officer', 'GET', `/cockpit/indicators/fixRate/rows?org=${ORG}`)).statusCode).toBe(403);
    expect((await s.call('officer', 'GET', '/cockpit/indicators/fixRate/rows')).statusCode).toBe(403);
    expect((await s.call('officer', 'GET', '/cockpit/indicators/fixRate/rows?org=JNGAJ')).statusCode).toBe(200);
    expect((await s.call('citizen', 'GET', '/cockpit/indicators')).statusCode).toBe(403);
    expect((await s.call('consumer', 'GET', '/cockpit/ranking')).statusCode).toBe(403);
    expect((await s.call('operator', 'GET', '/cockpit/indicators?org=NOSUCH')).json().code).toBe('CKP_NO_DEPARTMENT');
  });

  it('ranks departments by the documented formula, with red flags for overdue steps and a falling score', async () => {
    const [y, m] = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7).split('-').map(Number) as [
      number,
      number,
    ];
    const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
    await sql`insert into cockpit.score (month, org, score, parts) values (${previous}, ${ORG}, 99.9, '{}'::jsonb)`.execute(
      s.hub.db.kysely,
    );
    const res = await s.call('operator', 'GET', '/cockpit/ranking');
    expect(res.statusCode).toBe(200);
    const ranking = res.json();
    expect(ranking.rows.length).toBeGreaterThanOrEqual(22);
    const row = ranking.rows.find((r: { org: { code: string } }) => r.org.code === ORG);
    const catalog = (await s.call('operator', 'GET', '/catalog/indicators')).json();
    const index = catalog.organizations.find((o: { code: string }) => o.code === ORG).index;
    // 1 of 2 demands late (the one never confirmed); fix rate 2 of 3.
    const expected = Math.round(10 * (0.7 * index + 15 * (2 / 3) + 15 * 0.5)) / 10;
    expect(row).toMatchObject({
      score: expected,
      previous: 99.9,
      overdue: { demands: 1, corrections: 1 },
      parts: { fixRate: 0.667, demandTimeliness: 0.5 },
    });
    expect(row.flags).toEqual(['overdue_demands', 'overdue_corrections', 'falling']);
    const ranks = ranking.rows.map((r: { rank: number }) => r.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // Reading the ranking writes nothing; the serving hub keeps this month's scores for next month's comparison.
    const none = await sql<{
      n: number;
    }>`select count(*)::int as n from cockpit.score where month <> ${previous}`.execute(s.hub.db.kysely);
    expect(none.rows[0]!.n).toBe(0);
    expect(await s.hub.cockpit.keepScores()).toBe(ranking.rows.length);
    const kept = await sql<{
      n: number;
    }>`select count(*)::int as n from cockpit.score where month <> ${previous}`.execute(s.hub.db.kysely);
    expect(kept.rows[0]!.n).toBe(ranking.rows.length);
  });

  it('prints the monthly report as a PDF with the CJK font embedded', async () => {
    const res = await s.call('auditor', 'GET', '/cockpit/report.pdf');
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.rawPayload.toString('latin1')).toContain('WenQuanYiMicroHei');
  });

  it('ships at least 40 topic dashboards that validate, each with data of the demo city', async () => {
    expect(SEEDED_DASHBOARDS.length).toBeGreaterThanOrEqual(40);
    for (const d of SEEDED_DASHBOARDS) {
      expect(Value.Check(DashboardSchema, d), d.id).toBe(true);
      s.hub.cockpit.validate(d);
    }
    const list = (await s.call('officer', 'GET', '/cockpit/dashboards')).json();
    expect(list.length).toBeGreaterThanOrEqual(40);
    for (const d of list) {
      const def = await s.call('officer', 'GET', `/cockpit/dashboards/${d.id}`);
      expect(Value.Check(DashboardSchema, def.json().doc)).toBe(true);
      const data = await s.call('officer', 'GET', `/cockpit/dashboards/${d.id}/data?period=year`);
      expect(data.statusCode, `${d.id}: ${data.body}`).toBe(200);
      const panels = data.json().panels as Array<{ points: unknown[]; indicator: unknown }>;
      const filled = panels.filter((p) => p.indicator !== null || p.points.length > 0);
      expect(filled.length, d.id).toBeGreaterThanOrEqual(3);
      expect(
        panels.some((p) => p.points.length > 0),
        d.id,
      ).toBe(true);
    }
    const xlsx = await s.call('auditor', 'GET', '/cockpit/dashboards/health/data.xlsx?period=all');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    // A district filter narrows to that district's organizations: none of the demo's providers is one.
    const district = await s.call('operator', 'GET', '/cockpit/dashboards/health/data?district=370102');
    expect(district.statusCode).toBe(200);
  });

  it('operators edit a dashboard: validated, a new version; stale or invalid edits are refused', async () => {
    const { version, doc } = (await s.call('operator', 'GET', '/cockpit/dashboards/education')).json();
    const edited = { ...doc, title: { zh: '教育（修订）', en: 'Education (revised)' } };
    const size = await s.hub.ledger.size();
    const put = await s.call('operator', 'PUT', '/cockpit/dashboards/education', { version, doc: edited });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().version).toBe(version + 1);
    // On the ledger: who saved which version, and the digest of exactly what was saved.
    const entries = (await s.hub.ledger.entries(size, await s.hub.ledger.size())).map((e) => JSON.parse(e.entry));
    expect(entries.filter((e) => e.kind === 'cockpit.dashboard.changed')).toEqual([
      expect.objectContaining({
        dashboard: 'education',
        version: version + 1,
        digest: digestJson(s.hub.ledger.suite, edited),
        actor: 'operator',
      }),
    ]);
    expect((await s.call('operator', 'GET', '/cockpit/dashboards/education')).json().doc.title.zh).toBe('教育（修订）');
    const stale = await s.call('operator', 'PUT', '/cockpit/dashboards/education', { version, doc: edited });
    expect(stale.json().code).toBe('CKP_VERSION_CONFLICT');
    const bad = await s.call('operator', 'PUT', '/cockpit/dashboards/education', {
      version: version + 1,
      doc: { ...edited, panels: [{ id: 'x', title: doc.title, chart: 'pie', source: { sql: 'select 1' } }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('CKP_BAD_DASHBOARD');
    const unknown = await s.call('operator', 'PUT', '/cockpit/dashboards/education', {
      version: version + 1,
      doc: { ...edited, panels: [{ id: 'x', title: doc.title, chart: 'card', source: { indicator: 'noSuch' } }] },
    });
    expect(unknown.json().code).toBe('CKP_BAD_DASHBOARD');
    expect((await s.call('officer', 'PUT', '/cockpit/dashboards/education', { version, doc })).statusCode).toBe(403);
  });

  it('maps the city’s districts: base subjects by the county of their division, kept as they move', async () => {
    const db = s.hub.db.kysely;
    type Point = { label: string; value: number; code: string };
    const mapOf = async (id: string, query = '') => {
      const data = (await s.call('officer', 'GET', `/cockpit/dashboards/${id}/data?period=all${query}`)).json();
      return data.panels.find((p: { id: string }) => p.id === 'district-map').points as Point[];
    };
    const counted = async () => {
      const { rows } = await sql<{ division: string; n: number }>`
        select left(norm, 6) as division, count(*)::int as n from base.value
        where kind = 'person' and element = 'division' and norm ~ '^[0-9]{6}' group by 1`.execute(db);
      return new Map(rows.map((r) => [r.division, r.n]));
    };
    const before = await mapOf('population');
    const truth = await counted();
    expect(before.length).toBeGreaterThan(5);
    for (const p of before) expect(p.value, p.label).toBe(truth.get(p.code));
    for (const p of before) expect(p.label).toBe(countiesOf(JINAN).find((d) => d.code === p.code)?.name);
    // One person moves from the most populated district to another, a second loses their division:
    // the map follows at once.
    const [from, to] = [...before].sort((a, b) => b.value - a.value).map((p) => p.code);
    const [mover, leaver] = (
      await sql<{ key: string }>`select subject_key as key from base.value where kind = 'person'
        and element = 'division' and norm like ${`${from}%`} order by subject_key limit 2`.execute(db)
    ).rows.map((r) => r.key);
    await sql`update base.value set value = ${JSON.stringify(to)}::jsonb, norm = ${to!}
      where kind = 'person' and element = 'division' and subject_key = ${mover!}`.execute(db);
    await sql`delete from base.value where kind = 'person' and element = 'division' and subject_key = ${leaver!}`.execute(
      db,
    );
    const after = new Map((await mapOf('population')).map((p) => [p.code, p.value]));
    const at = (code: string) => before.find((p) => p.code === code)?.value ?? 0;
    expect(after.get(from!)).toBe(at(from!) - 2);
    expect(after.get(to!)).toBe(at(to!) + 1);
    for (const [code, n] of await counted()) expect(after.get(code), code).toBe(n);
    // The page's district filter shows that district alone; legal entities have their own map.
    expect((await mapOf('population', `&district=${to}`)).map((p) => p.code)).toEqual([to]);
    expect((await mapOf('legal-entities')).length).toBeGreaterThan(0);
  });

  it('maps any indicator by district: a county’s departments’ counts summed; a map needs data by district', async () => {
    await s.hub.access.createOrganization({
      code: 'JNCKPD',
      name: '槐荫区测试局',
      kind: 'department',
      division: '370104',
    });
    await sql`insert into catalog.resource (code, name, provider_org, category, share_type, open_type, level, key_field,
        fields, created_by, mount, published_at, record_count, status)
      values ('JNCKPD-0001', '区县测试资源', 'JNCKPD', 'department', 'unconditional', 'closed', 'general', 'id', '[]'::jsonb, 1,
        '{"kind":"records","target":""}'::jsonb, now(), 0, 'published'),
        ('JNCKPD-0002', '区县测试资源二', 'JNCKPD', 'department', 'unconditional', 'closed', 'general', 'id', '[]'::jsonb, 1,
        '{"kind":"records","target":""}'::jsonb, null, 0, 'draft')`.execute(s.hub.db.kysely);
    s.hub.cockpit.refresh();
    const { version, doc } = (await s.call('operator', 'GET', '/cockpit/dashboards/statistics')).json();
    const map = {
      id: 'rate-map',
      title: { zh: '各区县编目率', en: 'Catalog rate by district' },
      chart: 'map',
      source: { query: 'indicatorByDistrict', params: { indicator: 'catalogRate' } },
    };
    const put = await s.call('operator', 'PUT', '/cockpit/dashboards/statistics', {
      version,
      doc: { ...doc, panels: [...doc.panels.slice(0, 11), map] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const data = (await s.call('officer', 'GET', '/cockpit/dashboards/statistics/data')).json();
    // Only 槐荫区 has a department of its own: 1 of its 2 resources published.
    expect(data.panels.find((p: { id: string }) => p.id === 'rate-map').points).toEqual([
      { label: '槐荫区', value: 50, code: '370104' },
    ]);
    const bad = await s.call('operator', 'PUT', '/cockpit/dashboards/statistics', {
      version: version + 1,
      doc: { ...doc, panels: [{ ...map, source: { query: 'resourcesByCategory' } }] },
    });
    expect(bad.json()).toMatchObject({ code: 'CKP_BAD_DASHBOARD' });
  });

  it('adds the district maps to dashboards stored before them, once, as a new version', async () => {
    const db = s.hub.db.kysely;
    await sql`update cockpit.dashboard set doc = jsonb_set(doc, '{panels}',
        (select jsonb_agg(p) from jsonb_array_elements(doc->'panels') p where p->>'id' <> 'district-map'))
      where id = 'legal-entities'`.execute(db);
    const { version } = (await s.call('operator', 'GET', '/cockpit/dashboards/legal-entities')).json();
    const upgrade = cockpitMigrations.migrations.find((m) => m.id === '002-district-maps')!;
    await sql.raw(upgrade.sql).execute(db);
    await sql.raw(upgrade.sql).execute(db);
    const after = (await s.call('operator', 'GET', '/cockpit/dashboards/legal-entities')).json();
    expect(after.version).toBe(version + 1);
    expect(after.doc.panels.filter((p: { id: string }) => p.id === 'district-map')).toHaveLength(1);
    expect(Value.Check(DashboardSchema, after.doc)).toBe(true);
  });
});
