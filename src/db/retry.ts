import type { Kysely, Transaction } from 'kysely';

/** SQLSTATEs after which running the same transaction again is the documented remedy. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Runs `work` in a transaction, again (up to `attempts` times) when PostgreSQL aborted it for a
 * deadlock or a serialization failure. Kept counters updated by concurrent transactions in no
 * common order can deadlock now and then; the loser simply runs again.
 */
export async function transactionRetrying<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (attempt >= attempts || typeof code !== 'string' || !RETRYABLE.has(code)) throw e;
    }
  }
}

/** SQLSTATEs of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now (starting up). */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03']);
/** Socket errors of a server that is down or restarting. */
const SOCKET_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);
/** node-postgres's own words when a connection dies or cannot be had in time (it gives them no code). */
const DRIVER_GONE =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed/i;

/**
 * Why the database cannot be reached, when `error` says it went away (a restart, a failover, a
 * server still starting); undefined for any other error. Such a failure is worth trying again in
 * a moment, unlike a query that failed on its own: the HTTP layer answers it with 503 and
 * Retry-After rather than 500. SQLSTATE class 08 is a connection exception as well.
 */
export function connectionLost(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SERVER_GONE.has(code) || SOCKET_GONE.has(code) || code.startsWith('08'))) {
      return code;
    }
    if (e instanceof AggregateError) {
      const inner = e.errors.map(connectionLost).find((c) => c !== undefined);
      if (inner) return inner;
    }
    if (DRIVER_GONE.test(e.message)) return 'connection lost';
  }
  return undefined;
}
