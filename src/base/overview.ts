import { sql, type Kysely } from '../db/index.js';
import { BASE_KINDS, BASES, type BaseKind } from './kinds.js';
import { labelCounts } from './labels.js';
import type { BaseTables, ConflictState } from './tables.js';

export interface Overview {
  bases: Array<{ kind: BaseKind; name: string; subjects: number; values: number; observations: number }>;
  labels: Array<{ code: string; name: string; kind: BaseKind; members: number }>;
  conflicts: Record<ConflictState, number>;
  /** The latest absorbed loads. */
  absorptions: Array<{
    job: string;
    resource: string;
    kind: BaseKind;
    subjects: number;
    values: number;
    conflicts: number;
    at: string;
  }>;
}

/** The counts the web's overview shows; aggregates only, no subject's data. */
export async function overview(db: Kysely<BaseTables>): Promise<Overview> {
  const count = async (table: 'base.subject' | 'base.value' | 'base.observation', kindColumn: string) => {
    const { rows } = await sql<{ kind: BaseKind; n: number }>`
      select ${sql.ref(kindColumn)} as kind, count(*)::int as n from ${sql.table(table)} group by 1`.execute(db);
    return new Map(rows.map((r) => [r.kind, r.n]));
  };
  const [subjects, values, observations, states, labels, recent] = await Promise.all([
    count('base.subject', 'kind'),
    count('base.value', 'kind'),
    count('base.observation', 'kind'),
    db
      .selectFrom('base.conflict')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute(),
    labelCounts(db),
    db.selectFrom('base.absorption').selectAll().orderBy('absorbed_at', 'desc').limit(10).execute(),
  ]);
  const conflicts: Record<ConflictState, number> = { open: 0, resolved: 0, dismissed: 0, superseded: 0 };
  for (const s of states) conflicts[s.state] = Number(s.n);
  return {
    bases: BASE_KINDS.map((kind) => ({
      kind,
      name: BASES[kind].name,
      subjects: subjects.get(kind) ?? 0,
      values: values.get(kind) ?? 0,
      observations: observations.get(kind) ?? 0,
    })),
    labels: labels.map(({ code, name, kind, members }) => ({ code, name, kind, members })),
    conflicts,
    absorptions: recent.map((a) => ({
      job: a.job_id,
      resource: a.resource_code,
      kind: a.kind,
      subjects: a.subjects,
      values: a.values_absorbed,
      conflicts: a.conflicts,
      at: a.absorbed_at.toISOString(),
    })),
  };
}
