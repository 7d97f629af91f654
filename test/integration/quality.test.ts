import Fastify, { type FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../src/access/index.js';
import type { Resource } from '../../src/catalog/index.js';
import { openHub, type Hub } from '../../src/http/index.js';
import { sendProblem } from '../../src/http/problem.js';
import { qualityRoutes } from '../../src/http/routes/quality.js';
import { sql } from '../../src/db/index.js';
import { addWorkingDays, makeCitizenId, workingDaysBetween } from '../../src/kernel/index.js';
import { QualityService, type Correction, type QualityRule } from '../../src/quality/index.js';
import { engines } from '../databases.js';

const PERSON = 'JNGAJ-0001'; // 人口基础信息, provided by 市公安局; JNMZJ holds a grant on five of its fields
const INSURANCE = 'JNRSJ-0001'; // 社会保险参保信息, provided by 市人社局
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
 * 数据质量与纠错 (#4) on PGlite and on PostgreSQL: rule sets, the checker over real stored
 * records, and corrections on a controllable clock with the hub's catalog, task inbox, ledger
 * and grants; the routes on a bare Fastify at the end.
 */
describe.each(engines())('quality on $name', (engine) => {
  let hub: Hub;
  let quality: QualityService;
  let clock = at('2026-09-01');
  const actors: Record<string, Actor> = {};
  let person: Resource;
  let people: Array<Record<string, unknown>>;
  let citizenId: string;

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()), headIntervalMs: 100 });
    for (const [username, u] of Object.entries(USERS)) {
      const org = u.org ? (await hub.access.findOrganization(u.org))! : null;
      actors[username] = {
        userId: await hub.access.findUserId(username),
        username,
        roles: u.roles,
        org: org && { id: org.id, code: org.code, name: org.name },
        via: 'token',
      };
    }
    quality = new QualityService(hub.db, {
      catalog: hub.catalog,
      records: hub.records,
      tasks: hub.officers,
      ledger: hub.ledger,
      grantedFields: async (org, resource) => (await hub.share.grants.active(org, resource))?.fields ?? null,
      citizenIdOf: (actor) => hub.access.citizenIdOf(actor),
      orgName: async (code) => (await hub.access.listOrganizations()).find((o) => o.code === code)?.name,
      box: hub.keys.box('correction'),
      now: () => clock,
    });
    person = await hub.catalog.get(PERSON);
    people = await hub.records.page(person.id, 1, 20);
    citizenId = (await hub.access.citizenIdOf(actors.citizen!))!;
  });
  afterAll(async () => {
    await hub?.close();
  });

  const as = (name: string) => actors[name]!;
  const task = async (user: string, kind: string, ref: string) =>
    (await hub.authorizedAccess.inbox(as(user))).filter((t) => t.kind === kind && t.ref === ref);
  const ledgerTail = async (n: number) => {
    const size = await hub.ledger.size();
    return (await hub.ledger.entries(Math.max(0, size - n), size)).map(
      (r) => JSON.parse(r.entry) as Record<string, unknown>,
    );
  };

  it.skipIf(engine.skip)('keeps versioned rule sets and refuses bad rules naming the parameter', async () => {
    const empty = await quality.rules(PERSON);
    expect(empty).toMatchObject({ resource: PERSON, version: 0, rules: [], setBy: null });
    expect(empty.builtins.map((b) => b.id)).toEqual(['builtin.id-birth-date.birth_date', 'builtin.id-gender.gender']);

    const phoneUnique: QualityRule = { field: 'phone', kind: 'unique', severity: 'reject' };
    await expect(quality.setRules(PERSON, [phoneUnique], as('consumer'))).rejects.toMatchObject({
      code: 'ACC_FORBIDDEN',
    });
    await expect(quality.setRules(PERSON, [phoneUnique], as('officer_scjg'))).rejects.toMatchObject({
      code: 'ACC_FORBIDDEN',
    });
    await expect(
      quality.setRules(PERSON, [{ field: 'name', kind: 'regex', severity: 'warn', pattern: '[' }], as('officer')),
    ).rejects.toMatchObject({ code: 'QLT_BAD_RULE', status: 400, problems: [{ field: 'rules/0/pattern' }] });
    await expect(
      quality.setRules(
        INSURANCE,
        [
          {
            field: 'citizen_id',
            kind: 'referential',
            severity: 'reject',
            refResource: 'JNGAJ-9999',
            refField: 'citizen_id',
          },
        ],
        as('officer_rsj'),
      ),
    ).rejects.toMatchObject({ problems: [{ field: 'rules/0/refResource', reason: 'no resource JNGAJ-9999' }] });
    await expect(
      quality.setRules(PERSON, [{ field: 'address', kind: 'range', severity: 'warn', min: 1 }], as('officer')),
    ).rejects.toMatchObject({ problems: [{ field: 'rules/0/field' }] });

    const v1 = await quality.setRules(PERSON, [phoneUnique], as('officer'));
    expect(v1).toMatchObject({ version: 1, setBy: 'officer', rules: [{ id: 'unique.phone', field: 'phone' }] });
    const rules: QualityRule[] = [
      phoneUnique,
      { field: 'name', kind: 'regex', severity: 'warn', pattern: '^\\p{Script=Han}{2,4}$' },
      { field: 'birth_date', kind: 'range', severity: 'reject', min: '1930-01-01' },
    ];
    await expect(quality.setRules(PERSON, rules, as('operator'), 0)).rejects.toMatchObject({
      code: 'QLT_VERSION_CONFLICT',
    });
    const v2 = await quality.setRules(PERSON, rules, as('operator'), 1);
    expect(v2).toMatchObject({ version: 2, setBy: 'operator' });
    expect(v2.rules.map((r) => r.id)).toEqual(['unique.phone', 'regex.name', 'range.birth_date']);
    expect(await quality.rules(PERSON)).toEqual(v2);
    const entry = (await ledgerTail(5)).find((e) => e.kind === 'quality.rules.set' && e.version === 2);
    expect(entry).toMatchObject({
      resource: PERSON,
      actor: 'operator',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it.skipIf(engine.skip)('checks a batch against every rule kind, stored records included', async () => {
    const stored = people[0]!;
    const other = people[1]!;
    const fresh = (seq: number, doc: Record<string, unknown>) => {
      const id = makeCitizenId('370102', '1985-03-04', seq);
      return {
        citizen_id: id,
        name: '王小明',
        gender: seq % 2 ? '男' : '女',
        birth_date: '1985-03-04',
        division: '370102',
        ...doc,
      };
    };
    const rows = [
      { ...stored }, // the stored record again, same phone: no rival
      fresh(11, { phone: other.phone }), // a stored record of another key has the phone
      fresh(13, { phone: '13912345678' }),
      fresh(15, { phone: '13912345678' }), // an earlier row of this load has it
      fresh(17, { name: 'Wang Xiaoming' }), // regex: warns
      fresh(19, { gender: '女' }), // built in: the ID says male
      { ...fresh(21, {}), birth_date: '1929-12-31', citizen_id: makeCitizenId('370102', '1929-12-31', 21) }, // range
    ].map((doc, i) => ({ key: String(doc.citizen_id), doc, sourceRow: i + 2 }));
    const issues = await (await quality.checker(person)).checkBatch(rows);
    expect(issues.map((i) => [i.row, i.rule, i.severity])).toEqual([
      [3, 'unique.phone', 'reject'],
      [5, 'unique.phone', 'reject'],
      [6, 'regex.name', 'warn'],
      [7, 'builtin.id-gender.gender', 'reject'],
      [8, 'range.birth_date', 'reject'],
    ]);
    expect(issues.find((i) => i.row === 3)!.reason).toBe('a stored record has the same value');
    expect(issues.find((i) => i.row === 5)!.reason).toBe('an earlier row of this load has the same value');

    // Referential (by the key of another resource) and freshness, on the insurance records.
    const insurance = await hub.catalog.get(INSURANCE);
    await quality.setRules(
      INSURANCE,
      [
        { field: 'citizen_id', kind: 'referential', severity: 'reject', refResource: PERSON, refField: 'citizen_id' },
        { field: 'start_date', kind: 'freshness', severity: 'warn', maxAgeDays: 3650 },
      ],
      as('officer_rsj'),
    );
    const unknown = makeCitizenId('370102', '1985-03-04', 99);
    const batch = [
      { citizen_id: stored.citizen_id, start_date: '2020-01-15' },
      { citizen_id: unknown, start_date: '2020-01-15' },
      { citizen_id: other.citizen_id, start_date: '2001-01-15' },
    ].map((doc, i) => ({
      key: doc.citizen_id as string,
      doc: { ...doc, insurance_type: '职工基本养老保险', active: true },
      sourceRow: i + 2,
    }));
    clock = at('2026-09-01');
    const found = await (await quality.checker(insurance)).checkBatch(batch);
    expect(found).toMatchObject([
      {
        row: 3,
        field: 'citizen_id',
        rule: 'referential.citizen_id',
        severity: 'reject',
        reason: `no record of ${PERSON} has this citizen_id`,
      },
      {
        row: 4,
        field: 'start_date',
        rule: 'freshness.start_date',
        severity: 'warn',
        reason: 'older than 3650 days (before 2016-09-03)',
      },
    ]);
  });

  let accepted: Correction;
  it.skipIf(engine.skip)(
    'routes a citizen’s report to the stewards; accepting changes the value and its origin',
    async () => {
      clock = at('2026-09-01'); // a Tuesday
      const mine = people.find((p) => p.citizen_id === citizenId)!;
      expect(mine).toBeDefined();
      const report = await quality.report(as('citizen'), {
        resource: PERSON,
        key: citizenId.toLowerCase(),
        field: 'name',
        claimedValue: String(mine.name),
        proposedValue: '张三丰',
        note: '户口簿上的姓名是张三丰',
      });
      expect(report).toMatchObject({
        resource: { code: PERSON, provider: { code: 'JNGAJ', name: '济南市公安局' } },
        key: citizenId,
        field: { name: 'name', label: '姓名' },
        reporter: { kind: 'citizen', org: null, self: true },
        state: 'open',
        dueDate: '2026-09-03',
        workingDaysLeft: 2,
        overdue: false,
        masked: false,
      });
      const fix = await task('officer', 'correction.fix', String(report.id));
      expect(fix).toMatchObject([{ org: 'JNGAJ', dueDate: '2026-09-03' }]);
      expect(fix[0]!.title).not.toContain(citizenId);
      expect(fix[0]!.title).not.toContain('张三丰');

      // The operators see it masked; another department not at all.
      const seen = await quality.get(as('operator'), report.id);
      expect(seen).toMatchObject({ masked: true, note: '***' });
      expect(seen.key).not.toBe(citizenId);
      await expect(quality.get(as('officer_scjg'), report.id)).rejects.toMatchObject({
        code: 'QLT_CORRECTION_NOT_FOUND',
      });
      await expect(quality.accept(as('operator'), report.id)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
      await expect(quality.accept(as('citizen'), report.id)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });

      clock = at('2026-09-02');
      accepted = await quality.accept(as('officer'), report.id);
      expect(accepted).toMatchObject({
        state: 'accepted',
        decidedBy: 'officer',
        newValue: '张三丰',
        overdue: false,
        workingDaysLeft: null,
      });
      expect((await hub.records.find(person.id, citizenId))!.name).toBe('张三丰');
      expect(await hub.records.valueOrigin(person.id, citizenId)).toEqual({
        name: { correction: report.id, at: expect.any(String) },
      });
      expect(await task('officer', 'correction.fix', String(report.id))).toHaveLength(0);
      await expect(quality.accept(as('officer'), report.id)).rejects.toMatchObject({ code: 'QLT_ALREADY_DECIDED' });

      // On the ledger under the citizen's subject tag, without the values.
      const mineOnLedger = await hub.ledger.entriesBySubject(hub.ledger.subjectTag(citizenId));
      const entries = mineOnLedger
        .map((e) => JSON.parse(e.entry))
        .filter((e) => e.kind === 'quality.correction.changed');
      expect(entries.map((e) => e.action)).toEqual(['accept', 'report']);
      expect(JSON.stringify(entries)).not.toContain('张三丰');

      // The citizen sees it among theirs.
      const list = await quality.list(as('citizen'));
      expect(list.items.map((c) => c.id)).toContain(report.id);
    },
  );

  it.skipIf(engine.skip)('keeps a correction’s key, values and note sealed at rest (#15)', async () => {
    const { rows } = await sql<{ text: string; subject_tag: string }>`
      select row_to_json(c)::text as text, subject_tag from quality.correction c where id = ${accepted.id}`.execute(
      hub.db.kysely,
    );
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row!.subject_tag).toBe(hub.ledger.subjectTag(citizenId));
    for (const plain of [citizenId, '张三丰', '户口簿']) expect(row!.text).not.toContain(plain);
    expect(row!.text).toMatch(/"record_key":"dek:\d+:/);
    expect(row!.text).toMatch(/"new_value":"dek:\d+:/);

    // A correction an earlier version stored in clear is sealed at the next start, and reads the same.
    const plain = { resource_code: PERSON, provider_org: 'JNGAJ', field: 'phone', reporter_kind: 'citizen' };
    const { rows: legacy } = await sql<{ id: number }>`
      insert into quality.correction (resource_code, provider_org, record_key, field, claimed_value, proposed_value,
        note, reporter_kind, reported_by, filed_at, due_date)
      values (${plain.resource_code}, ${plain.provider_org}, ${citizenId}, ${plain.field}, '13800000000',
        '13900000000', '换号了', ${plain.reporter_kind}, ${actors.citizen!.userId}, ${clock}, '2026-09-04')
      returning id`.execute(hub.db.kysely);
    const id = legacy[0]!.id;
    expect(await quality.sealAtRest()).toBe(1);
    expect(await quality.sealAtRest()).toBe(0);
    const { rows: after } = await sql<{ text: string }>`
      select row_to_json(c)::text as text from quality.correction c where id = ${id}`.execute(hub.db.kysely);
    for (const clear of [citizenId, '13800000000', '13900000000', '换号了'])
      expect(after[0]!.text).not.toContain(clear);
    expect(await quality.get(as('citizen'), id)).toMatchObject({
      key: citizenId,
      claimedValue: '13800000000',
      proposedValue: '13900000000',
      note: '换号了',
    });
    expect((await quality.list(as('citizen'))).items.map((c) => c.id)).toContain(id);
    // The indicators below count this module's own corrections.
    await sql`delete from quality.correction where id = ${id}`.execute(hub.db.kysely);
  });

  it.skipIf(engine.skip)('takes reports only from those entitled, with valid values', async () => {
    const someone = String(people.find((p) => p.citizen_id !== citizenId)!.citizen_id);
    const input = { resource: PERSON, key: someone, field: 'birth_date', claimedValue: '1990-01-01' };
    await expect(quality.report(as('citizen'), input)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(quality.report(as('officer'), input)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(quality.report(as('officer_scjg'), input)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(quality.report(as('auditor'), input)).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    // The grant of 市民政局 covers birth_date but not phone.
    await expect(quality.report(as('consumer'), { ...input, field: 'phone' })).rejects.toMatchObject({
      code: 'ACC_FORBIDDEN',
    });
    await expect(quality.report(as('consumer'), { ...input, proposedValue: '1990-02-30' })).rejects.toMatchObject({
      status: 422,
      problems: [{ field: 'proposedValue' }],
    });
    await expect(quality.report(as('consumer'), { ...input, field: 'citizen_id' })).rejects.toMatchObject({
      problems: [{ field: 'field' }],
    });
    await expect(quality.report(as('consumer'), { ...input, key: '370102199001011234' })).rejects.toMatchObject({
      problems: [{ field: 'key' }],
    });
    await expect(quality.report(as('consumer'), { ...input, key: undefined })).rejects.toMatchObject({
      problems: [{ field: 'key', reason: expect.stringContaining('required') }],
    });
    const nobody = makeCitizenId('370102', '1985-03-04', 99);
    await expect(quality.report(as('operator'), { ...input, key: nobody })).rejects.toMatchObject({
      code: 'QLT_RECORD_NOT_FOUND',
    });
  });

  it.skipIf(engine.skip)('rejects a report only with a reason', async () => {
    clock = at('2026-09-01');
    const someone = people.find((p) => p.citizen_id !== citizenId)!;
    const report = await quality.report(as('consumer'), {
      resource: PERSON,
      key: String(someone.citizen_id),
      field: 'birth_date',
      claimedValue: String(someone.birth_date),
      proposedValue: '1990-01-01',
    });
    expect(report).toMatchObject({ reporter: { kind: 'consumer', org: 'JNMZJ', self: true }, dueDate: '2026-09-03' });
    await expect(quality.reject(as('consumer'), report.id, '不对')).rejects.toMatchObject({ code: 'ACC_FORBIDDEN' });
    await expect(quality.reject(as('officer'), report.id, ' ')).rejects.toMatchObject({
      problems: [{ field: 'reason' }],
    });
    clock = at('2026-09-03');
    const rejected = await quality.reject(as('officer'), report.id, '出生日期与户籍档案一致，无需更正');
    expect(rejected).toMatchObject({
      state: 'rejected',
      rejectReason: '出生日期与户籍档案一致，无需更正',
      newValue: null,
    });
    expect((await hub.records.find(person.id, String(someone.citizen_id)))!.birth_date).toBe(someone.birth_date);
    expect(await hub.records.valueOrigin(person.id, String(someone.citizen_id))).toEqual({});
    await expect(quality.accept(as('officer'), report.id, { value: '1990-01-01' })).rejects.toMatchObject({
      code: 'QLT_ALREADY_DECIDED',
    });
    const actions = (await ledgerTail(3)).filter((e) => e.kind === 'quality.correction.changed').map((e) => e.action);
    expect(actions.at(-1)).toBe('reject');
  });

  let late: Correction;
  it.skipIf(engine.skip)('counts the 2 working days across National Day and flags the overdue one', async () => {
    // 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day: 2 working days after
    // Wednesday 09-30 are Thursday 10-08 and Friday 10-09.
    expect(addWorkingDays('2026-09-30', 2)).toBe('2026-10-09');
    clock = at('2026-09-30');
    const someone = people.find((p) => p.citizen_id !== citizenId)!;
    const report = await quality.report(as('consumer'), {
      resource: PERSON,
      key: String(someone.citizen_id),
      field: 'division',
      claimedValue: String(someone.division),
    });
    expect(report).toMatchObject({ dueDate: '2026-10-09', workingDaysLeft: 2, overdue: false });

    clock = new Date('2026-10-09T15:00:00Z'); // 23:00 on the due day in China: still in time
    expect(await quality.get(as('officer'), report.id)).toMatchObject({ overdue: false, workingDaysLeft: 0 });
    expect(await quality.flagOverdue()).toBe(0);

    clock = new Date('2026-10-09T16:30:00Z'); // 00:30 on Saturday 10-10 in China, a working day
    expect(await quality.get(as('officer'), report.id)).toMatchObject({ overdue: true, workingDaysLeft: -1 });
    expect(await quality.flagOverdue()).toBe(1);
    expect(await quality.flagOverdue()).toBe(1); // again: no second task
    expect(await task('officer', 'correction.overdue', String(report.id))).toMatchObject([
      { org: 'JNGAJ', dueDate: '2026-10-09' },
    ]);
    expect(await task('operator', 'correction.overdue', `${report.id}/operators`)).toMatchObject([{ org: null }]);
    const overdue = await quality.list(as('officer'), { state: 'overdue' });
    expect(overdue.items.map((c) => c.id)).toEqual([report.id]);
    expect(overdue.items[0]!.flaggedAt).toBe(clock.toISOString());

    // Accepted late, with a value of the officer's own: the flags close.
    clock = at('2026-10-12');
    await expect(quality.accept(as('officer'), report.id)).rejects.toMatchObject({ problems: [{ field: 'value' }] });
    await expect(quality.accept(as('officer'), report.id, { value: '990000' })).rejects.toMatchObject({
      problems: [{ field: 'value' }],
    });
    late = await quality.accept(as('officer'), report.id, { value: '370112' });
    expect(late).toMatchObject({
      state: 'accepted',
      newValue: '370112',
      overdue: false,
      flaggedAt: expect.any(String),
    });
    expect(await task('officer', 'correction.overdue', String(report.id))).toHaveLength(0);
    expect(await task('operator', 'correction.overdue', `${report.id}/operators`)).toHaveLength(0);
    expect(await quality.flagOverdue()).toBe(0);
  });

  it.skipIf(engine.skip)('measures fix rate, fix time and timeliness per provider and city-wide', async () => {
    clock = at('2026-10-12');
    const insured = (await hub.records.page((await hub.catalog.get(INSURANCE)).id, 1, 1))[0]!;
    await quality.report(as('operator'), {
      resource: INSURANCE,
      key: String(insured.citizen_id),
      field: 'active',
      claimedValue: String(insured.active),
      proposedValue: insured.active ? '否' : '是',
    });
    const { cityWide, byProvider } = await quality.indicators();
    // JNGAJ: accepted after 24 h (on time) and after 12 days (late), one rejected on time.
    expect(byProvider.find((p) => p.org.code === 'JNGAJ')).toEqual({
      org: { code: 'JNGAJ', name: '济南市公安局' },
      reported: 3,
      fixed: 2,
      rejected: 1,
      open: 0,
      overdue: 0,
      fixRate: 100,
      medianFixHours: 156,
      onTimeRate: 66.7,
    });
    expect(byProvider.find((p) => p.org.code === 'JNRSJ')).toMatchObject({
      reported: 1,
      open: 1,
      fixRate: 0,
      onTimeRate: null,
    });
    expect(cityWide).toEqual({
      reported: 4,
      fixed: 2,
      rejected: 1,
      open: 1,
      overdue: 0,
      fixRate: 66.7,
      medianFixHours: 156,
      onTimeRate: 66.7,
    });
    // 整改时长 as the cockpit reads it: the days each acceptance counted, kept per department.
    const { rows } = await sql<{ org: string; filed_at: Date; decided_at: Date; fix_days: number | null }>`
      select provider_org as org, filed_at, decided_at, fix_days from quality.correction
      where state = 'accepted'`.execute(hub.db.kysely);
    expect(rows.map((r) => r.fix_days)).not.toContain(null);
    const recount = new Map<string, { days: number; fixes: number }>();
    for (const r of rows) {
      const c = recount.get(r.org) ?? { days: 0, fixes: 0 };
      recount.set(r.org, { days: c.days + workingDaysBetween(r.filed_at, r.decided_at), fixes: c.fixes + 1 });
    }
    expect(await quality.fixDays()).toEqual(recount);
    expect(recount.get('JNGAJ')?.fixes).toBe(2);
  });

  it.skipIf(engine.skip)('serves the routes, with problems for bad input', async () => {
    const app = Fastify({ ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } } });
    app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(error, request, reply));
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      request.actor = actors[String(request.headers['x-user'])] ?? null;
    });
    await app.register(qualityRoutes({ ...hub, quality }), { prefix: '/api/v1' });
    const call = (user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      app.inject({ method, url: `/api/v1${url}`, payload, headers: { 'x-user': user } });
    try {
      const rules = await call('consumer', 'GET', `/resources/${PERSON}/quality-rules`);
      expect(rules.statusCode).toBe(200);
      expect(rules.json()).toMatchObject({ version: 2, builtins: [{ field: 'birth_date' }, { field: 'gender' }] });
      const regex = await call('officer', 'PUT', `/resources/${PERSON}/quality-rules`, {
        rules: [{ field: 'name', kind: 'regex', severity: 'warn', pattern: '(' }],
      });
      expect(regex.statusCode).toBe(400);
      expect(regex.json()).toMatchObject({ code: 'QLT_BAD_RULE', errors: [{ field: 'rules/0/pattern' }] });
      const kind = await call('officer', 'PUT', `/resources/${PERSON}/quality-rules`, {
        rules: [{ field: 'name', kind: 'sql', severity: 'warn' }],
      });
      expect(kind.statusCode).toBe(400);
      expect(kind.json().errors[0].field).toBe('body/rules/0/kind');
      expect((await call('consumer', 'PUT', `/resources/${PERSON}/quality-rules`, { rules: [] })).statusCode).toBe(403);
      const put = await call('officer', 'PUT', `/resources/${PERSON}/quality-rules`, { rules: [], baseVersion: 2 });
      expect(put.json()).toMatchObject({ version: 3, rules: [] });

      clock = at('2026-11-02');
      const someone = people.find((p) => p.citizen_id !== citizenId)!;
      const filed = await call('consumer', 'POST', '/corrections', {
        resource: PERSON,
        key: someone.citizen_id,
        field: 'gender',
        claimedValue: someone.gender,
        proposedValue: someone.gender === '男' ? '女' : '男',
      });
      expect(filed.statusCode).toBe(201);
      const id = filed.json().id;
      expect(filed.json()).toMatchObject({ dueDate: addWorkingDays('2026-11-02', 2), state: 'open' });
      const noValue = await call('consumer', 'POST', '/corrections', { resource: PERSON, field: 'gender' });
      expect(noValue.statusCode).toBe(400);
      // A citizen leaves the key out: it is their own ID.
      const own = await call('citizen', 'POST', '/corrections', { resource: PERSON, field: 'phone', claimedValue: '' });
      expect(own.statusCode).toBe(201);
      expect(own.json()).toMatchObject({ key: citizenId, reporter: { kind: 'citizen', self: true } });
      expect((await call('consumer', 'GET', '/corrections?state=lost')).statusCode).toBe(400);
      expect((await call('officer_scjg', 'GET', `/corrections/${id}`)).statusCode).toBe(404);
      const open = await call('officer', 'GET', '/corrections?state=open');
      expect(open.json().items.map((c: { id: number }) => c.id)).toContain(id);
      expect((await call('officer', 'POST', `/corrections/${id}/reject`, {})).statusCode).toBe(400);
      const done = await call('officer', 'POST', `/corrections/${id}/accept`, {});
      expect(done.json()).toMatchObject({ state: 'accepted', newValue: someone.gender === '男' ? '女' : '男' });
      expect((await call('officer', 'GET', '/corrections?state=accepted')).json().total).toBe(3);
      const indicators = await call('auditor', 'GET', '/quality/indicators');
      expect(indicators.statusCode).toBe(200);
      expect(indicators.json().cityWide.fixed).toBe(3);
      expect((await call('citizen', 'GET', '/quality/indicators')).statusCode).toBe(403);
      expect((await call('nobody', 'GET', '/corrections')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
