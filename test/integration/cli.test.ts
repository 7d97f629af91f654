import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCitizenId } from '../../src/kernel/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'qdh-cli-'));
const env = {
  ...process.env,
  QDH_DATA_DIR: join(dir, 'data'),
  QDH_DEMO_PASSWORD: 'cli-test-password',
  DATABASE_URL: '',
};
const qdh = (...args: string[]) => run('npx', ['tsx', 'src/cli/main.ts', ...args], { env, timeout: 120_000 });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qdh command line on an embedded database', () => {
  it('seeds the demo city once and never over existing data', async () => {
    const first = await qdh('demo', '--people', '30');
    expect(first.stdout).toMatch(/demo city seeded/);
    const second = await qdh('demo', '--people', '30');
    expect(second.stdout).toMatch(/already holds data: nothing seeded/);
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
    expect(stdout).toMatch(/row 3 citizen_id: check digit/);
  });

  it('adds users with the password from the environment, never from arguments', async () => {
    await expect(qdh('user', 'add', '-u', 'clerk', '-r', 'consumer', '-o', 'JNMZJ')).rejects.toThrow(/QDH_PASSWORD/);
    const { stdout } = await run(
      'npx',
      ['tsx', 'src/cli/main.ts', 'user', 'add', '-u', 'clerk', '-r', 'consumer', '-o', 'JNMZJ'],
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
