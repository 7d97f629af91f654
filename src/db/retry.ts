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
