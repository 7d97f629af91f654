/**
 * #15 "disk full during a load: the load fails cleanly with a clear error, the resource keeps its
 * previous data, the hub keeps serving reads".
 *
 * How the disk is made full: the test's own PostgreSQL server runs under `ulimit -f` (RLIMIT_FSIZE,
 * 16 MiB), set in the shell that starts pg_ctl and so inherited by every server process. The
 * postmaster ignores SIGXFSZ, so a write that would make any file larger than that fails with
 * EFBIG ("File too large") — exactly where a full disk fails with ENOSPC: md.c's "could not extend
 * file …" with the hint "Check free disk space.", an ERROR that rolls the load's transaction back
 * while the server stays up. WAL is made of 1 MiB segments (initdb --wal-segsize=1) so that it
 * never reaches the limit: as with data files on a volume of their own, only the relation being
 * loaded runs out of room. Why not a real full filesystem: a tmpfs or loop mount needs root and a
 * machine that allows mounting (CI containers often do not), and a full volume holding WAL too
 * makes PostgreSQL PANIC rather than fail one load; the file-size limit needs neither and fails in
 * the same place with the same hint.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { people } from '../../src/demo/people.js';
import {
  SETUP_MS,
  api,
  login,
  query,
  restoreSeededCity,
  SEEDED_PEOPLE,
  startHubProcess,
  startOwnPostgres,
  type HubProcess,
  type OwnPostgres,
} from './harness.js';
import { verifyLedger } from './ledger-check.js';
import { call, RESOURCE, residentKeys, serviceCaller } from './load.js';

const LIMIT_KB = 16 * 1024;
/** Rows whose records take well over 16 MiB in one relation. */
const ROWS = 120_000;
const COLUMNS = ['citizen_id', 'name', 'gender', 'birth_date', 'division', 'address', 'phone'] as const;

const dir = mkdtempSync(join(tmpdir(), 'qdh-fault-full-'));
let server: OwnPostgres | undefined;
let hub: HubProcess | undefined;
let url = '';

beforeAll(async () => {
  server = await startOwnPostgres({ fileSizeLimitKb: LIMIT_KB });
  if (!server) return;
  url = await restoreSeededCity(server, 'qdh');
  hub = await startHubProcess(url);
}, SETUP_MS);

afterAll(async () => {
  await hub?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('disk full during a load', () => {
  it('fails the load with a clear error in both languages, keeps the data, and goes on serving reads', async (ctx) => {
    if (!server || !hub) return ctx.skip('PostgreSQL is not installed (initdb, pg_ctl)');
    const apiKey = await serviceCaller(hub.url);
    const digest = async () =>
      (
        await query<{ n: string; d: string }>(
          url,
          `select count(*) as n, md5(coalesce(string_agg(r.key || r.doc::text, ',' order by r.key), '')) as d
             from records.record r join catalog.resource c on c.id = r.resource_id where c.code = $1`,
          [RESOURCE],
        )
      )[0]!;
    const before = await digest();
    expect(Number(before.n)).toBe(SEEDED_PEOPLE);

    const file = join(dir, 'people.csv');
    const rows = Array.from(people(ROWS, 88), (p) => COLUMNS.map((c) => p[c]).join(','));
    writeFileSync(file, [COLUMNS.join(','), ...rows].join('\n') + '\n');
    const form = new FormData();
    form.append('resource', RESOURCE);
    form.append('file', new Blob([readFileSync(file)]), 'people.csv');
    const officer = await login(hub.url, 'officer');
    const res = await fetch(`${hub.url}/api/v1/ingest/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officer}`, 'accept-language': 'en' },
      body: form,
    });
    const problem = (await res.json()) as { code: string; detail: string };
    expect(server.log()).toMatch(/could not extend file .*File too large/);
    expect(res.status, JSON.stringify(problem)).toBe(507);
    expect(problem).toMatchObject({
      code: 'ING_STORAGE_FULL',
      detail: expect.stringMatching(/ran out of storage space: nothing of this load went in/),
    });

    // The job says so in Chinese and in English, and the resource has exactly what it had.
    const [job] = await query<{ state: string; error: string }>(
      url,
      `select state, error from ingest.job where resource_code = $1 and source = 'upload:people.csv'`,
      [RESOURCE],
    );
    expect(job!.state).toBe('failed');
    expect(job!.error).toMatch(
      /^数据库存储空间已满：本次载入未写入任何数据.* \/ the database ran out of storage space/,
    );
    expect(await digest()).toEqual(before);

    // Reads go on: a data-service call, the catalog, the job list.
    for (const key of residentKeys(SEEDED_PEOPLE).slice(0, 5))
      expect((await call(hub.url, apiKey, key)).status).toBe(200);
    const catalog = await api(hub.url, officer, '/api/v1/catalog/resources?q=人口');
    expect(catalog.status).toBe(200);
    const jobs = await api(hub.url, officer, `/api/v1/ingest/jobs?resource=${RESOURCE}&state=failed`);
    expect(jobs.status).toBe(200);
    const verified = await verifyLedger(url);
    expect(verified.code, verified.output).toBe(0);
  }, 240_000);
});
