import type { Readable } from 'node:stream';
import type { CompiledQuery, Database, Kysely } from '../db/index.js';
import { createQueryId, json, sql, transactionRetrying } from '../db/index.js';
import { HubError, msg } from '../kernel/index.js';
import { PLAIN_CODECS, resealRecords, type RecordCodec, type RecordCodecs } from './codec.js';
import { ownPartitionRowsFrom } from './layout.js';
import {
  dropStage,
  loadRecords,
  mergeStagedLoad,
  stageName,
  stageRows,
  unstage,
  type LoadOptions,
  type LoadOutcome,
  type RecordRow,
  type WriteCount,
} from './load.js';
import type { CorrectionMarks, RecordTables } from './tables.js';
import { conditionFields, runRecordQuery, type RecordQuery } from './query.js';
import { csvCopyStatement } from './csv-copy.js';

type Doc = Record<string, unknown>;
type Dated = { doc: Doc; loaded_at: Date };

/** Where a record's values came from: the load (job, source row) and any corrections since. */
export interface RecordOrigin {
  jobId: string | null;
  sourceRow: number | null;
  loadedAt: string;
  corrected: CorrectionMarks;
}

/**
 * What the catalog keeps of each resource's records: their count, with its entry, so that
 * neither a list nor a data-service call counts rows. Provided by the composition root.
 */
export interface RecordCounts {
  /** Writes a resource's count inside the transaction that merges its load. */
  write: WriteCount;
  /** After a load, committed or not: whatever a process cached of the resource is stale. */
  loaded(resourceId: number): void;
}

/** How the store lays records out (docs/records.md). */
export interface RecordStoreOptions {
  /**
   * Rows a load must stage into an empty resource for it to get a partition of its own
   * (default QDH_OWN_PARTITION_ROWS, else 100 000); smaller resources share one partition.
   */
  ownPartitionRows?: number;
}

/**
 * The records of every resource (the data a resource mounts, one per subject key), by resource
 * id. Who may read which records, and what of them, is decided by the callers; the store
 * neither authorizes nor masks. Reads that may be a moment stale (find, findMany, filter, page:
 * the data services' path) go to a streaming replica when the database has one.
 */
export class RecordStore {
  private readonly db: Kysely<RecordTables>;
  private readonly ownPartitionRows: number;
  /** The replica's handle narrowed to our tables, made once per replica handle. */
  private replicaTables?: { of: Kysely<object>; db: Kysely<RecordTables> };
  /** The data service's hot path, built once: the query builder costs more than the lookup. */
  private readonly byKey: CompiledQuery<Dated>;

  constructor(
    private readonly database: Database,
    private readonly counts: RecordCounts,
    /** Seals sensitivity-4 values on the way in and opens them on the way out (codec.ts). */
    private readonly codecs: RecordCodecs = PLAIN_CODECS,
    opts: RecordStoreOptions = {},
  ) {
    this.db = database.kysely.withTables<RecordTables>();
    this.ownPartitionRows = opts.ownPartitionRows ?? ownPartitionRowsFrom();
    this.byKey = this.db
      .selectFrom('records.record')
      .select(['doc', 'loaded_at'])
      .where('resource_id', '=', 0)
      .where('key', '=', '')
      .compile();
  }

  /**
   * Loads batches of validated records: staged by COPY, then merged in one transaction (load.ts
   * says how), so that a failure or a crash midway leaves the previous data as it was.
   */
  async load(
    resourceId: number,
    jobId: string,
    batches: AsyncIterable<RecordRow[]>,
    opts: LoadOptions = {},
  ): Promise<LoadOutcome> {
    try {
      // Sealed as they are staged: no plaintext of a sealed field reaches the database. The
      // outcome's duplicate keys are then stored keys (callers use their source rows).
      const sealed = (await this.codecs.of(resourceId)).sealBatches(batches);
      return await loadRecords(
        this.database,
        this.counts.write,
        resourceId,
        jobId,
        sealed,
        opts,
        this.ownPartitionRows,
      );
    } finally {
      this.counts.loaded(resourceId);
    }
  }

