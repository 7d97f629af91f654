import { sql, type Database } from '../db/index.js';

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

/** Answers given, from `since` on (all of them without), counted by item, department and asker. */
export async function attestStats(database: Database, since?: Date): Promise<AttestStats> {
  const from = since ?? new Date(0);
  const { rows } = await sql<{ item: string; provider: string; asker_org: string; yes: string; n: string }>`
    select item, provider, asker_org, count(*) filter (where answer) as yes, count(*) as n
      from attest.answer where issued_at >= ${from}
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
