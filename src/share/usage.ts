import { json, sql, type Database, type Kysely } from '../db/index.js';
import { HubError, chinaDate, lockForTransaction, msg } from '../kernel/index.js';
import type { ActiveGrant } from './grants.js';
import type { ShareTables } from './tables.js';

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
/** The most quota units one process leases in one statement (see `fromLease`). */
const LEASE_MAX = 1000;
const HOUR = 60 * MINUTE;

/**
 * Calls, rows, errors and latency per service, consumer and minute, counted in memory on the
 * hot path and added to share.usage a second after the first call since the last flush (so a
 * call costs no extra round trip for them, and an idle hub runs no timer); the same flush looks
 * for anomalies. Each process adds only its own calls, so N processes neither lose nor
 * double-count them.
 *
 * Quotas and rates: on PostgreSQL (any number of hub processes) the database is the one
 * counter — one atomic upsert per call admits it or not, never beyond the quota across processes;
 * a quota without a rate is leased from it a share at a time (docs/share.md, "Quotas across
 * processes"). On PGlite, one process's database, they are counted in memory.
 */
export class Usage {
  private readonly db: Kysely<ShareTables>;
  private readonly shared: boolean;
  private pending = new Map<string, Tally>();
  private readonly today = new Map<string, { day: string; calls: number }>();
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  /** Quota units this process has taken from the shared counter and not used yet, per service and consumer. */
  private readonly leases = new Map<string, { day: string; quota: number; left: number }>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    database: Database,
    private readonly now: () => Date = () => new Date(),
    private readonly flushDelayMs = 1000,
  ) {
    this.db = database.kysely.withTables<ShareTables>();
    this.shared = database.kind === 'postgres';
  }

  start(): void {
    this.started = true;
    if (this.pending.size > 0) this.schedule();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** One flush a second after the first call counted since the last one; none while idle. */
  private schedule(): void {
    if (!this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => {});
    }, this.flushDelayMs);
    this.timer.unref();
  }

  /** Refuses a call over the grant's daily quota or rate with 429 and Retry-After. */
  async admit(grant: ActiveGrant, service: string, consumer: string): Promise<void> {
    if (grant.ratePerSecond === null && grant.dailyQuota === null) return;
    if (this.shared) return this.admitShared(grant, service, consumer);
    if (grant.ratePerSecond !== null) this.takeToken(grant.id, grant.ratePerSecond);
    if (grant.dailyQuota === null) return;
    // The day's count starts from what was written, then counts this process's calls.
    const key = `${service}|${consumer}`;
    const day = chinaDate(this.now());
    let count = this.today.get(key);
    if (!count || count.day !== day) {
      count = { day, calls: await this.callsToday(service, consumer) };
      this.today.set(key, count);
    }
    if (count.calls >= grant.dailyQuota) throw this.quotaUsed(grant.dailyQuota);
    count.calls++;
  }

  /**
   * One statement admits the call or not, in the database every process shares. The rate is a
   * token bucket kept as its theoretical arrival time (GCRA): a call is admitted while the
   * grant's `tat` is at most burst−1 intervals ahead of now, and moves it one interval on. The
   * quota is a counter per service, consumer and China day that moves on only below the quota.
   * A call the rate refuses does not count against the quota.
   */
  private async admitShared(grant: ActiveGrant, service: string, consumer: string): Promise<void> {
    if (grant.ratePerSecond === null && grant.dailyQuota !== null) {
      if (await this.fromLease(grant.dailyQuota, service, consumer)) return;
    }
    const t = this.now().getTime();
    const rate = grant.ratePerSecond;
    const quota = grant.dailyQuota;
    const interval = rate === null ? 0 : 1000 / rate;
    const day = chinaDate(this.now());
    const dayStart = new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
    const rateStep =
      rate === null
        ? sql`select 1`
        : sql`insert into share.rate_use as r (grant_id, tat_ms) values (${grant.id}, cast(${t + interval} as float8))
            on conflict (grant_id) do update set tat_ms = greatest(r.tat_ms, excluded.tat_ms - ${interval}) + ${interval}
            where greatest(r.tat_ms, cast(${t} as float8)) - ${t} <= ${(rate - 1) * interval}
            returning 1`;
    const quotaStep =
      quota === null
        ? sql`select 1 where exists (select from rate)`
        : sql`insert into share.quota_use as q (service_code, consumer_org, day, calls)
            select ${service}, ${consumer}, cast(${day} as date), n.calls from (select
              -- A first call of the day, or the first after a crash emptied the counters (unlogged):
              -- the durable minute tallies say how many calls the day has had. Read only then.
              case when exists (select from share.quota_use where service_code = ${service}
                                  and consumer_org = ${consumer} and day = cast(${day} as date)) then 1
                   else 1 + (select coalesce(sum(calls), 0)::int from share.usage where service_code = ${service}
                               and consumer_org = ${consumer} and minute >= cast(${dayStart} as timestamptz)) end
              as calls) n
            where n.calls <= ${quota} and exists (select from rate)
            on conflict (service_code, consumer_org, day) do update set calls = q.calls + 1 where q.calls < ${quota}
            returning 1`;
    const { rows } = await sql<{ rated: boolean; counted: boolean }>`
      with rate as (${rateStep}), quota as (${quotaStep})
      select exists (select from rate) as rated, exists (select from quota) as counted`.execute(this.db);
    const outcome = rows[0]!;
    if (!outcome.rated) throw await this.rateExceeded(grant.id, rate!, interval, t);
    if (!outcome.counted) throw this.quotaUsed(quota!);
  }

  /**
   * A quota without a rate is admitted from units this process leased from the shared counter:
   * one statement takes up to an eighth of what is left of the day's quota (at most LEASE_MAX,
   * at least 1), and the calls that follow spend them without a round trip. Nothing is ever
   * admitted beyond the quota, since units are counted when leased; what a process leased and
   * did not use by midnight is lost, and near the end of a quota (fewer than 16 left) a lease is
   * a single unit, so the count stays exact where it is tight. False when there is no lease to
   * take (the day's first call, a counter emptied by a crash, or the quota used up): the
   * per-call statement then decides, and says why.
   */
  private async fromLease(quota: number, service: string, consumer: string): Promise<boolean> {
    const key = `${service}|${consumer}`;
    const day = chinaDate(this.now());
    const lease = this.leases.get(key);
    if (lease && lease.day === day && lease.quota === quota && lease.left > 0) {
      lease.left--;
      return true;
    }
    const { rows } = await sql<{ taken: number }>`
      update share.quota_use q set calls = q.calls + t.n
      from (select least(${LEASE_MAX}, greatest(1, (${quota} - calls) / 8))::int as n from share.quota_use
            where service_code = ${service} and consumer_org = ${consumer} and day = cast(${day} as date)
              and calls < ${quota}
            for update) t
      where q.service_code = ${service} and q.consumer_org = ${consumer} and q.day = cast(${day} as date)
      returning t.n as taken`.execute(this.db);
    const taken = rows[0]?.taken ?? 0;
    if (taken === 0) return false;
    // Concurrent calls of this process may each have leased: their units add up, none is dropped.
    const now = this.leases.get(key);
    if (now && now.day === day && now.quota === quota) now.left += taken - 1;
    else this.leases.set(key, { day, quota, left: taken - 1 });
    return true;
  }

  /** Retry-After from the grant's arrival time: when the bucket holds one token again. */
  private async rateExceeded(grantId: number, rate: number, interval: number, t: number): Promise<HubError> {
    const row = await this.db
      .selectFrom('share.rate_use')
      .select('tat_ms')
      .where('grant_id', '=', grantId)
      .executeTakeFirst();
    const wait = Math.max(0, (row?.tat_ms ?? t) - t - (rate - 1) * interval);
    return this.rateError(rate, Math.max(1, Math.ceil(wait / 1000)));
  }

  private rateError(rate: number, retryAfter: number): HubError {
    return new HubError('SHR_RATE_LIMITED', msg('share.rateExceeded', { rate }), {
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  private quotaUsed(quota: number): HubError {
    const day = chinaDate(this.now());
    const midnight = Date.parse(`${day}T00:00:00+08:00`) + 24 * HOUR;
    const retryAfter = Math.max(1, Math.ceil((midnight - this.now().getTime()) / 1000));
    return new HubError('SHR_QUOTA_EXCEEDED', msg('share.quotaUsed', { quota }), {
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  /** A token bucket per grant: `rate` calls a second, bursts up to `rate` (one process's, on PGlite). */
  private takeToken(grantId: number, rate: number): void {
    const t = this.now().getTime();
    const b = this.buckets.get(grantId) ?? { tokens: rate, at: t };
    b.tokens = Math.min(rate, b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    this.buckets.set(grantId, b);
    if (b.tokens < 1) throw this.rateError(rate, Math.max(1, Math.ceil((1 - b.tokens) / rate)));
    b.tokens -= 1;
  }

  private async callsToday(service: string, consumer: string): Promise<number> {
    const since = new Date(Date.parse(`${chinaDate(this.now())}T00:00:00+08:00`));
    const row = await this.db
      .selectFrom('share.usage')
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
    this.schedule();
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
      this.schedule();
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
      insert into share.usage as u (minute, service_code, consumer_org, calls, rows, errors, latency_ms_sum, latency_ms_max)
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
          .selectFrom('share.usage')
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

  /**
   * Every process that flushed calls of a pair looks at it: the lock makes one of them write
   * the alert and the others find it written.
   */
  private async alert(kind: string, service: string, consumer: string, detail: Record<string, unknown>): Promise<void> {
    const since = new Date(this.now().getTime() - HOUR);
    await this.db.transaction().execute(async (trx) => {
      await lockForTransaction(trx, `share.alert|${kind}|${service}|${consumer}`);
      const recent = await trx
        .selectFrom('share.alert')
        .select('id')
        .where('kind', '=', kind)
        .where('service_code', '=', service)
        .where('consumer_org', '=', consumer)
        .where('at', '>', since)
        .executeTakeFirst();
      if (recent) return;
      await trx
        .insertInto('share.alert')
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
    });
  }
}

const minuteOf = (d: Date) => Math.floor(d.getTime() / MINUTE) * MINUTE;
