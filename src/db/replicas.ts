import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { connectionLost } from './retry.js';

/**
 * Reads that may be a moment stale, spread over PostgreSQL streaming replicas (docs/replicas.md).
 *
 * A replica is used only while its data is known to be at most `maxLagMs` old: a check compares
 * its replayed WAL position with the primary's flushed one (caught up: its data is as of the
 * check's start), else takes the age of its last replayed commit; the replica is then usable until
 * that moment plus `maxLagMs`, so a replica that stalls between checks expires by itself. Checks
 * run every fifth of the bound while reads arrive and stop when the hub is idle. Connections are
 * taken from the usable replicas in turn; with none usable, from the primary's own pool. A read
 * whose replica goes away under it (or that a recovery conflict cancels) runs again on the primary.
 */
export interface ReplicaOptions {
  /** Connections per replica. */
  poolSize: number;
  /** The staleness bound (QDH_REPLICA_MAX_LAG_MS). */
  maxLagMs: number;
  /** Told when a replica starts or stops being used, and why (for the logs). */
  onChange?: (change: { replica: string; usable: boolean; reason: string }) => void;
}

export interface Replicas {
  readonly kysely: Kysely<object>;
  /** `host:port/db` of each replica, for /healthz and the logs (never a password). */
  readonly names: readonly string[];
  /** Which replicas reads may use now (tests, health). */
  usable(): string[];
  /** Runs a check now (also at open); resolves when it is done. */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** Opening a connection to a replica that does not answer: then the next one, or the primary. */
const CONNECT_TIMEOUT_MS = 2000;
/** Checks never run more often than this, whatever the bound. */
const MIN_CHECK_MS = 100;

export async function openReplicas(
  primary: { pool: pg.Pool; url: string },
  urls: readonly string[],
  opts: ReplicaOptions,
): Promise<Replicas> {
  const checkEveryMs = Math.max(MIN_CHECK_MS, Math.floor(opts.maxLagMs / 5));
  const probeTimeoutMs = Math.max(checkEveryMs, 1000);
  const replicas = urls.map((url) => new Replica(url, opts, probeTimeoutMs));
  const primaryProbe = new Probe(primary.url, probeTimeoutMs);
  let checking: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wanted = false;
  let closed = false;
  let ended: Promise<void> | undefined;

  const check = (): Promise<void> =>
    (checking ??= (async () => {
      const started = Date.now();
      const flushed = await primaryProbe
        .query<{ lsn: string }>('select pg_current_wal_flush_lsn()::text as lsn')
        .then((rows) => parseLsn(rows[0]!.lsn))
        .catch(() => undefined);
      await Promise.all(replicas.map((r) => r.check(flushed, started)));
    })().finally(() => (checking = undefined)));

  // Checks go on while reads arrive and stop after an interval without any: an idle hub asks nothing.
  const tick = () => {
    timer = undefined;
    if (closed || !wanted) return;
    wanted = false;
    void check().finally(schedule);
  };
  const schedule = () => {
    if (!closed && !timer) timer = setTimeout(tick, checkEveryMs).unref();
  };
  const demand = () => {
    if (wanted || closed) return;
    wanted = true;
    if (!timer) void check().finally(schedule);
  };

  let next = 0;
  const pool: PostgresPool = {
    options: {},
    connect: async () => {
      demand();
      const now = Date.now();
      for (let i = 0; i < replicas.length; i++) {
        const replica = replicas[(next + i) % replicas.length]!;
        if (!replica.usableAt(now)) continue;
        next = (next + i + 1) % replicas.length;
        const client = await replica.connect();
        if (client) return ReadClient.checkout(client, replica, primary.pool);
      }
      return primary.pool.connect();
    },
    // The primary's pool is the primary's to end.
    end: () =>
      (ended ??= (async () => {
        closed = true;
        clearTimeout(timer);
        await checking;
        await Promise.all([primaryProbe.close(), ...replicas.map((r) => r.close())]);
      })()),
  };
  const kysely = new Kysely<object>({ dialect: new PostgresDialect({ pool }) });
  await check();
  return {
    kysely,
    names: replicas.map((r) => r.name),
    usable: () => replicas.filter((r) => r.usableAt(Date.now())).map((r) => r.name),
    check,
    // Kysely ends the pool only if it ever used it; the checks' connections are open either way.
    close: async () => {
      await kysely.destroy();
      await pool.end();
    },
  };
}

/** One replica: its pool, its probe, and until when its data is fresh enough. */
class Replica {
  readonly name: string;
  readonly pool: pg.Pool;
  private readonly probe: Probe;
  /** Reads may use the replica until this time (ms); 0: not known to be fresh. */
  private freshUntil = 0;
  private reported: boolean | undefined;

