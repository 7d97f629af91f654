import { json, sql, type Database, type Kysely } from '../db/index.js';
import { HubError, chinaDate } from '../kernel/index.js';
import type { ActiveGrant } from './grants.js';
import type { ExchangeTables } from './tables.js';

/** Thresholds of the monitoring (监控); docs/share.md explains them. */
export const ANOMALY = {
  /** Rows in one minute between 00:00 and 06:00 (China) that count as a bulk pull at night. */
  nightRows: 500,
  /** An hour's rows above this many times the consumer's hourly average of the past 7 days… */
  spikeFactor: 10,
  /** …and above this floor, so that a quiet consumer's first real day is not an alarm. */
  spikeFloor: 1000,
} as const;

interface Tally {
  calls: number;
  rows: number;
  errors: number;
  latencySum: number;
  latencyMax: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Calls, rows, errors and latency per service, consumer and minute. Counted in memory on the
 * hot path and added to exchange.usage once a second, so a call costs no extra round trip;
 * the same flush looks for anomalies. Quotas and rates are enforced from these counts.
 */
export class Usage {
  private readonly db: Kysely<ExchangeTables>;
  private pending = new Map<string, Tally>();
  private readonly today = new Map<string, { day: string; calls: number }>();
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = database.kysely.withTables<ExchangeTables>();
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * Refuses a call over the grant's daily quota or rate with 429 and Retry-After. The day's
   * count starts from what every process has written, then counts this process's calls.
   */
  async admit(grant: ActiveGrant, service: string, consumer: string): Promise<void> {
    if (grant.ratePerSecond !== null) this.takeToken(grant.id, grant.ratePerSecond);
    if (grant.dailyQuota === null) return;
    const key = `${service}|${consumer}`;
    const day = chinaDate(this.now());
    let count = this.today.get(key);
    if (!count || count.day !== day) {
      count = { day, calls: await this.callsToday(service, consumer) };
      this.today.set(key, count);
    }
    if (count.calls >= grant.dailyQuota) {
      const midnight = Date.parse(`${day}T00:00:00+08:00`) + 24 * HOUR;
      const retryAfter = Math.max(1, Math.ceil((midnight - this.now().getTime()) / 1000));
      throw new HubError('SHR_QUOTA_EXCEEDED', `daily quota of ${grant.dailyQuota} calls used up`, {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    count.calls++;
  }

  /** A token bucket per grant: `rate` calls a second, bursts up to `rate`. */
  private takeToken(grantId: number, rate: number): void {
    const t = this.now().getTime();
    const b = this.buckets.get(grantId) ?? { tokens: rate, at: t };
    b.tokens = Math.min(rate, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    this.buckets.set(grantId, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate));
      throw new HubError('SHR_RATE_LIMITED', `more than ${rate} calls a second`, {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    b.tokens -= 1;
  }

  private async callsToday(service: string, consumer: string): Promise<number> {
    const since = new Date(Date.parse(`${chinaDate(this.now())}T00:00:00+08:00`));
    const row = await this.db
      .selectFrom('exchange.usage')
      .select(sql<number>`coalesce(sum(calls), 0)::int`.as('n'))
      .where('service_code', '=', service)
      .where('consumer_org', '=', consumer)
      .where('minute', '>=', since)
      .executeTakeFirst();
    return (row?.n ?? 0) + (this.pending.get(`${service}|${consumer}|${minuteOf(this.now())}`)?.calls ?? 0);
  }

  record(service: string, consumer: string, call: { rows: number; error: boolean; latencyMs: number }): void {
    this.merge(`${service}|${consumer}|${minuteOf(this.now())}`, {
      calls: 1,
      rows: call.rows,
      errors: call.error ? 1 : 0,
      latencySum: call.latencyMs,
      latencyMax: call.latencyMs,
    });
  }

  /** Adds the counts since the last flush to the database, then looks for anomalies in them. */
  flush(): Promise<void> {
    const next = this.flushing.catch(() => {}).then(() => this.flushNow());
    this.flushing = next;
    return next;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].map(([key, t]) => {
      const [service, consumer, minute] = key.split('|') as [string, string, string];
      return { service, consumer, minute: Number(minute), ...t };
    });
    try {
      await this.write(rows);
    } catch (e) {
      // Kept for the next flush rather than lost: the counts are the quota's and the auditor's.
      for (const [key, t] of batch) this.merge(key, t);
      throw e;
    }
    const pairs = new Map(rows.map((r) => [`${r.service}|${r.consumer}`, r]));
    for (const r of pairs.values()) await this.detect(r.service, r.consumer);
  }

  private merge(key: string, t: Tally): void {
    const into = this.pending.get(key);
    if (!into) return void this.pending.set(key, t);
    into.calls += t.calls;
    into.rows += t.rows;
    into.errors += t.errors;
    into.latencySum += t.latencySum;
    into.latencyMax = Math.max(into.latencyMax, t.latencyMax);
  }

  private async write(rows: Array<Tally & { service: string; consumer: string; minute: number }>): Promise<void> {
    await sql`
      insert into exchange.usage as u (minute, service_code, consumer_org, calls, rows, errors, latency_ms_sum, latency_ms_max)
      select to_timestamp((e->>'minute')::bigint / 1000.0), e->>'service', e->>'consumer', (e->>'calls')::int,
        (e->>'rows')::int, (e->>'errors')::int, (e->>'latencySum')::float8, (e->>'latencyMax')::float8
      from jsonb_array_elements(${json(rows)}) e
      on conflict (service_code, consumer_org, minute) do update set
        calls = u.calls + excluded.calls, rows = u.rows + excluded.rows, errors = u.errors + excluded.errors,
        latency_ms_sum = u.latency_ms_sum + excluded.latency_ms_sum,
        latency_ms_max = greatest(u.latency_ms_max, excluded.latency_ms_max)
    `.execute(this.db);
  }

  /** Night bulk pulls and volume spikes against the consumer's own history; one alert of a kind an hour. */
  private async detect(service: string, consumer: string): Promise<void> {
    const now = this.now();
    const hourInChina = (now.getUTCHours() + 8) % 24;
    const sum = async (from: Date, to: Date) =>
      (
        await this.db
          .selectFrom('exchange.usage')
          .select(sql<number>`coalesce(sum(rows), 0)::int`.as('n'))
          .where('service_code', '=', service)
          .where('consumer_org', '=', consumer)
          .where('minute', '>=', from)
          .where('minute', '<', to)
          .executeTakeFirst()
      )?.n ?? 0;
    const minute = new Date(minuteOf(now));
    if (hourInChina < 6) {
      const rows = await sum(minute, new Date(minute.getTime() + MINUTE));
      if (rows >= ANOMALY.nightRows) await this.alert('night-bulk', service, consumer, { rows, minute });
    }
    const lastHour = await sum(new Date(now.getTime() - HOUR), new Date(now.getTime() + MINUTE));
    if (lastHour < ANOMALY.spikeFloor) return;
    const weekStart = new Date(now.getTime() - 7 * 24 * HOUR);
    const hourlyAverage = (await sum(weekStart, new Date(now.getTime() - HOUR))) / (7 * 24 - 1);
    if (lastHour > ANOMALY.spikeFactor * hourlyAverage) {
      await this.alert('volume-spike', service, consumer, { lastHour, hourlyAverage: Math.round(hourlyAverage) });
    }
  }

  private async alert(kind: string, service: string, consumer: string, detail: Record<string, unknown>): Promise<void> {
    const since = new Date(this.now().getTime() - HOUR);
    const recent = await this.db
      .selectFrom('exchange.alert')
      .select('id')
      .where('kind', '=', kind)
      .where('service_code', '=', service)
      .where('consumer_org', '=', consumer)
      .where('at', '>', since)
      .executeTakeFirst();
    if (recent) return;
    await this.db
      .insertInto('exchange.alert')
      .values({
        kind,
        service_code: service,
        consumer_org: consumer,
        detail: json(detail),
        at: this.now(),
        acknowledged_by: null,
        acknowledged_at: null,
      })
      .execute();
  }
}

const minuteOf = (d: Date) => Math.floor(d.getTime() / MINUTE) * MINUTE;
