import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { HubError, msg } from '../kernel/index.js';

const run = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore';

export interface FoundTool {
  path: string;
  major: number;
  /** `pg_dump (PostgreSQL) 15.20 …`, for the manifest. */
  version: string;
}

/**
 * Where PostgreSQL's client tools may be: QDH_PG_BIN, then Debian's versioned directories,
 * newest first (a newer pg_dump reads older servers; an older one refuses newer ones), then PATH.
 */
function candidates(tool: PgTool): string[] {
  const dirs: string[] = [];
  if (process.env.QDH_PG_BIN) dirs.push(process.env.QDH_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v));
    dirs.push(...versions.sort((a, b) => Number(b) - Number(a)).map((v) => join(debian, v, 'bin')));
  }
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  return [...new Set(dirs.map((d) => join(d, tool)))];
}

/**
 * The first `tool` whose major version is at least `needed` (the server's, or the dump's), with a
 * clear error when there is none or every one found is older.
 */
export async function findTool(tool: PgTool, needed: number): Promise<FoundTool> {
  const tried = candidates(tool);
  let older: FoundTool | undefined;
  for (const path of tried.filter((p) => existsSync(p))) {
    const found = await versionOf(path);
    if (!found) continue;
    if (found.major >= needed) return found;
    older ??= found;
  }
  if (older)
    throw new HubError('OPS_TOOLS', msg('ops.toolTooOld', { tool, found: older.major, needed, path: older.path }));
  throw new HubError('OPS_TOOLS', msg('ops.toolMissing', { tool, tried: tried.map((p) => p.replace(/\/[^/]+$/, '')) }));
}

async function versionOf(path: string): Promise<FoundTool | undefined> {
  try {
    const { stdout } = await run(path, ['--version']);
    const m = /\(PostgreSQL\) (\d+)/.exec(stdout);
    return m ? { path, major: Number(m[1]), version: stdout.trim() } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The connection of a `postgres://` URL as the tools take it: the URL without its password on the
 * command line (where `ps` shows it) and the password in PGPASSWORD.
 */
export function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env };
}

/** The major version of a server_version_num (150020 → 15). */
export const majorOf = (versionNum: number) => Math.floor(versionNum / 10_000);