  /**
   * A load staged call by call and merged once (load.ts: `stageRows`): these rows, sealed, into
   * the staged table of `stageId` (a uuid of the caller's, made by the first call). Returns the
   * rows staged.
   */
  async stage(
    resourceId: number,
    stageId: string,
    jobId: string,
    batches: AsyncIterable<RecordRow[]>,
  ): Promise<number> {
    const sealed = (await this.codecs.of(resourceId)).sealBatches(batches);
    return stageRows(this.database, resourceId, stageName(stageId), jobId, sealed);
  }

  /** Takes the rows of these jobs out of a staged load. */
  unstage(stageId: string, jobIds: string[]): Promise<void> {
    return unstage(this.database, stageName(stageId), jobIds);
  }

  /** Merges a staged load as one load (load.ts: `mergeStagedLoad`); interrupted, it may run again. */
  async mergeStaged(resourceId: number, stageId: string, opts: LoadOptions = {}): Promise<LoadOutcome> {
    try {
      const stage = stageName(stageId);
      return await mergeStagedLoad(this.database, this.counts.write, resourceId, stage, opts, this.ownPartitionRows);
    } finally {
      this.counts.loaded(resourceId);
    }
  }

  /** Drops a staged load that will not merge. */
  dropStaged(stageId: string): Promise<void> {
    return dropStage(this.database, stageName(stageId));
  }

  /** Where reads that may be a moment stale go: the replica, if any, else the primary. */
  private get reader(): Kysely<RecordTables> {
    const replica = this.database.replica;
    if (!replica) return this.db;
    if (this.replicaTables?.of !== replica)
      this.replicaTables = { of: replica, db: replica.withTables<RecordTables>() };
    return this.replicaTables.db;
  }

  /** How the resource's records are sealed at rest (for a bulk path of its own: a benchmark's COPY). */
  codecOf(resourceId: number): Promise<RecordCodec> {
    return this.codecs.of(resourceId);
  }

  /** One subject's record, or undefined. */
  async find(resourceId: number, key: string): Promise<Doc | undefined> {
    return (await this.findDated(resourceId, key))?.doc;
  }

  /** One subject's record with when it was loaded (a consent's period of records), or undefined. */
  async findDated(resourceId: number, key: string): Promise<{ doc: Doc; loadedAt: Date } | undefined> {
    const codec = await this.codecs.of(resourceId);
    const found = await this.byStoredKey(resourceId, codec.storedKey(key));
    if (found) return { doc: await codec.openDoc(found.doc), loadedAt: found.loaded_at };
    // A record loaded before its key field was sealed keeps its key in clear until a data
    // rotation (`qdh keys rotate --data`) seals it: a miss looks there once more.
    const plain = codec.keyIsSealed ? await this.byStoredKey(resourceId, key) : undefined;
    return plain && { doc: plain.doc, loadedAt: plain.loaded_at };
  }

  private async byStoredKey(resourceId: number, storedKey: string): Promise<Dated | undefined> {
    const { rows } = await this.reader.executeQuery<Dated>({
      ...this.byKey,
      parameters: [resourceId, storedKey],
      queryId: createQueryId(),
    });
    return rows[0];
  }

  /** The records of several subjects at once (a batch call); keys without one are left out. */
  async findMany(resourceId: number, keys: string[]): Promise<Array<{ key: string; doc: Doc }>> {
    if (keys.length === 0) return [];
    const codec = await this.codecs.of(resourceId);
    const plainOf = new Map(keys.map((k) => [codec.storedKey(k), k]));
    const rows = await this.reader
      .selectFrom('records.record')
      .select(['key', 'doc'])
      .where('resource_id', '=', resourceId)
      .where('key', 'in', [...plainOf.keys()])
      .execute();
    const docs = await codec.openDocs(rows.map((r) => r.doc));
    return rows.map((r, i) => ({ key: plainOf.get(r.key) ?? r.key, doc: docs[i]! }));
  }

