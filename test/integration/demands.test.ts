import ExcelJS from 'exceljs';
import Fastify, { type FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../src/access/index.js';
import { AuthorizedDemands } from '../../src/share/authorized-demands.js';
import { DemandService, type Demand } from '../../src/share/demands.js';
import { openHub, type Hub } from '../../src/http/index.js';
import { sendProblem } from '../../src/http/problem.js';
import { demandRoutes } from '../../src/http/routes/demands.js';
import { sql } from '../../src/db/index.js';
import { addWorkingDays } from '../../src/kernel/index.js';
import { engines } from '../databases.js';

const PERSON = 'JNGAJ-0001'; // 人口基础信息, conditional, provided by 市公安局
const ENTERPRISE = 'JNSCJG-0001'; // 企业登记信息, unconditional, provided by 市市场监管局
/** Demo users: role and organization, as the demo city's seeding creates them. */
const USERS: Record<string, { roles: Role[]; org: string | null }> = {
  operator: { roles: ['operator'], org: 'JNDSJ' },
  officer: { roles: ['officer'], org: 'JNGAJ' },
  officer_scjg: { roles: ['officer'], org: 'JNSCJG' },
  officer_rsj: { roles: ['officer'], org: 'JNRSJ' },
  consumer: { roles: ['consumer'], org: 'JNMZJ' },
  auditor: { roles: ['auditor'], org: 'JNDSJ' },
  citizen: { roles: ['citizen'], org: null },
};
/** 10:00 in China on a day. */
const at = (day: string) => new Date(`${day}T02:00:00Z`);

/**
 * 供需对接 (#5) on PGlite and on PostgreSQL: the service itself, on a controllable clock, with
 * the hub's real catalog, task inbox, ledger and grants; the routes on a bare Fastify at the end.
 */
describe.each(engines())('demands on $name', (engine) => {
  let hub: Hub;
  let demands: AuthorizedDemands;
  let clock = at('2026-09-01');
  const actors: Record<string, Actor> = {};
  let none: { code: string; provider: string };
  let personFields: string[];
  /** The grants publish created, by id. */
  const grants = new Map<number, { consumer: { code: string }; resource: { code: string }; fields: string[] }>();

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    const actorOf = async (username: string, roles: Role[], orgCode: string | null): Promise<Actor> => {
      const org = orgCode ? (await hub.access.findOrganization(orgCode))! : null;
      return {
        userId: await hub.access.findUserId(username),
        username,
        roles,
        org: org && { id: org.id, code: org.code, name: org.name },
        via: 'token',
      };
    };
    for (const [username, u] of Object.entries(USERS)) actors[username] = await actorOf(username, u.roles, u.org);
    const unshared = await hub.catalog.list(
      { shareType: 'none', status: 'published', pageSize: 200 },
      { org: null, all: true },
    );
    const pick = unshared.items.find((r) => r.publishedAt !== null && r.provider.code !== 'JNMZJ')!;
    none = { code: pick.code, provider: pick.provider.code };
    const named = Object.entries(USERS).find(([, u]) => u.roles.includes('officer') && u.org === none.provider);
    actors.noneOfficer = named
      ? actors[named[0]]!
      : await actorOf(`cdo_${none.provider.toLowerCase()}`, ['officer'], none.provider);
    personFields = (await hub.catalog.get(PERSON)).fields.map((f) => f.name);
    const operator = actors.operator!;
    demands = new AuthorizedDemands(
      new DemandService(hub.db, {
        catalog: hub.catalog,
        tasks: hub.officers,
        ledger: hub.ledger,
        orgName: async (code) => (await hub.access.listOrganizations()).find((o) => o.code === code)?.name,
        purposes: hub.purposes,
        publish: async (input) => {
          const grant = await hub.share.createGrant(operator, {
            consumer: input.consumer,
            resource: input.resource,
            fields: input.fields,
            purposes: input.purposes,
            demandId: input.demandId,
          });
          grants.set(grant.id, grant);
          return { grantId: grant.id, serviceCode: `SVC-${input.resource}` };
        },
        now: () => clock,
      }),
    );
  });
  afterAll(async () => {
    await hub?.close();
  });

  const as = (name: string) => actors[name]!;
  const inbox = async (user: string) => hub.authorizedAccess.inbox(as(user));
  const task = async (user: string, kind: string, ref: string) =>
    (await inbox(user)).filter((t) => t.kind === kind && t.ref === ref);
  const step = (d: Demand, name: 'confirm' | 'publish') => d.steps.find((s) => s.step === name);
  const ledgerTail = async (n: number) => {
    const size = await hub.ledger.size();
    const rows = await hub.ledger.entries(Math.max(0, size - n), size);
    return rows.map((r) => JSON.parse(r.entry) as Record<string, unknown>);
  };

  it.skipIf(engine.skip)('takes a conditional demand from filed through confirmed to published', async () => {
    clock = at('2026-09-01');
    const fields = personFields.slice(0, 3);
    const filed = await demands.file(as('consumer'), {
      resource: PERSON,
      fields,
      purposes: ['eligibility_check'],
      purpose: '低保资格核验',
      volume: '每日约 2000 次',
      frequency: '实时',
    });
    expect(filed).toMatchObject({
      consumer: { code: 'JNMZJ', name: '济南市民政局' },
      resource: { code: PERSON, name: '人口基础信息', provider: { code: 'JNGAJ' } },
      fields,
      state: 'filed',
      overdue: false,
      grantId: null,
    });
    expect(filed.steps).toEqual([
      { step: 'confirm', dueDate: '2026-09-08', doneAt: null, overdue: false, workingDaysLeft: 5 },
    ]);
    const ref = String(filed.id);
    expect(await task('officer', 'demand.confirm', ref)).toMatchObject([{ org: 'JNGAJ', dueDate: '2026-09-08' }]);
    // The cockpit's step times per department before: this demand adds its days below.
    const timed = async () => ({
      confirm: (await demands.stepDays('confirm')).get('JNGAJ') ?? { days: 0, demands: 0 },
      publish: (await demands.stepDays('publish')).get('JNGAJ') ?? { days: 0, demands: 0 },
    });
    const before = await timed();

    clock = at('2026-09-03');
    const confirmed = await demands.confirm(as('officer'), filed.id);
    expect(confirmed.state).toBe('confirmed');
    expect(step(confirmed, 'confirm')).toMatchObject({ doneAt: clock.toISOString(), overdue: false });
    expect(step(confirmed, 'publish')).toEqual({
      step: 'publish',
      dueDate: '2026-09-17',
      doneAt: null,
      overdue: false,
      workingDaysLeft: 10,
    });
    expect(await task('officer', 'demand.confirm', ref)).toHaveLength(0);
    expect(await task('officer', 'demand.publish', ref)).toMatchObject([{ dueDate: '2026-09-17' }]);
    await expect(demands.confirm(as('officer'), filed.id)).rejects.toMatchObject({ code: 'SHR_DEMAND_BAD_STATE' });

    clock = at('2026-09-10');
    const published = await demands.publish(as('officer'), filed.id);
    expect(published).toMatchObject({ state: 'published', serviceCode: `SVC-${PERSON}`, overdue: false });
    expect(step(published, 'publish')!.doneAt).toBe(clock.toISOString());
    expect(grants.get(published.grantId!)).toMatchObject({
      consumer: { code: 'JNMZJ' },
      resource: { code: PERSON },
      fields,
      purposes: [{ code: 'eligibility_check', name: '资格核验' }],
    });
    const listed = await hub.share.listGrants(as('consumer'));
    expect(listed.find((g) => g.id === published.grantId)).toMatchObject({ state: 'active' });
    expect(await task('officer', 'demand.publish', ref)).toHaveLength(0);
    expect(await demands.get(as('consumer'), filed.id)).toEqual(published);

    const entries = (await ledgerTail(10)).filter((e) => e.kind === 'share.demand.changed' && e.demand === filed.id);
    expect(entries.map((e) => e.action)).toEqual(['file', 'confirm', 'publish']);
    expect(entries[2]).toMatchObject({ consumer: 'JNMZJ', resource: PERSON, actor: 'officer' });
    // Confirmed in 2 working days (Wed 2, Thu 3 Sep), published in 7 (to Thu 10 Sep), kept for 公安局
    // on the demand as each step was taken, and in the department's tally.
    const { rows } = await sql<{ days_org: string; confirm_days: number; publish_days: number }>`
      select days_org, confirm_days, publish_days from share.demand where id = ${filed.id}`.execute(hub.db.kysely);
    expect(rows).toEqual([{ days_org: 'JNGAJ', confirm_days: 2, publish_days: 7 }]);
    const after = await timed();
    expect(after.confirm).toEqual({ days: before.confirm.days + 2, demands: before.confirm.demands + 1 });
    expect(after.publish).toEqual({ days: before.publish.days + 7, demands: before.publish.demands + 1 });
  });

  it.skipIf(engine.skip)('counts working days across the National Day holiday and flags the overdue step', async () => {
    // 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day — so 5 working days after
    // Tuesday 09-29 are 09-30, 10-08, 10-09, 10-10 and Monday 10-12.
    expect(addWorkingDays('2026-09-29', 5)).toBe('2026-10-12');
    clock = at('2026-09-29');
    const filed = await demands.file(as('officer_rsj'), {
      resource: PERSON,
      fields: personFields.slice(0, 2),
      purposes: ['eligibility_check'],
      purpose: '社保待遇资格认证',
    });
    expect(step(filed, 'confirm')).toMatchObject({ dueDate: '2026-10-12', workingDaysLeft: 5, overdue: false });

    clock = new Date('2026-10-12T15:00:00Z'); // 23:00 on the due day in China: still in time
    const onTheDay = await demands.get(as('officer_rsj'), filed.id);
    expect(step(onTheDay, 'confirm')).toMatchObject({ overdue: false, workingDaysLeft: 0 });
    expect(await demands.flagOverdue()).toBe(0);

    clock = new Date('2026-10-12T16:30:00Z'); // 00:30 on 10-13 in China
    const late = await demands.get(as('officer_rsj'), filed.id);
    expect(late.overdue).toBe(true);
    expect(step(late, 'confirm')).toMatchObject({ overdue: true, workingDaysLeft: -1 });
    expect((await demands.list(as('operator'), { state: 'filed' })).find((d) => d.id === filed.id)?.overdue).toBe(true);

    expect(await demands.flagOverdue()).toBe(1);
    expect(await demands.flagOverdue()).toBe(1); // again: no second task
    const providerFlags = await task('officer', 'demand.overdue', `${filed.id}/confirm`);
    expect(providerFlags).toMatchObject([{ org: 'JNGAJ', dueDate: '2026-10-12' }]);
    const operatorFlags = await task('operator', 'demand.overdue', `${filed.id}/confirm/operators`);
    expect(operatorFlags).toMatchObject([{ org: null, dueDate: '2026-10-12' }]);
    expect((await inbox('officer_rsj')).filter((t) => t.kind === 'demand.overdue')).toHaveLength(0);

    // Confirmed late: the flags close; the publish step counts from the confirmation.
    const confirmed = await demands.confirm(as('officer'), filed.id);
    expect(confirmed.overdue).toBe(false);
    expect(step(confirmed, 'confirm')!.overdue).toBe(false);
    expect(step(confirmed, 'publish')!.dueDate).toBe(addWorkingDays('2026-10-13', 10));
    expect(await task('officer', 'demand.overdue', `${filed.id}/confirm`)).toHaveLength(0);
    expect(await task('operator', 'demand.overdue', `${filed.id}/confirm/operators`)).toHaveLength(0);
  });

  it.skipIf(engine.skip)('refuses a demand only with a reason', async () => {
    const filed = await demands.file(as('consumer'), {
      resource: PERSON,
      fields: [personFields[0]!],
      purposes: ['eligibility_check'],
      purpose: '走访慰问',
    });
    await expect(demands.refuse(as('officer'), filed.id, ' ')).rejects.toMatchObject({
      code: 'KRN_VALIDATION',
      problems: [{ field: 'reason' }],
    });
    const refused = await demands.refuse(as('officer'), filed.id, '用途不属于法定职责范围');
    expect(refused).toMatchObject({ state: 'refused', refusedReason: '用途不属于法定职责范围', overdue: false });
    expect(step(refused, 'confirm')).toMatchObject({ overdue: false, workingDaysLeft: null });
    await expect(demands.publish(as('officer'), filed.id)).rejects.toMatchObject({ code: 'SHR_DEMAND_BAD_STATE' });
    await expect(demands.confirm(as('officer'), filed.id)).rejects.toMatchObject({ code: 'SHR_DEMAND_BAD_STATE' });
    expect(await task('officer', 'demand.confirm', String(filed.id))).toHaveLength(0);
  });

  it.skipIf(engine.skip)('confirms a demand on an unconditional resource at once', async () => {
    clock = at('2026-11-02');
    const enterprise = await hub.catalog.get(ENTERPRISE);
    expect(enterprise.shareType).toBe('unconditional');
    const filed = await demands.file(as('consumer'), {
      resource: ENTERPRISE,
      fields: enterprise.fields.slice(0, 2).map((f) => f.name),
      purposes: ['eligibility_check'],
      purpose: '社会组织登记核验',
    });
    expect(filed.state).toBe('confirmed');
    expect(filed.steps).toEqual([
      { step: 'publish', dueDate: addWorkingDays('2026-11-02', 10), doneAt: null, overdue: false, workingDaysLeft: 10 },
    ]);
    expect(await task('officer_scjg', 'demand.publish', String(filed.id))).toHaveLength(1);
    expect(await task('officer_scjg', 'demand.confirm', String(filed.id))).toHaveLength(0);
    const published = await demands.publish(as('operator'), filed.id);
    expect(published).toMatchObject({ state: 'published', serviceCode: `SVC-${ENTERPRISE}` });
    expect(await task('officer_scjg', 'demand.publish', String(filed.id))).toHaveLength(0);
  });

  it.skipIf(engine.skip)(
    'takes a demand on a resource shared "none" only with a legal basis the operators accept',
    async () => {
      const fields = (await hub.catalog.get(none.code)).fields.slice(0, 1).map((f) => f.name);
      const input = { resource: none.code, fields, purposes: ['eligibility_check'], purpose: '困难群众救助核查' };
      await expect(demands.file(as('consumer'), input)).rejects.toMatchObject({
        code: 'KRN_VALIDATION',
        status: 422,
        problems: [{ field: 'legalBasis' }],
      });
      clock = at('2026-11-03');
      const filed = await demands.file(as('consumer'), { ...input, legalBasis: '《社会救助暂行办法》第五十九条' });
      expect(filed).toMatchObject({ state: 'basis_review', legalBasis: '《社会救助暂行办法》第五十九条' });
      expect(await task('operator', 'demand.basis', String(filed.id))).toMatchObject([{ org: null }]);
      await expect(demands.confirm(as('noneOfficer'), filed.id)).rejects.toMatchObject({
        code: 'SHR_DEMAND_BAD_STATE',
      });
      await expect(demands.acceptBasis(as('consumer'), filed.id)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });

      clock = at('2026-11-05');
      const accepted = await demands.acceptBasis(as('operator'), filed.id);
      expect(accepted.state).toBe('filed');
      expect(step(accepted, 'confirm')!.dueDate).toBe(addWorkingDays('2026-11-05', 5));
      expect(await task('operator', 'demand.basis', String(filed.id))).toHaveLength(0);
      expect(await task('noneOfficer', 'demand.confirm', String(filed.id))).toHaveLength(1);
      expect((await demands.confirm(as('noneOfficer'), filed.id)).state).toBe('confirmed');

      const other = await demands.file(as('consumer'), { ...input, legalBasis: '工作需要' });
      await expect(demands.rejectBasis(as('operator'), other.id, '')).rejects.toMatchObject({
        problems: [{ field: 'reason' }],
      });
      const rejected = await demands.rejectBasis(as('operator'), other.id, '“工作需要”不是法律法规依据');
      expect(rejected).toMatchObject({ state: 'refused', refusedReason: '“工作需要”不是法律法规依据' });
      const actions = (await ledgerTail(10)).filter((e) => e.kind === 'share.demand.changed').map((e) => e.action);
      expect(actions.slice(-4)).toEqual(['accept-basis', 'confirm', 'file', 'reject-basis']);
    },
  );

  it.skipIf(engine.skip)('lets only the parties see a demand and only the provider answer it', async () => {
    const filed = await demands.file(as('consumer'), {
      resource: PERSON,
      fields: [personFields[0]!],
      purposes: ['eligibility_check'],
      purpose: '婚姻登记核验',
    });
    await expect(demands.confirm(as('consumer'), filed.id)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(demands.confirm(as('operator'), filed.id)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(demands.publish(as('consumer'), filed.id)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(demands.get(as('officer_scjg'), filed.id)).rejects.toMatchObject({ code: 'SHR_DEMAND_NOT_FOUND' });
    await expect(demands.refuse(as('officer_scjg'), filed.id, '不是我们的')).rejects.toMatchObject({
      code: 'SHR_DEMAND_NOT_FOUND',
    });
    expect((await demands.list(as('officer_scjg'))).map((d) => d.id)).not.toContain(filed.id);
    expect((await demands.get(as('auditor'), filed.id)).id).toBe(filed.id);
    expect((await demands.get(as('officer'), filed.id)).id).toBe(filed.id);
    await expect(demands.get(as('consumer'), 999_999)).rejects.toMatchObject({ code: 'SHR_DEMAND_NOT_FOUND' });

    const asProvider = await demands.list(as('officer'), { role: 'provider' });
    expect(asProvider.map((d) => d.id)).toContain(filed.id);
    for (const d of asProvider) expect(d.resource?.provider.code).toBe('JNGAJ');
    expect((await demands.list(as('officer'), { role: 'consumer' })).map((d) => d.id)).not.toContain(filed.id);
    for (const d of await demands.list(as('consumer'), { state: 'published' })) expect(d.state).toBe('published');

    await expect(
      demands.file(as('citizen'), {
        resource: PERSON,
        fields: [personFields[0]!],
        purposes: ['eligibility_check'],
        purpose: '查询',
      }),
    ).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(
      demands.file(as('officer'), {
        resource: PERSON,
        fields: [personFields[0]!],
        purposes: ['eligibility_check'],
        purpose: '自用',
      }),
    ).rejects.toMatchObject({ status: 422, problems: [{ field: 'resource' }] });
    await expect(
      demands.file(as('consumer'), {
        resource: PERSON,
        fields: ['no_such_field'],
        purposes: ['eligibility_check'],
        purpose: '核验',
      }),
    ).rejects.toMatchObject({ problems: [{ field: 'fields' }] });
    await expect(
      demands.file(as('consumer'), { resource: PERSON, purposes: ['eligibility_check'], purpose: '核验' }),
    ).rejects.toMatchObject({
      problems: [{ field: 'fields' }],
    });
    await expect(
      demands.file(as('consumer'), {
        resource: 'JNGAJ-9999',
        fields: ['x'],
        purposes: ['eligibility_check'],
        purpose: '核验',
      }),
    ).rejects.toMatchObject({ code: 'CAT_RESOURCE_NOT_FOUND' });
    for (const purposes of [[], ['测试']]) {
      await expect(
        demands.file(as('consumer'), { resource: PERSON, fields: [personFields[0]!], purposes, purpose: '核验' }),
      ).rejects.toMatchObject({ status: 422, problems: [{ field: 'purposes' }] });
    }

    // Without a resource: free text for the operators to route.
    await expect(
      demands.file(as('consumer'), { purposes: ['eligibility_check'], purpose: '核验' }),
    ).rejects.toMatchObject({
      problems: [{ field: 'need' }],
    });
    const free = await demands.file(as('consumer'), {
      need: '需要全市养老机构床位数据',
      purposes: ['eligibility_check'],
      purpose: '养老服务规划',
    });
    expect(free).toMatchObject({ resource: null, state: 'filed', need: '需要全市养老机构床位数据' });
    expect(await task('operator', 'demand.route', String(free.id))).toHaveLength(1);
  });

  it.skipIf(engine.skip)('exports the ledger (台账) as XLSX with every visible demand', async () => {
    const all = await demands.list(as('operator'));
    const file = await demands.ledgerXlsx(as('operator'), {});
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      '需求编号',
      '需求方',
      '数据资源',
      '数源单位',
      '信息项',
      '用途',
      '依据',
      '状态',
      '提出日期',
      '确认期限',
      '确认日期',
      '发布期限',
      '发布日期',
      '是否逾期',
      '拒绝理由',
    ]);
    expect(ws.rowCount).toBe(all.length + 1);
    const rows = new Map<number, unknown[]>();
    ws.eachRow((row, n) => n > 1 && rows.set(Number(row.getCell(1).value), (row.values as unknown[]).slice(1)));
    const published = all.find((d) => d.state === 'published' && d.resource?.code === PERSON)!;
    expect(rows.get(published.id)).toEqual([
      published.id,
      '济南市民政局',
      `人口基础信息（${PERSON}）`,
      '济南市公安局',
      expect.stringContaining('、'),
      '资格核验：低保资格核验',
      '',
      '已发布',
      '2026-09-01',
      '2026-09-08',
      '2026-09-03',
      '2026-09-17',
      '2026-09-10',
      '否',
      '',
    ]);
    const refused = all.find((d) => d.refusedReason === '用途不属于法定职责范围')!;
    expect(rows.get(refused.id)).toEqual(expect.arrayContaining(['已拒绝', '用途不属于法定职责范围']));

    const mine = await demands.ledgerXlsx(as('officer_scjg'), { role: 'provider' });
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(mine as unknown as ArrayBuffer);
    const theirs = all.filter((d) => d.resource?.provider.code === 'JNSCJG');
    expect(theirs.length).toBeGreaterThan(0);
    expect(wb2.worksheets[0]!.rowCount).toBe(theirs.length + 1);
    await expect(demands.ledgerXlsx(as('citizen'), {})).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
  });

  it.skipIf(engine.skip)('serves the routes: file, list, answer, export, with problems for bad input', async () => {
    const app = Fastify({ ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } } });
    app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(error, request, reply));
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      request.actor = actors[String(request.headers['x-user'])] ?? null;
    });
    await app.register(demandRoutes({ demands }), { prefix: '/api/v1' });
    const call = (user: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url: `/api/v1${url}`, payload, headers: { 'x-user': user } });
    try {
      const filed = await call('consumer', 'POST', '/demands', {
        resource: PERSON,
        fields: [personFields[0]],
        purposes: ['eligibility_check'],
        purpose: '居民身份核验',
      });
      expect(filed.statusCode).toBe(201);
      const id = filed.json().id;
      expect(filed.json().steps[0]).toMatchObject({ step: 'confirm', overdue: false });
      expect(
        (
          await call('consumer', 'POST', '/demands', {
            resource: PERSON,
            purposes: ['eligibility_check'],
            purpose: 'x',
          })
        ).statusCode,
      ).toBe(400);
      const noBasis = await call('consumer', 'POST', '/demands', {
        resource: none.code,
        fields: [(await hub.catalog.get(none.code)).fields[0]!.name],
        purposes: ['eligibility_check'],
        purpose: '核查',
      });
      expect(noBasis.statusCode).toBe(422);
      expect(noBasis.json().errors[0].field).toBe('legalBasis');
      expect((await call('consumer', 'POST', `/demands/${id}/confirm`)).statusCode).toBe(403);
      expect((await call('officer_scjg', 'GET', `/demands/${id}`)).statusCode).toBe(404);
      expect((await call('officer', 'POST', `/demands/${id}/refuse`, {})).statusCode).toBe(400);
      expect((await call('officer', 'POST', `/demands/${id}/confirm`)).json().state).toBe('confirmed');
      expect((await call('officer', 'POST', `/demands/${id}/publish`)).json().state).toBe('published');
      const listed = await call('consumer', 'GET', '/demands?role=consumer&state=published');
      expect(listed.json().items.map((d: { id: number }) => d.id)).toContain(id);
      expect((await call('consumer', 'GET', '/demands?state=lost')).statusCode).toBe(400);
      const xlsx = await call('operator', 'GET', '/demands/ledger.xlsx');
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      expect((await call('citizen', 'GET', '/demands')).statusCode).toBe(200);
      expect((await call('nobody', 'GET', '/demands')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
