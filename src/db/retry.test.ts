import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { transactionRetrying } from './retry.js';

/** A database whose transactions fail with the given errors, in turn, then succeed. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const db = {
    transaction: () => ({
      execute: async (work: (trx: unknown) => Promise<unknown>) => {
        const error = errors[calls++];
        if (error) throw error;
        return work('trx');
      },
    }),
  } as unknown as Kysely<object>;
  return { db, calls: () => calls };
}

describe('transactionRetrying', () => {
  it('runs a transaction again after a deadlock or a serialization failure', async () => {
    const { db, calls } = failing({ code: '40P01' }, { code: '40001' });
    await expect(transactionRetrying(db, async () => 'done')).resolves.toBe('done');
    expect(calls()).toBe(3);
  });

  it('gives up after the attempts and never retries other errors', async () => {
    const deadlocks = failing({ code: '40P01' }, { code: '40P01' }, { code: '40P01' });
    await expect(transactionRetrying(deadlocks.db, async () => 'x')).rejects.toMatchObject({ code: '40P01' });
    expect(deadlocks.calls()).toBe(3);
    const unique = failing({ code: '23505' });
    await expect(transactionRetrying(unique.db, async () => 'x')).rejects.toMatchObject({ code: '23505' });
    expect(unique.calls()).toBe(1);
  });
});
