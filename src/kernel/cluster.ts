import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';

/**
 * Several hub processes over one database (`qdh serve --workers N`, or N processes behind a load
 * balancer) coordinate through PostgreSQL's own machinery only: advisory locks for work that
 * must run in one process at a time, NOTIFY for "what you keep in memory changed".
 * PGlite is one process's database, so there every lock is this process's already.
 *
 * The kernel imports no module: this is the part of db's `Database` that coordination needs.
 */
export interface SharedDatabase {
  readonly kind: 'pglite' | 'postgres';
  readonly kysely: Kysely<object>;
  listen(channel: string, onMessage: (payload: string | null) => void): Promise<() => Promise<void>>;
}

/** The hub's advisory locks share one first key, so that they never meet another program's. */
const NAMESPACE = 0x514448; // "QDH"

/** A lock's second key: FNV-1a of its name, as a signed 32-bit integer. */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) h = Math.imul(h ^ byte, 0x01000193);
  return h | 0;
}

/**
 * Runs `work` unless another process is running work of the same name: then skips it and
 * resolves undefined. For periodic work that each process offers to do (overdue flagging, the
 * absorbs' catch-up): the lock is held on one pooled connection for as long as `work` runs and
 * released when it ends, or by the server when that connection dies with its process.
 */
export async function runAlone<T>(
  database: SharedDatabase,
  name: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (database.kind === 'pglite') return work();
  const key = lockKey(name);
  return database.kysely.connection().execute(async (conn) => {
    const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_lock(${NAMESPACE}, ${key}) as got`.execute(
      conn,
    );
    if (!rows[0]?.got) return undefined;
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${NAMESPACE}, ${key})`.execute(conn).catch(() => {});
    }
  });
}

/**
 * Inside a transaction: waits until no other transaction holds the lock of this name, and
 * holds it until commit or rollback. For short critical sections (signing a tree head).
 */
export async function lockForTransaction(trx: QueryExecutorProvider, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${NAMESPACE}, ${lockKey(name)})`.execute(trx);
}

/**
 * Tells every process listening on `channel` (this one too) that `payload` changed; inside a
 * transaction the notification is delivered at commit, and not at all on rollback.
 */
export async function announce(db: QueryExecutorProvider, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}
