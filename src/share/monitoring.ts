import { sql, type Database, type Kysely } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { ShareTables } from './tables.js';

export interface UsagePoint {
  at: string;
  service: string;
  consumer: string;
  calls: number;
  rows: number;
  errors: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
}

export interface Alert {
  id: number;
  kind: string;
  consumer: string;
  service: string | null;
  detail: unknown;
  at: string;
  acknowledgedBy: string | null;
}

/** What auditors and operators read of the calls: series per service and consumer, and the alerts. */
export class Monitoring {
  private readonly db: Kysely<ShareTables>;

  constructor(database: Database) {
    this.db = database.kysely.withTables<ShareTables>();
  }

  /** Calls, rows, errors and latency by hour (or minute) over a window, optionally for one service or consumer. */
  async series(q: {
    from: Date;
    to: Date;
    bucket: 'minute' | 'hour';
    service?: string;
    consumer?: string;
  }): Promise<UsagePoint[]> {
    let query = this.db
      .selectFrom('share.usage')
      .select([
        sql<Date>`date_trunc(${q.bucket}, minute)`.as('at'),
        'service_code',
        'consumer_org',
        sql<number>`sum(calls)::int`.as('calls'),
        sql<number>`sum(rows)::int`.as('rows'),
        sql<number>`sum(errors)::int`.as('errors'),
        sql<number>`(sum(latency_ms_sum) / greatest(sum(calls), 1))::float8`.as('avg'),
        sql<number>`max(latency_ms_max)::float8`.as('max'),
      ])
      .where('minute', '>=', q.from)
      .where('minute', '<', q.to);
    if (q.service) query = query.where('service_code', '=', q.service);
    if (q.consumer) query = query.where('consumer_org', '=', q.consumer);
    const rows = await query.groupBy(['at', 'service_code', 'consumer_org']).orderBy('at').limit(5000).execute();
    return rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      service: r.service_code,
      consumer: r.consumer_org,
      calls: r.calls,
      rows: r.rows,
      errors: r.errors,
      avgLatencyMs: Math.round(r.avg * 100) / 100,
      maxLatencyMs: Math.round(r.max * 100) / 100,
    }));
  }

  async alerts(q: { open?: boolean; limit?: number } = {}): Promise<Alert[]> {
    let query = this.db
      .selectFrom('share.alert')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit ?? 200);
    if (q.open) query = query.where('acknowledged_at', 'is', null);
    return (await query.execute()).map((a) => ({
      id: a.id,
      kind: a.kind,
      consumer: a.consumer_org,
      service: a.service_code,
      detail: a.detail,
      at: a.at.toISOString(),
      acknowledgedBy: a.acknowledged_by,
    }));
  }

  async acknowledge(id: number, by: string): Promise<void> {
    const row = await this.db
      .updateTable('share.alert')
      .set({ acknowledged_by: by, acknowledged_at: new Date() })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new HubError('SHR_ALERT_NOT_FOUND', msg('share.noAlert', { id }));
  }
}
