import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError, msg } from '../kernel/index.js';
import { HOLD_FILE } from './hold.js';

/**
 * A PGlite data directory as backup and restore see it. The hub's own lock (src/db/connect.ts)
 * is `qdh.lock` holding the owner's pid: while a live process other than this one holds it, a hub
 * is running on the directory and neither a dump nor a load may touch it.
 */
const LOCK_FILE = 'qdh.lock';

export function refuseIfInUse(dataDir: string): void {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return;
  const owner = Number(readFileSync(file, 'utf8'));
  if (owner && owner !== process.pid && isAlive(owner))
    throw new HubError('OPS_BAD_TARGET', msg('ops.dataDirInUse', { dir: dataDir, pid: owner }));
}

/** Takes the directory for this process, the way the hub does: a hub started meanwhile refuses. */
export function lockDataDir(dataDir: string): () => void {
  refuseIfInUse(dataDir);
  return takeLock(dataDir);
}

/** Writes this process's pid into the lock, whatever it held (a restored tarball carries its source's). */
export function takeLock(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  writeFileSync(file, String(process.pid));
  return () => {
    if (existsSync(file) && Number(readFileSync(file, 'utf8')) === process.pid) rmSync(file, { force: true });
  };
}

/** Whether the directory holds a database (anything beyond the lock and the restore record). */
export function holdsData(dataDir: string): boolean {
  if (!existsSync(dataDir)) return false;
  return readdirSync(dataDir).some((name) => name !== LOCK_FILE && name !== HOLD_FILE && !name.endsWith('.tmp'));
}

export const hasDatabase = (dataDir: string) => existsSync(join(dataDir, 'PG_VERSION'));

/** Empties the directory for a forced restore, keeping this process's lock. */
export function emptyDataDir(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name !== LOCK_FILE) rmSync(join(dataDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
