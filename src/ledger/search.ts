import { sql, type Kysely, type RawBuilder } from '../db/index.js';
import type { EntryKind } from './entries.js';
import type { LedgerTables } from './tables.js';

/** What an auditor searches the ledger by (docs/ledger.md, "Search and audit export"). */
export interface EntrySearch {
  /** An organization code the entry concerns (`orgsOf`). */
  org?: string;
  /** One kind, or any of several (a subject's uses: its reads and the questions about it). */
  kind?: EntryKind | readonly EntryKind[];
  /** Recorded at or after. */
  from?: Date;
  /** Recorded before. */
  to?: Date;
  /** A subject tag (the keyed hash), never the identifier itself. */
  subject?: string;
  /** Only entries with a smaller index: the cursor of the next page, or the size of a head. */
  before?: number;
}

export interface StoredEntry {
  idx: number;
  entry: string;
  leaf_hash: Buffer;
}

/**
 * The newest `limit` entries matching `search`, newest first. Times become a range of indexes
 * first (entries are recorded in index order), so that every query is one backward range scan of
 * one index that stops after `limit` matches: the organization table by (org[, kind], idx), the
 * subject tag's, the kind's expression index, or the entries' primary key.
 */
export async function searchEntries(
  db: Kysely<LedgerTables>,
  search: EntrySearch,
  limit: number,
  columns: 'all' | 'idx' = 'all',
): Promise<StoredEntry[]> {
  const range = await indexRange(db, search);
  if (!range) return [];
  const select = columns === 'all' ? sql`e.idx, e.entry, e.leaf_hash` : sql`e.idx`;
  const inRange = (column: string) => sql`${sql.ref(column)} >= ${range.lo} and ${sql.ref(column)} < ${range.hi}`;
  let query: RawBuilder<StoredEntry>;
  if (search.org !== undefined && search.subject === undefined) {
    // The organization's own index gives the page's indexes first: at most `limit` entries are read.
    const kind = search.kind === undefined ? sql`` : sql` and ${kindIs('o.kind', search.kind)}`;
    query = sql<StoredEntry>`
      select ${select} from (
        select o.idx from ledger.entry_org o
         where o.org = ${search.org}${kind} and ${inRange('o.idx')}
         order by o.idx desc limit ${limit}
      ) as m join ledger.entry e on e.idx = m.idx order by e.idx desc`;
  } else {
    // A subject has few entries: its index drives, and an organization is checked per entry.
    const where: RawBuilder<unknown>[] = [inRange('e.idx')];
    if (search.subject !== undefined) where.push(sql`e.subject = ${search.subject}`);
    if (search.kind !== undefined) where.push(kindIs('e.kind', search.kind));
    if (search.org !== undefined)
      where.push(sql`exists (select from ledger.entry_org o where o.org = ${search.org} and o.idx = e.idx)`);
    query = sql<StoredEntry>`
      select ${select} from ledger.entry e where ${sql.join(where, sql` and `)} order by e.idx desc limit ${limit}`;
  }
  const { rows } = await query.execute(db);
  return rows.map((r) => ({ ...r, idx: Number(r.idx) }));
}

/** The kind column is the one kind, or one of several. */
function kindIs(column: string, kind: EntryKind | readonly EntryKind[]): RawBuilder<unknown> {
  if (typeof kind === 'string') return sql`${sql.ref(column)} = ${kind}`;
  return sql`${sql.ref(column)} in (${sql.join(kind.length > 0 ? [...kind] : [''])})`;
}

/** [lo, hi) of the indexes recorded between `from` and `to` and below `before`; null when empty. */
async function indexRange(db: Kysely<LedgerTables>, s: EntrySearch): Promise<{ lo: number; hi: number } | null> {
  let lo = 0;
  let hi = s.before ?? Number.MAX_SAFE_INTEGER;
  const firstAt = async (at: Date) =>
    (
      await db
        .selectFrom('ledger.entry')
        .select('idx')
        .where('created_at', '>=', at)
        .orderBy('created_at')
        .orderBy('idx')
        .limit(1)
        .executeTakeFirst()
    )?.idx;
  if (s.from) {
    const first = await firstAt(s.from);
    if (first === undefined) return null;
    lo = Number(first);
  }
  if (s.to) {
    const end = await firstAt(s.to);
    if (end !== undefined) hi = Math.min(hi, Number(end));
  }
  return lo < hi ? { lo, hi } : null;
}

/** One group of a subject's entries: who acted, for which organization and purpose, and how it ended. */
export interface SubjectTally {
  actor: string;
  org: string | null;
  purpose: string | null;
  outcome: string | null;
  count: number;
}

/**
 * A subject's entries of one kind (or several) counted by actor, organization, purpose and outcome, over the
 * same range of indexes `searchEntries` reads (times as index ranges, `before` a head's size): a
 * monthly digest counts exactly the entries the month's pages list. Reads only the subject's entries.
 */
export async function tallySubject(
  db: Kysely<LedgerTables>,
  search: EntrySearch & { subject: string; kind: EntryKind | readonly EntryKind[] },
): Promise<SubjectTally[]> {
  const range = await indexRange(db, search);
  if (!range) return [];
  const { rows } = await sql<{
    actor: string;
    org: string | null;
    purpose: string | null;
    outcome: string | null;
    n: string;
  }>`
    select (entry::jsonb)->>'actor' as actor, (entry::jsonb)->>'org' as org,
           (entry::jsonb)->>'purpose' as purpose, (entry::jsonb)->>'outcome' as outcome, count(*) as n
      from ledger.entry
     where subject = ${search.subject} and ${kindIs('kind', search.kind)} and idx >= ${range.lo} and idx < ${range.hi}
     group by 1, 2, 3, 4`.execute(db);
  return rows.map(({ n, ...r }) => ({ ...r, count: Number(n) }));
}
