import type { NewEntry } from '../../src/ledger/index.js';

/** A valid entry that tells appends apart by its name, for tests of the log itself. */
export function probe(n: number | string): NewEntry {
  return {
    kind: 'purpose.added',
    code: 'probe',
    name: String(n),
    description: 'a test entry',
    actor: 'test',
    at: '2026-01-01T00:00:00.000Z',
  };
}
