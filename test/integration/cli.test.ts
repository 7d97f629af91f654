import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHub } from '../../src/http/index.js';
import { makeCitizenId } from '../../src/kernel/index.js';
import { engines } from '../databases.js';

const postgres = engines().find((e) => e.name === 'postgres')!;

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'qdh-cli-'));
const embedded = {
  ...process.env,
  QDH_DATA_DIR: join(dir, 'data'),
  QDH_DEMO_PASSWORD: 'cli-test-password',
  DATABASE_URL: '',
};
/** The environment of the describe block running: the embedded database, or the run's seeded PostgreSQL city. */
let env: NodeJS.ProcessEnv = embedded;
// The CLI as it ships: the built dist/cli/main.js, one plain node process a command. Run through
// tsx, every command transpiled the whole source again, which made this the slowest file by far.
const qdh = (...args: string[]) => run(process.execPath, ['dist/cli/main.js', ...args], { env, timeout: 120_000 });

// Builds only what is older than its sources (as `npm start` does), so a run of this file alone works.
beforeAll(() => run(process.execPath, ['scripts/ensure-build.mjs'], { timeout: 290_000 }), 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every step starts a process of its own (node, PGlite) that takes seconds on a loaded machine; a
// test of a workflow runs several, and the default 60 s left some failing on time, not on output.
describe('qdh command line on an embedded database', { timeout: 180_000 }, () => {
  beforeAll(() => {
    env = embedded;
  });

  it('seeds the demo city once and never over existing data', async () => {
    const first = await qdh('demo', '--people', '30');
    expect(first.stdout).toMatch(/demo city seeded/);
    const second = await qdh('demo', '--people', '30');
    expect(second.stdout).toMatch(/already holds data: nothing seeded/);
    expect((await qdh('catalog', 'search', '人口')).stdout).toMatch(/JNGAJ-0001 +人口基础信息/);
  });

  it('starts a new install only with a configured key-encryption key', async () => {
    // A fresh database of its own: no demo city, so no KEK generated for it.
    const fresh = { ...env, QDH_DATA_DIR: join(dir, 'fresh'), QDH_PASSWORD: 'first-operator-1' };
    const add = ['dist/cli/main.js', 'user', 'add', '-u', 'admin', '-r', 'operator'];
    const refused = await run(process.execPath, add, { env: fresh }).catch((e: { stderr: string }) => e);
    expect((refused as { stderr: string }).stderr).toMatch(/^KEY_NO_KEK: .*QDH_KEK/m);
    const kek = randomBytes(32).toString('hex');
    const { stdout } = await run(process.execPath, add, { env: { ...fresh, QDH_KEK: kek } });
    expect(stdout).toMatch(/created user admin \(operator\)/);
    const status = await run(process.execPath, ['dist/cli/main.js', 'keys', 'status'], {
      env: { ...fresh, QDH_KEK: kek },
    });
    expect(status.stdout).not.toMatch(/generated/);
  });

  it('refuses to open an embedded database another live process holds', async () => {
    const lock = join(dir, 'data', 'qdh.lock');
    writeFileSync(lock, String(process.pid));
    try {
      await expect(qdh('migrate')).rejects.toThrow(new RegExp(`in use by process ${process.pid}`));
    } finally {
      rmSync(lock, { force: true });
    }
    expect((await qdh('migrate')).stdout).toMatch(/up to date/);
  });
});

/**
 * The commands' workflows, on a copy of the run's seeded city on PostgreSQL: a command there
 * starts in about half the time of one that opens PGlite (1.1 s against 2.5 s here), and this
 * file runs some forty of them. The embedded database's own behaviour is the block above.
 */
describe.skipIf(postgres.skip)('qdh command line on PostgreSQL', { timeout: 180_000 }, () => {
  let databaseUrl: string;
  const openCityHub = () => openHub({ databaseUrl });
  beforeAll(async () => {
    ({ databaseUrl } = (await postgres.seededDatabase()) as { databaseUrl: string });
    env = { ...process.env, DATABASE_URL: databaseUrl, QDH_DATA_DIR: join(dir, 'unused') };
  });

  it('ingests a CSV with a summary and the rejected rows', async () => {
    const file = join(dir, 'people.csv');
    const good = makeCitizenId('370105', '1966-06-06', 17);
    writeFileSync(
      file,
      [
        'citizen_id,name,gender,birth_date,division,address,phone',
        `${good},赵六,男,1966-06-06,370105,山东省济南市天桥区北园大街1号,13912345678`,
        `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'},钱七,女,1966-06-06,370105,,`,
      ].join('\n'),
    );
    const { stdout } = await qdh('ingest', '--resource', 'JNGAJ-0001', file);
    expect(stdout).toMatch(/succeeded: read 2, loaded 1, rejected 1/);
    expect(stdout).toMatch(/row 3 citizen_id: the check digit does not match$/m);
  });

  it('refuses a load as a user who may not upload into the resource, as the API does, and loads nothing', async () => {
    const file = join(dir, 'refused.csv');
    const key = makeCitizenId('370102', '1971-07-07', 21);
    writeFileSync(file, `citizen_id,name,gender,birth_date,division\n${key},周九,男,1971-07-07,370102\n`);
    const refused = await qdh('ingest', '--as', 'consumer', '-r', 'JNGAJ-0001', file).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/^ACC_FORBIDDEN: /m) });
    expect((refused as { stdout: string }).stdout).not.toMatch(/loaded/);
    const hub = await openCityHub();
    try {
      expect(await hub.ingest.lineage(await hub.catalog.get('JNGAJ-0001'), key)).toBeUndefined();
      const { items } = await hub.jobs.list({ resources: ['JNGAJ-0001'], pageSize: 100 });
      expect(items.map((j) => j.source)).not.toContain('cli:refused.csv');
    } finally {
      await hub.close();
    }
  });

  it('searches, exports and imports the catalog, refusing a bad workbook whole', async () => {
    const found = await qdh('catalog', 'search', '人口');
    expect(found.stdout).toMatch(/JNGAJ-0001 +人口基础信息/);
    expect(found.stdout).toMatch(/\d+ match\(es\)\n {2}provider: .*JNGAJ \d+/);
    const file = join(dir, 'catalog.xlsx');
    expect((await qdh('catalog', 'export', '--format', 'xlsx', '-o', file, '-q', '养老')).stdout).toMatch(
      /wrote [1-9]\d* resource\(s\)/,
    );
    const imported = await qdh('catalog', 'import', '--as', 'officer_rsj', file);
    expect(imported.stdout).toMatch(/imported [1-9]\d* resource\(s\) as drafts of 济南市人力资源和社会保障局/);
    expect(imported.stdout).toMatch(/JNRSJ-\d{4} {2}\S*养老/);

    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('资源目录').addRows([
      ['资源名称', '资源分类', '共享类型', '开放类型', '分级', '主键信息项'],
      ['坏资源', '部门', '随便', '不予开放', '一般', 'id'],
    ]);
    const bad = join(dir, 'bad.xlsx');
    await wb.xlsx.writeFile(bad);
    const refused = await qdh('catalog', 'import', '--as', 'officer_rsj', bad).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((refused as { code: number }).code).toBe(2);
    expect((refused as { stderr: string }).stderr).toMatch(/未导入任何内容/);
    expect((refused as { stderr: string }).stderr).toMatch(
      /资源目录!共享类型2\s+应为以下之一：无条件共享、有条件共享、不予共享\n/,
    );
    expect((refused as { stderr: string }).stderr).toMatch(/缺少工作表「信息项」/);
  });

  it('takes a demand through its steps and manages the grant it carries', async () => {
    const filed = await qdh(
      'demand',
      'file',
      '--as',
      'consumer',
      '--resource',
      'JNRSJ-0001',
      '--fields',
      'citizen_id,active',
      '--purposes',
      'social_assistance',
      '--purpose',
      '低保对象参保状态核验',
    );
    const id = /^#(\d+) filed/m.exec(filed.stdout)![1]!;
    expect(filed.stdout).toMatch(/confirm due \d{4}-\d{2}-\d{2}/);
    const refused = await qdh('demand', 'confirm', id, '--as', 'consumer').catch((e: { stderr: string }) => e);
    expect((refused as { stderr: string }).stderr).toMatch(/ACC_FORBIDDEN/);
    expect((await qdh('demand', 'confirm', id, '--as', 'officer_rsj')).stdout).toMatch(new RegExp(`#${id} confirmed`));
    expect((await qdh('demand', 'publish', id, '--as', 'officer_rsj')).stdout).toMatch(new RegExp(`#${id} published`));
    const grants = (await qdh('grant', 'list', '--as', 'operator')).stdout;
    const grant = /^#(\d+) active +JNMZJ ← JNRSJ-0001 \[citizen_id,active\]/m.exec(grants)![1]!;
    expect((await qdh('grant', 'suspend', grant, '--as', 'operator')).stdout).toMatch(
      new RegExp(`#${grant} suspended`),
    );
    const notOperator = await qdh('grant', 'revoke', grant, '--as', 'consumer').catch((e: { stderr: string }) => e);
    expect((notOperator as { stderr: string }).stderr).toMatch(/ACC_FORBIDDEN/);
  });

  it('names the export a leaked CSV came from, and says so when a file has no mark', async () => {
    // Take a watermarked export of the 50 demo enterprises, with the hub open here for a moment;
    // the leaked copy is re-sorted, and its decoy row (a credit code failing its check) names it.
    const hub = await openCityHub();
    let mark: string;
    try {
      const org = (await hub.access.findOrganization('JNSCJG'))!;
      const profile = await hub.access.profile(await hub.access.findUserId('officer_scjg'));
      const actor = { userId: profile.id, username: 'officer_scjg', roles: profile.roles, org, via: 'token' as const };
      await hub.share.services.publish('JNSCJG-0001', 'operator');
      const out = await hub.share.serviceExport(actor, 'DS-JNSCJG-0001', {}, 100, 'data_governance');
      mark = out.mark;
      const [header, ...rows] = out.csv.trim().split('\n');
      writeFileSync(join(dir, 'leak.csv'), [header, ...rows.reverse()].join('\n'));
    } finally {
      await hub.close();
    }
    const found = await qdh('watermark', 'identify', join(dir, 'leak.csv'));
    expect(found.stdout).toContain(`mark        ${mark}`);
    expect(found.stdout).toMatch(/consumer +\S+ \(JNSCJG\)/);
    writeFileSync(join(dir, 'plain.csv'), 'a,b\n1,张三\n');
    const none = await qdh('watermark', 'identify', join(dir, 'plain.csv')).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((none as { code: number }).code).toBe(2);
    expect((none as { stderr: string }).stderr).toMatch(/no watermark found/);
  });

  it('adds users with the password from the environment, never from arguments', async () => {
    await expect(qdh('user', 'add', '-u', 'clerk', '-r', 'consumer', '-o', 'JNMZJ')).rejects.toThrow(/QDH_PASSWORD/);
    const { stdout } = await run(
      process.execPath,
      ['dist/cli/main.js', 'user', 'add', '-u', 'clerk', '-r', 'consumer', '-o', 'JNMZJ'],
      {
        env: { ...env, QDH_PASSWORD: 'clerk-password-1' },
      },
    );
    expect(stdout).toMatch(/created user clerk \(consumer\) 济南市民政局/);
  });

  it('verifies the ledger and prints a proof a third party can check', async () => {
    const verify = JSON.parse((await qdh('ledger', 'verify')).stdout);
    expect(verify).toMatchObject({ ok: true, problems: [] });
    expect(verify.entriesChecked).toBeGreaterThan(0);
    const proof = JSON.parse((await qdh('ledger', 'prove', '--index', '0')).stdout);
    expect(proof.key.algorithm).toBe('SM2');
    expect(proof.inclusion).toMatchObject({ leafIndex: 0, treeSize: proof.head.treeSize });
    expect(proof.entry.leafHash).toBe(proof.inclusion.leafHash);
  });

  it('sets a resource’s quality rules from a JSON file and reads them back', async () => {
    const file = join(dir, 'rules.json');
    writeFileSync(
      file,
      JSON.stringify([
        { field: 'phone', kind: 'regex', severity: 'warn', pattern: '^1\\d{10}$', description: '手机号 11 位' },
        { field: 'birth_date', kind: 'range', severity: 'reject', min: '1900-01-01' },
      ]),
    );
    const refused = await qdh('quality', 'set-rules', 'JNGAJ-0001', file, '--as', 'consumer').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/ACC_FORBIDDEN/) });
    expect((await qdh('quality', 'set-rules', 'JNGAJ-0001', file, '--as', 'officer')).stdout).toMatch(
      /rules version 1 set by officer/,
    );
    const { stdout } = await qdh('quality', 'rules', 'JNGAJ-0001');
    expect(stdout).toMatch(/^regex\.phone +phone +regex +warn +pattern=\^1\\d\{10\}\$ +手机号 11 位$/m);
    expect(stdout).toMatch(/^range\.birth_date +birth_date +range +reject +min=1900-01-01/m);
    expect(stdout).toMatch(/built in \([1-9]\d*\):/);
    const stale = await qdh('quality', 'set-rules', 'JNGAJ-0001', file, '--as', 'officer', '--base-version', '0').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(stale).toMatchObject({ code: 1, stderr: expect.stringMatching(/QLT_VERSION_CONFLICT/) });
  });

  it('takes a correction reported by the operator to its rejection with a reason', async () => {
    const key = makeCitizenId('370105', '1966-06-06', 17); // loaded by the ingest case above
    const reported = await qdh(
      'correction',
      'report',
      '--as',
      'operator',
      '-r',
      'JNGAJ-0001',
      '--key',
      key,
      '--field',
      'phone',
      '--claimed',
      '13912345678',
      '--proposed',
      '13912345679',
      '--note',
      '电话已更换',
    );
    const id = /^#(\d+) open due \d{4}-\d{2}-\d{2}/m.exec(reported.stdout)![1]!;
    const listed = (await qdh('correction', 'list', '--as', 'officer', '--state', 'open')).stdout;
    expect(listed).toMatch(
      new RegExp(`^#${id} +open +\\S+ +JNGAJ-0001 +phone +\\d+ +13912345678 +13912345679 +operator`, 'm'),
    );
    const notProvider = await qdh('correction', 'reject', id, '--as', 'operator', '--reason', '无误').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(notProvider).toMatchObject({ code: 1, stderr: expect.stringMatching(/ACC_FORBIDDEN/) });
    const rejected = (await qdh('correction', 'reject', id, '--as', 'officer', '--reason', '经核实号码无误')).stdout;
    expect(rejected).toMatch(new RegExp(`^#${id} rejected`, 'm'));
    expect(rejected).toMatch(/reason +经核实号码无误/);
    expect((await qdh('correction', 'indicators')).stdout).toMatch(/^city-wide +1 +0 +1 +0 +0/m);
  });

  it('shows the base databases’ overview and their open conflicts, subjects masked', async () => {
    const overview = (await qdh('base', 'overview', '--as', 'operator')).stdout;
    expect(overview).toMatch(/^person 人口基础库 +[1-9]\d* +[1-9]\d*/m);
    expect(overview).toMatch(/^conflicts: open [1-9]\d*/m);
    const conflicts = (await qdh('base', 'conflicts', '--state', 'open', '--as', 'operator')).stdout;
    expect(conflicts).toMatch(/^#\d+ +open +person +\d{6}\*{8}\d{3}[\dX] +phone 联系电话/m);
    expect(conflicts).toMatch(/^[1-9]\d* of [1-9]\d* conflict\(s\), page 1$/m);
    const refused = await qdh('base', 'conflicts', '--as', 'consumer').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/ACC_FORBIDDEN/) });
  });

  it('suggests how a CSV with unusual headers maps, and saves a mapping', async () => {
    const file = join(dir, 'odd.csv');
    const id = makeCitizenId('370102', '1980-01-02', 33);
    writeFileSync(file, `zjhm,xm,xb,csrq,住址,备注\n${id},孙八,男,1980-01-02,山东省济南市历下区,无\n`);
    const suggested = (await qdh('ingest', 'mapping', 'JNGAJ-0001', '--suggest', file)).stdout;
    expect(suggested).toMatch(/^zjhm +citizen_id +values$/m);
    expect(suggested).toMatch(/^xm +name +element$/m);
    expect(suggested).toMatch(/^csrq +birth_date +element$/m);
    expect(suggested).toMatch(/^备注 +— +—$/m);
    expect(suggested).toMatch(/^missing required: division$/m);
    const set = (
      await qdh('ingest', 'mapping', 'JNGAJ-0001', '--set', 'zjhm=citizen_id', '--set', 'xm=', '--as', 'officer')
    ).stdout;
    expect(set).toMatch(/^zjhm +citizen_id$/m);
    expect(set).toMatch(/^xm +\(skipped\)$/m);
    const again = (await qdh('ingest', 'mapping', 'JNGAJ-0001', '--suggest', file)).stdout;
    expect(again).toMatch(/^zjhm +citizen_id +saved$/m);
    expect(again).toMatch(/^xm +— +saved$/m);
  });
});
