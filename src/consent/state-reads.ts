import type { Kysely } from '../db/index.js';
import type { ConsentTables } from './tables.js';
import type { StoredStatus } from './terms.js';

export type State = { status: StoredStatus; starts_at: Date; expires_at: Date };

type Waiter = { resolve: (state: State | undefined) => void; reject: (e: unknown) => void };

/**
 * The consents' states for the fetches in flight, read together, as the ledger commits appends
 * together: a read asked for while another is running waits for the next one, which starts only
 * after it was asked. So each fetch still sees the database as it is after the fetch arrived — a
 * revocation committed before is seen — while many concurrent fetches cost one statement.
 */
export class StateReads {
  private waiting = new Map<string, Waiter[]>();
  private running = false;

  constructor(private readonly db: Kysely<ConsentTables>) {}

  read(id: string): Promise<State | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(id) ?? [];
      waiters.push({ resolve, reject });
      this.waiting.set(id, waiters);
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    while (this.waiting.size > 0) {
      const batch = this.waiting;
      this.waiting = new Map();
      try {
        const rows = await this.db
          .selectFrom('consent.consent')
          .select(['id', 'status', 'starts_at', 'expires_at'])
          .where('id', 'in', [...batch.keys()])
          .execute();
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const [id, waiters] of batch) for (const w of waiters) w.resolve(byId.get(id));
      } catch (e) {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
      }
    }
    this.running = false;
  }
}
