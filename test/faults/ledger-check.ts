/** What the fault cases check the ledger with: the shipped verifier, and the entries as stored. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { query } from './harness.js';

const exec = promisify(execFile);

/**
 * `qdh ledger verify` against the database, as an operator would run it: its exit code, output and
 * report (the pretty-printed JSON it prints; log lines may come before it).
 */
export async function verifyLedger(
  databaseUrl: string,
): Promise<{ code: number; output: string; report?: { ok: boolean; problems: unknown[] } }> {
  const run = await runVerify(databaseUrl);
  const json = /^\{\n\s+"ok"[\s\S]*?\n\}$/m.exec(run.output)?.[0];
  return { ...run, ...(json ? { report: JSON.parse(json) as { ok: boolean; problems: unknown[] } } : {}) };
}

async function runVerify(databaseUrl: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'ledger', 'verify'],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const failed = e as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

export interface StoredEntry {
  idx: number;
  entry: Record<string, unknown> & { kind: string };
}

/** The entries from index `from` on, parsed. */
export async function entriesFrom(databaseUrl: string, from: number): Promise<StoredEntry[]> {
  const rows = await query<{ idx: string; entry: string }>(
    databaseUrl,
    'select idx, entry from ledger.entry where idx >= $1 order by idx',
    [from],
  );
  return rows.map((r) => ({ idx: Number(r.idx), entry: JSON.parse(r.entry) as StoredEntry['entry'] }));
}

export async function treeSize(databaseUrl: string): Promise<number> {
  const rows = await query<{ n: string }>(databaseUrl, 'select tree_size as n from ledger.state where id = 1');
  return Number(rows[0]!.n);
}

/** Entry texts stored more than once: none may be (each read has its own time, actor and subject). */
export async function duplicateEntries(databaseUrl: string): Promise<number> {
  const rows = await query<{ n: string }>(
    databaseUrl,
    'select count(*) as n from (select leaf_hash from ledger.entry group by leaf_hash having count(*) > 1) d',
  );
  return Number(rows[0]!.n);
}