  /**
   * The stored records whose `field` has one of `values` (compared as text, as `doc ->> field`
   * gives them): one query for a whole batch, by the primary key when `field` is the key.
   * Quality rules (unique, referential) use it.
   */
  async findByField(
    resource: { id: number; keyField: string },
    field: string,
    values: string[],
  ): Promise<Array<{ key: string; value: string }>> {
    if (values.length === 0) return [];
    const codec = await this.codecs.of(resource.id);
    if (codec.isSealed(field)) return this.findBySealedField(resource, field, values);
    const column = field === resource.keyField ? sql<string>`key` : sql<string>`doc ->> ${field}`;
    return this.db
      .selectFrom('records.record')
      .select(['key', column.as('value')])
      .where('resource_id', '=', resource.id)
      .where(column, 'in', values)
      .execute();
  }

  /** findByField of a sealed field: its blind index compared (the key column's, for the key field). */
  private async findBySealedField(
    resource: { id: number; keyField: string },
    field: string,
    values: string[],
  ): Promise<Array<{ key: string; value: string }>> {
    const codec = await this.codecs.of(resource.id);
    const isKey = field === resource.keyField && codec.keyIsSealed;
    const valueOf = new Map(values.map((v) => [isKey ? codec.storedKey(v) : codec.matchPrefix(field, v), v]));
    const blind = isKey
      ? sql<string>`key`
      : sql<string>`left(doc ->> ${field}, ${valueOf.keys().next().value!.length})`;
    const rows = await this.db
      .selectFrom('records.record')
      .select(['key', 'doc', blind.as('blind')])
      .where('resource_id', '=', resource.id)
      .where(blind, 'in', [...valueOf.keys()])
      .execute();
    const docs = await codec.openDocs(rows.map((r) => r.doc));
    return rows.map((r, i) => ({ key: codec.keyOf(r.key, docs[i]!), value: valueOf.get(r.blind)! }));
  }

  /** Records whose fields equal the given values, in key order. */
  async filter(resourceId: number, equal: Record<string, string>, offset: number, limit: number): Promise<Doc[]> {
    const codec = await this.codecs.of(resourceId);
    let q = this.reader.selectFrom('records.record').select('doc').where('resource_id', '=', resourceId);
    for (const [field, value] of Object.entries(equal)) {
      if (!codec.isSealed(field)) q = q.where(sql<boolean>`doc ->> ${field} = ${value}`);
      else {
        const prefix = codec.matchPrefix(field, value);
        q = q.where(sql<boolean>`left(doc ->> ${field}, ${prefix.length}) = ${prefix}`);
      }
    }
    const rows = await q.orderBy('key').limit(limit).offset(offset).execute();
    return codec.openDocs(rows.map((r) => r.doc));
  }

  /**
   * Records matching a query of conditions on field values, in its order (query.ts), and their
   * total when `count`: the open-data API's filters, full text, sort and parsed SQL. A sealed
   * field cannot be named: its stored value is not its value.
   */
  async query(resourceId: number, q: RecordQuery, count = false): Promise<{ docs: Doc[]; total: number | null }> {
    const codec = await this.codecs.of(resourceId);
    for (const field of fieldsOf(q)) {
      if (codec.isSealed(field)) throw new HubError('REC_SEALED_FIELD', msg('records.sealedField', { field }));
    }
    const { docs, total } = await runRecordQuery(this.reader, resourceId, q, count);
    return { docs: await codec.openDocs(docs), total };
  }

