import { authorize, type Actor } from '../access/index.js';
import type { Alert, UsagePoint } from './monitoring.js';
import type { ShareService } from './service.js';
import { ANOMALY } from './usage.js';
import { decodeCsvBytes, readCsvTable } from './watermark.js';

type SeriesQuery = Parameters<ShareService['monitoring']['series']>[0];

/**
 * The monitoring of data services as callers reach it: usage, alerts and the tracing of a leaked
 * export, each asking the access policy first. Usage not yet written is flushed before a read.
 */
export class AuthorizedMonitoring {
  constructor(private readonly share: ShareService) {}

  async usage(actor: Actor | null, q: SeriesQuery): Promise<{ thresholds: typeof ANOMALY; points: UsagePoint[] }> {
    authorize(actor, 'monitoring:read');
    await this.share.usage.flush();
    return { thresholds: ANOMALY, points: await this.share.monitoring.series(q) };
  }

  async alerts(actor: Actor | null, open: boolean): Promise<Alert[]> {
    authorize(actor, 'monitoring:read');
    await this.share.usage.flush();
    return this.share.monitoring.alerts(open ? { open: true } : {});
  }

  async acknowledge(actor: Actor | null, id: number): Promise<void> {
    authorize(actor, 'alerts:acknowledge');
    await this.share.monitoring.acknowledge(id, actor.username);
  }

  /**
   * The export a leaked CSV file came from, by its watermark. `upload` is read only once the
   * caller may: a refused caller's file is never taken in.
   */
  async identify(actor: Actor | null, upload: () => Promise<Uint8Array>) {
    authorize(actor, 'monitoring:read');
    return this.share.identifyExport(readCsvTable(decodeCsvBytes(await upload())));
  }
}
