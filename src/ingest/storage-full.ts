import { HubError, msg } from '../kernel/index.js';

/**
 * A load that PostgreSQL could not store for want of space: SQLSTATE 53100 (disk_full, ENOSPC),
 * or a file it could not extend (EFBIG under a file-size limit, which it reports with the same
 * "Check free disk space" hint). The load's one transaction rolled back, so the resource keeps its
 * previous data; the job says so in words, not in the database's.
 */
export function storageFull(error: unknown): HubError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, hint } = e as { code?: unknown; hint?: unknown };
    const full =
      code === '53100' ||
      (typeof hint === 'string' && hint.includes('free disk space')) ||
      /No space left on device|File too large/.test(e.message);
    if (full) return new HubError('ING_STORAGE_FULL', msg('ingest.storageFull'), { cause: error });
  }
  return undefined;
}