  constructor(
    url: string,
    private readonly opts: ReplicaOptions,
    probeTimeoutMs: number,
  ) {
    const u = new URL(url);
    this.name = `${u.hostname}:${u.port || 5432}${u.pathname}`;
    this.pool = new pg.Pool({ connectionString: url, max: opts.poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A replica restarting closes idle connections: the pool drops them; without a listener the process would end.
    this.pool.on('error', () => {});
    this.probe = new Probe(url, probeTimeoutMs);
  }

  usableAt(now: number): boolean {
    return this.freshUntil > now;
  }

  /**
   * A connection of this replica's pool, or undefined when none could be had: a replica that
   * fails to connect is left until a check finds it fresh, but a pool that was merely full (every
   * connection busy for the whole wait) says nothing about the replica, and the read just moves on.
   */
  async connect(): Promise<pg.PoolClient | undefined> {
    const full = this.pool.idleCount === 0 && this.pool.totalCount >= this.opts.poolSize;
    return this.pool.connect().catch((e: unknown) => (full ? undefined : this.lost(e)));
  }

  /**
   * `flushed`: the primary's flushed WAL position read at `started` (undefined when the primary
   * did not answer). Caught up with it, the replica holds everything committed before `started`;
   * behind it, everything up to its last replayed commit.
   */
  async check(flushed: bigint | undefined, started: number): Promise<void> {
    try {
      const [row] = await this.probe.query<{ standby: boolean; replayed: string | null; behind_ms: number | null }>(
        `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replayed,
           (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 as behind_ms`,
      );
      if (!row!.standby) return this.unusable('not a standby (promoted, or a primary)');
      const replayed = row!.replayed === null ? undefined : parseLsn(row!.replayed);
      let asOf: number;
      if (flushed !== undefined && replayed !== undefined && replayed >= flushed) asOf = started;
      else if (row!.behind_ms !== null) asOf = started - Math.max(0, row!.behind_ms);
      else return this.unusable('has replayed nothing yet');
      this.freshUntil = asOf + this.opts.maxLagMs;
      if (this.freshUntil > Date.now()) this.report(true, 'caught up within the bound');
      else this.report(false, `${Math.round(started - asOf)} ms behind the primary`);
    } catch (e) {
      this.unusable(e instanceof Error ? e.message : String(e));
    }
  }

  /** The replica failed a connection or a read: not used until a check finds it fresh again. */
  lost(e: unknown): undefined {
    this.unusable(e instanceof Error ? e.message : String(e));
    return undefined;
  }

  private unusable(reason: string): void {
    this.freshUntil = 0;
    this.report(false, reason);
  }

  private report(usable: boolean, reason: string): void {
    if (this.reported === usable) return;
    this.reported = usable;
    this.opts.onChange?.({ replica: this.name, usable, reason });
  }

  async close(): Promise<void> {
    await this.probe.close();
    await this.pool.end();
  }
}

/**
 * A connection of a replica's pool as Kysely sees it: a statement that fails because the replica
 * went away, or because replay cancelled it (a recovery conflict, SQLSTATE 40001 on a standby),
 * runs again on a primary connection — unless it was inside a transaction, which cannot move.
 * One per pooled connection, reused at each checkout: Kysely keys its own state by this object.
 */
class ReadClient {
  private inTransaction = false;
  private broken: Error | undefined;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly replica: Replica,
    private readonly primary: pg.Pool,
  ) {}

  private static readonly of = new WeakMap<pg.PoolClient, ReadClient>();

  static checkout(client: pg.PoolClient, replica: Replica, primary: pg.Pool): PostgresPoolClient {
    let read = ReadClient.of.get(client);
    if (!read) ReadClient.of.set(client, (read = new ReadClient(client, replica, primary)));
    read.inTransaction = false;
    read.broken = undefined;
    return read as unknown as PostgresPoolClient;
  }

  get processID(): number | undefined {
    return (this.client as { processID?: number }).processID;
  }

  query(text: unknown, values?: unknown[]): unknown {
    // A cursor (a streamed read) is handed through: rows already streamed cannot be taken back.
    if (typeof text !== 'string') return this.client.query(text as never);
    if (/^\s*(begin|start\s+transaction)\b/i.test(text)) this.inTransaction = true;
    else if (/^\s*(commit|rollback|end)\s*$/i.test(text)) this.inTransaction = false;
    return this.client.query(text, values).catch((e: unknown) => this.failed(e, text, values));
  }

  release(destroy?: boolean): void {
    this.client.release(this.broken ?? destroy);
  }

  private async failed(e: unknown, text: string, values: unknown[] | undefined) {
    const gone = connectionLost(e);
    const conflict = (e as { code?: unknown }).code === '40001';
    if (this.inTransaction || (!gone && !conflict)) throw e;
    if (gone) {
      this.broken = e as Error;
      this.replica.lost(e);
    }
    const other = await this.primary.connect();
    try {
      return await other.query(text, values);
    } finally {
      other.release();
    }
  }
}

/** A connection of its own for checks, so that a busy pool never delays them; reopened after a failure. */
class Probe {
  private client: pg.Client | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly timeoutMs: number,
  ) {}

  async query<R extends object>(text: string): Promise<R[]> {
    try {
      this.client ??= await this.open();
      return (await this.client.query<R>(text)).rows;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
    });
    client.on('error', () => {
      if (this.client === client) void this.close();
    });
    try {
      await client.connect();
    } catch (e) {
      void client.end().catch(() => {});
      throw e;
    }
    return client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** 'X/Y' (two hex halves) as one number, to compare WAL positions. */
export function parseLsn(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}
