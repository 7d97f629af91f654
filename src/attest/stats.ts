import { sql, type Database } from '../db/index.js';
import { Tally } from '../kernel/index.js';
import type { AttestTables } from './tables.js';

/** The cockpit's counters of attestations (docs/attest.md, "Counters"). */
export interface AttestStats {
  answered: number;
  yes: number;
  /** 少跑腿: each answer is a paper proof the person did not have to fetch from a department. */
  tripsSaved: number;
  byItem: Array<{ item: string; answered: number; yes: number }>;
  /** By the department that answers for the item. */
  byDepartment: Array<{ org: string; answered: number }>;
  /** By the organization that asked (the window or system). */
  byAsker: Array<{ org: string; answered: number }>;
}

/** One answer as the counters know it: no subject, no id. */
export interface Counted {
  item: string;
  version: number;
  provider: string;
  askerOrg: string;
  answer: boolean;
  at: Date;
}

const MINUTE = 60_000;

/**
 * Answers counted in memory and added to attest.answer_count a second later (kernel's Tally):
 * an answer costs no write beside its ledger entry, which is its record.
 */
export class AnswerCounts {
  private readonly tally: Tally<Counted>;

  constructor(
    private readonly database: Database,
    delayMs?: number,
  ) {
    const db = database.kysely.withTables<AttestTables>();
    this.tally = new Tally(async (counts) => {
      await db
        .insertInto('attest.answer_count')
        .values(
          counts.map(({ key: c, n }) => ({
            minute: c.at,
            item: c.item,
            version: c.version,
            provider: c.provider,
            asker_org: c.askerOrg,
            answer: c.answer,
            n,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['minute', 'item', 'version', 'provider', 'asker_org', 'answer'])
            .doUpdateSet({ n: sql`attest.answer_count.n + excluded.n` }),
        )
        .execute();
    }, delayMs);
  }

  count(c: Counted): void {
    const minute = new Date(Math.floor(c.at.getTime() / MINUTE) * MINUTE);
    const id = [minute.getTime(), c.item, c.version, c.provider, c.askerOrg, c.answer].join('|');
    this.tally.add(id, { ...c, at: minute });
  }

  flush(): Promise<void> {
    return this.tally.flush();
  }

  /** The counters from `since` on (all of them without), with this process's pending ones added first. */
  async stats(since?: Date): Promise<AttestStats> {
    await this.flush();
    return attestStats(this.database, since);
  }
}

/** Answers given, from `since` on (all of them without), counted by item, department and asker. */
async function attestStats(database: Database, since?: Date): Promise<AttestStats> {
  const from = since ?? new Date(0);
  const minute = new Date(Math.floor(from.getTime() / MINUTE) * MINUTE);
  const { rows } = await sql<{ item: string; provider: string; asker_org: string; yes: string; n: string }>`
    select item, provider, asker_org, coalesce(sum(n) filter (where answer), 0) as yes, sum(n) as n
      from attest.answer_count where minute >= ${minute}
     group by item, provider, asker_org`.execute(database.kysely);
  const add = (m: Map<string, { answered: number; yes: number }>, k: string, n: number, yes: number) => {
    const t = m.get(k) ?? { answered: 0, yes: 0 };
    m.set(k, { answered: t.answered + n, yes: t.yes + yes });
  };
  const items = new Map<string, { answered: number; yes: number }>();
  const departments = new Map<string, { answered: number; yes: number }>();
  const askers = new Map<string, { answered: number; yes: number }>();
  for (const r of rows) {
    const n = Number(r.n);
    const yes = Number(r.yes);
    add(items, r.item, n, yes);
    add(departments, r.provider, n, yes);
    add(askers, r.asker_org, n, yes);
  }
  const answered = rows.reduce((a, r) => a + Number(r.n), 0);
  const sorted = <T extends { answered: number }>(xs: T[]) => xs.sort((a, b) => b.answered - a.answered);
  return {
    answered,
    yes: rows.reduce((a, r) => a + Number(r.yes), 0),
    tripsSaved: answered,
    byItem: sorted([...items].map(([item, t]) => ({ item, ...t }))),
    byDepartment: sorted([...departments].map(([org, t]) => ({ org, answered: t.answered }))),
    byAsker: sorted([...askers].map(([org, t]) => ({ org, answered: t.answered }))),
  };
}