  /**
   * Every record of a resource in key order, a batch at a time (keyset paging, so that memory
   * stays flat however many there are): what a download streams.
   */
  async *scan(resourceId: number, batchSize = 2000): AsyncGenerator<Doc[]> {
    const codec = await this.codecs.of(resourceId);
    let after: string | null = null;
    for (;;) {
      let q = this.reader.selectFrom('records.record').select(['key', 'doc']).where('resource_id', '=', resourceId);
      if (after !== null) q = q.where('key', '>', after);
      const rows = await q.orderBy('key').limit(batchSize).execute();
      if (rows.length === 0) return;
      yield await codec.openDocs(rows.map((r) => r.doc));
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]!.key;
    }
  }

  /**
   * Every record of a resource in key order as CSV rows of `fields` (no header), written by
   * PostgreSQL's COPY (csv-copy.ts): the bytes `scan` and csv-stringify would give, at the speed
   * of the database. Undefined where that cannot be: on PGlite (no COPY TO STDOUT stream), for
   * fewer than two fields (csv-copy.ts says why) or when one of them is sealed (only the codec
   * opens it). The caller decides what may be shown as held: the store neither authorizes nor masks.
   */
  async copyCsv(
    resourceId: number,
    fields: ReadonlyArray<{ name: string; numeric: boolean }>,
  ): Promise<Readable | undefined> {
    if (!this.database.copyOut || fields.length < 2) return undefined;
    const codec = await this.codecs.of(resourceId);
    if (fields.some((f) => codec.isSealed(f.name))) return undefined;
    return this.database.copyOut(csvCopyStatement(this.db, resourceId, fields));
  }

  /**
   * A resource's records loaded (or loaded again) at or after `since` (all of them when null), in
   * stored-key order, a batch at a time after the stored key `after`, and no further than `upTo`:
   * what a push up to the city node reads (docs/cascade.md). A record's `loaded_at` is the time
   * its load staged or merged it; corrections keep it, so they are not changes here. `last` is
   * the stored key to continue after, null when nothing was left.
   */
  async changedSince(
    resourceId: number,
    opts: { since: Date | null; after: string | null; upTo?: string | undefined; limit: number },
  ): Promise<{ docs: Doc[]; last: string | null }> {
    const codec = await this.codecs.of(resourceId);
    let q = this.db.selectFrom('records.record').select(['key', 'doc']).where('resource_id', '=', resourceId);
    if (opts.since !== null) q = q.where('loaded_at', '>=', opts.since);
    if (opts.after !== null) q = q.where('key', '>', opts.after);
    if (opts.upTo !== undefined) q = q.where('key', '<=', opts.upTo);
    const rows = await q.orderBy('key').limit(opts.limit).execute();
    return { docs: await codec.openDocs(rows.map((r) => r.doc)), last: rows.at(-1)?.key ?? null };
  }

  /** The database's clock now: where a push's window of changes ends (changedSince's `since`). */
  async clock(): Promise<Date> {
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(this.db);
    return new Date(rows[0]!.now);
  }

  /** Page `page` (from 1) of a resource's records in key order; the catalog keeps their count. */
  async page(resourceId: number, page: number, pageSize: number): Promise<Doc[]> {
    return this.filter(resourceId, {}, (page - 1) * pageSize, pageSize);
  }

  /**
   * The rows a job loaded that the resource still holds, in key order and in batches, with their
   * source rows: what modules built on a load (the base databases) read it back by.
   */
  async *ofJob(resourceId: number, jobId: string, batchSize = 2000): AsyncGenerator<RecordRow[]> {
    const codec = await this.codecs.of(resourceId);
    let after: string | null = null;
    for (;;) {
      let q = this.db
        .selectFrom('records.record')
        .select(['key', 'doc', 'source_row'])
        .where('resource_id', '=', resourceId)
        .where('job_id', '=', jobId);
      if (after !== null) q = q.where('key', '>', after);
      const rows = await q.orderBy('key').limit(batchSize).execute();
      if (rows.length === 0) return;
      const docs = await codec.openDocs(rows.map((r) => r.doc));
      yield rows.map((r, i) => ({ key: codec.keyOf(r.key, docs[i]!), doc: docs[i]!, sourceRow: r.source_row ?? 0 }));
      after = rows[rows.length - 1]!.key;
    }
  }

  /** The jobs whose rows a resource holds now, oldest load first. */
  async jobs(resourceId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('records.record')
      .select('job_id')
      .select((eb) => eb.fn.min('loaded_at').as('first'))
      .where('resource_id', '=', resourceId)
      .where('job_id', 'is not', null)
      .groupBy('job_id')
      .orderBy('first')
      .execute();
    return rows.map((r) => r.job_id!);
  }

  /** Whether every record the resource holds came from this job (after a snapshot or a first load). */
  async holdsOnly(resourceId: number, jobId: string): Promise<boolean> {
    const other = await this.db
      .selectFrom('records.record')
      .select('key')
      .where('resource_id', '=', resourceId)
      .where(sql<boolean>`job_id is distinct from ${jobId}`)
      .limit(1)
      .executeTakeFirst();
    return other === undefined;
  }

  /**
   * Writes one value of a stored record because correction `correctionId` (纠错) was accepted,
   * and marks the field as coming from it (see `valueOrigin`). Returns the value it replaced.
   * A later load of the same key writes the whole record again and clears the marks.
   */
  async correct(
    resourceId: number,
    key: string,
    field: string,
    value: string | number | boolean | null,
    correctionId: number,
  ): Promise<{ previous: unknown }> {
    const codec = await this.codecs.of(resourceId);
    key = codec.storedKey(key);
    // Opened once before the transaction, so that the key of whatever version sealed it is at
    // hand inside: on PGlite a key fetched there would wait on the transaction's own connection.
    const before = await this.db
      .selectFrom('records.record')
      .select('doc')
      .where('resource_id', '=', resourceId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (before) await codec.openDoc(before.doc);
    return transactionRetrying(this.db, async (trx) => {
      const stored = await trx
        .selectFrom('records.record')
        .select('doc')
        .where('resource_id', '=', resourceId)
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      if (!stored)
        throw new HubError('REC_RECORD_NOT_FOUND', msg('records.noRecordInResource', { resource: resourceId }));
      const row = { doc: await codec.openDoc(stored.doc) };
      const mark = { [field]: { correction: correctionId, at: new Date().toISOString() } };
      await sql`update records.record set doc = ${json(codec.sealDoc({ ...row.doc, [field]: value }))},
        corrected = corrected || ${json(mark)}
        where resource_id = ${resourceId} and key = ${key}`.execute(trx);
      return { previous: row.doc[field] ?? null };
    });
  }

  /**
   * Seals every record of a resource again under its active data key (a data rotation, `qdh
   * keys rotate --data`), while reads go on accepting old and new keys (codec.ts).
   */
  async reseal(resourceId: number, batchSize = 2000, onBatch?: (done: number) => Promise<void>): Promise<number> {
    return resealRecords(this.db, await this.codecs.of(resourceId), resourceId, batchSize, onBatch);
  }

  /** Per field, the correction whose value a record holds (lineage); {} when all come from loads. */
  async valueOrigin(resourceId: number, key: string): Promise<CorrectionMarks | undefined> {
    return (await this.origin(resourceId, key))?.corrected;
  }

  /** Where a record's values came from: the load (job, source row) and any corrections since. */
  async origin(resourceId: number, key: string): Promise<RecordOrigin | undefined> {
    key = (await this.codecs.of(resourceId)).storedKey(key);
    const row = await this.db
      .selectFrom('records.record')
      .select(['job_id', 'source_row', 'loaded_at', 'corrected'])
      .where('resource_id', '=', resourceId)
      .where('key', '=', key)
      .executeTakeFirst();
    return (
      row && {
        jobId: row.job_id,
        sourceRow: row.source_row,
        loadedAt: row.loaded_at.toISOString(),
        corrected: row.corrected,
      }
    );
  }
}

/** Every field a query names, in its conditions and its order. */
function fieldsOf(q: RecordQuery): string[] {
  return [...(q.order ?? []).map((o) => o.field), ...conditionFields(q.where)];
}
