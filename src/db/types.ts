import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The hub's handle on its database. `kysely` knows no tables: each module narrows it with
 * `db.kysely.withTables<ItsTables>()`, so a module's table types live with the module that
 * owns those tables (one PostgreSQL schema per module).
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** Human description for /healthz: never contains a password. */
  readonly describe: string;
  readonly kysely: Kysely<object>;
  /**
   * Read-only connection to a streaming replica; reads that may be a moment stale go here
   * (`DATABASE_READ_URLS`, docs/replicas.md). Spread over the replicas, and the primary itself
   * while every replica is down or lags more than `QDH_REPLICA_MAX_LAG_MS`. Absent without
   * replicas: such reads use `kysely`. Never for writes, grants, quotas or the ledger.
   */
  replica?: Kysely<object>;
  /**
   * Calls `onMessage` with the payload of every NOTIFY on `channel`, from any process using the
   * database; with `null` when notifications may have been missed (a dropped connection), so
   * that a cache can forget everything. Returns a function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string | null) => void): Promise<() => Promise<void>>;
  /**
   * Streams rows in COPY's text format (tab-separated, one row per line) into `table (columns)`,
   * on a connection of its own and outside any transaction: the fastest way rows enter the
   * database, used to fill staging tables. Rejects on the first bad row; what was copied stays.
   */
  copyIn(table: string, columns: readonly string[], chunks: AsyncIterable<string>): Promise<void>;
  /**
   * PostgreSQL only (absent on PGlite): the output of a `COPY (…) TO STDOUT …` statement as a
   * byte stream, on a connection of its own (in a read-only transaction, JIT off), read no faster
   * than the stream is taken; destroying the stream ends the COPY and drops its connection. COPY
   * takes no bind parameters: the caller builds `statement` from values it has checked and
   * literals quoted by Kysely (`sql.lit`).
   */
  copyOut?(statement: string): Readable;
  close(): Promise<void>;
}

/** One SQL migration: `id` orders it inside its module; `sql` runs unchanged on PGlite and PostgreSQL. */
export interface Migration {
  id: string;
  sql: string;
}

export interface ModuleMigrations {
  module: string;
  /** The module's earlier name: its bookkeeping rows are carried over before migrating. */
  renamedFrom?: string;
  migrations: readonly Migration[];
}
