import { createHash } from 'node:crypto';
import { sql, type Kysely } from '../db/index.js';
import { HubError, chinaDate, msg } from '../kernel/index.js';
import type { OpenTables, UseSpan } from './tables.js';

/** How many data API calls a caller may make a minute and a China day. */
export interface Limit {
  perMinute: number;
  perDay: number;
}

/** The portal's limits (docs/open.md, "Developer accounts and API keys"); the hub may set others. */
export interface OpenLimits {
  /** A new API key's limits. */
  key: Limit;
  /** A caller without a key, by its address: lower, so that heavy use takes a key. */
  anonymous: Limit;
  /** Failed developer logins allowed a minute per email address before 429. */
  loginFailuresPerMinute: number;
}

export const DEFAULT_LIMITS: OpenLimits = {
  key: { perMinute: 60, perDay: 10_000 },
  anonymous: { perMinute: 30, perDay: 1_000 },
  loginFailuresPerMinute: 5,
};

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Windows older than this are deleted now and then (idle callers' rows; they restart at 1 anyway). */
const KEEP_MS = 2 * DAY;
/** Every this many admitted calls, a process deletes stale windows. */
const PRUNE_EVERY = 5_000;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A caller without a key is counted by a hash of its address: the table holds no addresses. */
export const addressSubject = (address: string) => `ip:${sha256(address).slice(0, 32)}`;
export const keySubject = (keyId: number) => `key:${keyId}`;

export interface Windows {
  minute: { start: string; end: number };
  day: { start: string; end: number };
}

/**
 * Fixed-window counters of data API calls, one row per caller and span (minute, China day) that
 * a new window restarts in place: one upsert statement per call admits it or not, in the database
 * every hub process shares, and costs the same however many keys or calls there are. A call the
 * minute's limit refuses does not count against the day; a refused call is not counted at all.
 */
export class ApiMeter {
  private admitted = 0;

  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly now: () => Date,
  ) {}

  windows(at = this.now()): Windows {
    const t = at.getTime();
    const minuteStart = t - (t % MINUTE);
    const day = chinaDate(at);
    const dayStart = Date.parse(`${day}T00:00:00+08:00`);
    return {
      minute: { start: new Date(minuteStart).toISOString(), end: minuteStart + MINUTE },
      day: { start: new Date(dayStart).toISOString(), end: dayStart + DAY },
    };
  }

  /** Counts one call of `subject`, or refuses it with 429 and Retry-After (OPN_RATE_LIMITED, OPN_QUOTA_EXCEEDED). */
  async admit(subject: string, limit: Limit): Promise<void> {
    const w = this.windows();
    const { rows } = await sql<{ rated: boolean; counted: boolean }>`
      with m as (
        insert into open.api_use as u (subject, span, window_start, count)
        values (${subject}, 'minute', cast(${w.minute.start} as timestamptz), 1)
        on conflict (subject, span) do update
          set count = case when u.window_start = excluded.window_start then u.count + 1 else 1 end,
              window_start = excluded.window_start
          where u.window_start <> excluded.window_start or u.count < ${limit.perMinute}
        returning 1
      ), d as (
        insert into open.api_use as u (subject, span, window_start, count)
        select ${subject}, 'day', cast(${w.day.start} as timestamptz), 1 where exists (select from m)
        on conflict (subject, span) do update
          set count = case when u.window_start = excluded.window_start then u.count + 1 else 1 end,
              window_start = excluded.window_start
          where u.window_start <> excluded.window_start or u.count < ${limit.perDay}
        returning 1
      )
      select exists (select from m) as rated, exists (select from d) as counted`.execute(this.db);
    const t = this.now().getTime();
    const retry = (end: number) => ({ headers: { 'retry-after': String(Math.max(1, Math.ceil((end - t) / 1000))) } });
    if (!rows[0]!.rated) {
      throw new HubError('OPN_RATE_LIMITED', msg('open.rateLimited', { n: limit.perMinute }), retry(w.minute.end));
    }
    if (!rows[0]!.counted) {
      // Refused, so not counted at all: the minute this call was counted in gives it back.
      await sql`update open.api_use set count = count - 1
        where subject = ${subject} and span = 'minute' and window_start = cast(${w.minute.start} as timestamptz)
          and count > 0`.execute(this.db);
      throw new HubError('OPN_QUOTA_EXCEEDED', msg('open.quotaUsed', { n: limit.perDay }), retry(w.day.end));
    }
    if (++this.admitted % PRUNE_EVERY === 0) await this.prune();
  }

  /** Counts one event (a failed login) without refusing; true when the minute's count is past `max`. */
  async over(subject: string, max: number): Promise<boolean> {
    return (await this.used([subject]).then((m) => m.get(subject)?.minute ?? 0)) >= max;
  }

  /** Adds one to the minute window of `subject` (failed logins), refusing nothing. */
  async add(subject: string): Promise<void> {
    const w = this.windows();
    await sql`
      insert into open.api_use as u (subject, span, window_start, count)
      values (${subject}, 'minute', cast(${w.minute.start} as timestamptz), 1)
      on conflict (subject, span) do update
        set count = case when u.window_start = excluded.window_start then u.count + 1 else 1 end,
            window_start = excluded.window_start`.execute(this.db);
  }

  /** The calls counted in the current minute and China day of each subject. */
  async used(subjects: string[]): Promise<Map<string, Record<UseSpan, number>>> {
    const out = new Map<string, Record<UseSpan, number>>(subjects.map((s) => [s, { minute: 0, day: 0 }]));
    if (subjects.length === 0) return out;
    const w = this.windows();
    const rows = await this.db
      .selectFrom('open.api_use')
      .select(['subject', 'span', 'window_start', 'count'])
      .where('subject', 'in', subjects)
      .execute();
    for (const r of rows) {
      if (new Date(r.window_start).toISOString() === w[r.span].start) out.get(r.subject)![r.span] = r.count;
    }
    return out;
  }

  async prune(): Promise<void> {
    const before = new Date(this.now().getTime() - KEEP_MS);
    await this.db.deleteFrom('open.api_use').where('window_start', '<', before).execute();
  }
}
