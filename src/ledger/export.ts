import { writeCsv } from '../kernel/index.js';
import type { SignedTreeHead } from './heads.js';
import type { Ledger } from './ledger.js';
import { readEntry } from './legacy.js';
import type { EntrySearch } from './search.js';

/** The most entries one export holds: the newest matches. */
export const MAX_EXPORT = 100_000;
/** Entries read and proved together: one query for the texts, one for the proofs' hashes. */
const BATCH = 250;

export type ExportFormat = 'csv' | 'jsonl';

export interface AuditExportRequest {
  search: EntrySearch;
  /** The filter as the caller gave it, for the export's own entry (the subject goes as its tag). */
  filter: { org?: string; kind?: string; from?: string; to?: string };
  format: ExportFormat;
  actor: string;
  org: string | null;
}

export interface AuditExport {
  head: SignedTreeHead;
  rows: number;
  chunks: AsyncIterable<string>;
}

const CSV_HEADER = [
  'index',
  'leaf_hash',
  'kind',
  'at',
  'entry',
  'audit_path',
  'tree_size',
  'root_hash',
  'head_timestamp',
  'head_signature',
];

/**
 * An audit export (docs/ledger.md): the entries of a search with their leaf hashes and inclusion
 * proofs relative to the latest signed head, so that whoever receives the file can check every
 * row without the hub. The export is itself an entry, durable before the first byte leaves.
 */
export async function auditExport(ledger: Ledger, req: AuditExportRequest): Promise<AuditExport> {
  const head = await ledger.latestHead();
  const before = Math.min(req.search.before ?? head.treeSize, head.treeSize);
  const indexes = head.treeSize === 0 ? [] : await ledger.matchingIndexes({ ...req.search, before }, MAX_EXPORT);
  await ledger.append({
    kind: 'ledger.audit.exported',
    format: req.format,
    filter: withoutUndefined(req.filter),
    subject: req.search.subject ?? null,
    treeSize: head.treeSize,
    rows: indexes.length,
    actor: req.actor,
    org: req.org,
    at: new Date().toISOString(),
  });
  return { head, rows: indexes.length, chunks: rowsOf(ledger, head, indexes, req.format) };
}

async function* rowsOf(
  ledger: Ledger,
  head: SignedTreeHead,
  indexes: number[],
  format: ExportFormat,
): AsyncGenerator<string> {
  yield format === 'jsonl' ? `${JSON.stringify({ head })}\n` : writeCsv([], CSV_HEADER);
  for (let i = 0; i < indexes.length; i += BATCH) {
    const batch = indexes.slice(i, i + BATCH);
    const [entries, proofs] = await Promise.all([
      ledger.entriesAt(batch),
      ledger.inclusionProofs(batch, head.treeSize),
    ]);
    if (format === 'jsonl') {
      yield entries
        .map(
          (e, j) =>
            `${JSON.stringify({ index: e.index, leafHash: e.leafHash, entry: e.entry, auditPath: proofs[j]!.auditPath })}\n`,
        )
        .join('');
    } else {
      const rows = entries.map((e, j) => {
        const record = readEntry(e.entry);
        return [
          e.index,
          e.leafHash,
          record?.kind ?? '',
          record?.at ?? '',
          e.entry,
          proofs[j]!.auditPath.join(' '),
          head.treeSize,
          head.rootHash,
          head.timestamp,
          head.signature,
        ];
      });
      // writeCsv starts every file with a byte order mark: only the first chunk carries it.
      yield writeCsv(rows).slice(1);
    }
  }
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export interface SubjectSearchRequest {
  search: EntrySearch & { subject: string };
  filter: AuditExportRequest['filter'];
  limit: number;
  actor: string;
  org: string | null;
}

/**
 * A page of a search by subject: who read a person's or enterprise's data is itself personal,
 * so the search is an entry under the subject's tag, durable before the page is answered.
 */
export async function subjectSearch(ledger: Ledger, req: SubjectSearchRequest): ReturnType<Ledger['search']> {
  const page = await ledger.search(req.search, req.limit);
  await ledger.append({
    kind: 'ledger.subject.searched',
    subject: req.search.subject,
    filter: withoutUndefined(req.filter),
    rows: page.items.length,
    actor: req.actor,
    org: req.org,
    at: new Date().toISOString(),
  });
  return page;
}
