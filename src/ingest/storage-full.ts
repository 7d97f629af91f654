import { HubError, isHubError, msg, render } from '../kernel/index.js';

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

/**
 * What a failed job keeps as its error: the error's text; a full disk in Chinese and English,
 * since the job's one text is read by operators of either language long after the request.
 */
export function jobErrorText(e: unknown): string {
  if (isHubError(e) && e.code === 'ING_STORAGE_FULL' && e.detail) {
    return `${render(e.detail, 'zh-CN')} / ${render(e.detail, 'en')}`;
  }
  return e instanceof Error ? e.message : String(e);
}
