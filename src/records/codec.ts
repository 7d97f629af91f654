import { sql, type Kysely } from '../db/index.js';
import { HubError, msg, type FieldCipher } from '../kernel/index.js';
import type { RecordRow } from './load.js';
import type { RecordTables } from './tables.js';

type Doc = Record<string, unknown>;

/**
 * Records at rest: the values of a resource's sensitivity-4 fields (citizen ID, phone …) are
 * sealed in `records.record.doc`, and when the key field is one of them the `key` column holds
 * its blind index, a keyed hash, so that a lookup by key is still one index probe.
 *
 * A sealed value is the text `~<blind>.<version>.<sealed>`:
 *   blind   — 32 hex digits: HMAC-SM3 (HMAC-SHA256 for intl) of field and value under the
 *             resource's lookup key, truncated to 128 bits; equal values have equal blinds, so a
 *             filter or a uniqueness check compares it without opening anything;
 *   version — the resource's data key that sealed it: old and new keys are read during a rotation;
 *   sealed  — base64url of nonce ‖ SM4-GCM (AES-256-GCM) ciphertext of the JSON value ‖ tag, the
 *             scope and field as associated data, so a value moved to another field or resource
 *             does not open.
 * null stays null (absence is not hidden). The store seals on the way in and opens on the way
 * out (store.ts); its callers see plaintext docs and pass plaintext keys.
 */

/** A key of a scope, as the key store (src/keys) gives it. */
export interface SealKey {
  version: number;
  key: Buffer;
  cipher: FieldCipher;
}

/** The keys the codec needs, by scope: implemented by the key store. */
export interface SealingKeys {
  current(scope: string): Promise<SealKey>;
  version(scope: string, version: number): Promise<SealKey>;
  lookup(scope: string): Promise<{ key: Buffer; cipher: FieldCipher }>;
}

/** What the codec needs to know of a resource: its key field and which fields are sealed. */
export interface SealedShape {
  keyField: string;
  sealed: readonly string[];
}

/** The codec of each resource, by id (built by the composition root from the catalog and the key store). */
export interface RecordCodecs {
  of(resourceId: number): Promise<RecordCodec>;
}

const SEALED = /^~([0-9a-f]{32})\.(\d+)\.([A-Za-z0-9_-]+)$/;
const BLIND_HEX = 32;

export function resourceScope(resourceId: number): string {
  return `resource:${resourceId}`;
}

export class RecordCodec {
  private readonly sealedFields: ReadonlySet<string>;

  constructor(
    private readonly scope: string,
    private readonly shape: SealedShape | undefined,
    /** Present when the resource seals: the active data key and the lookup key. */
    private readonly sealing: { data: SealKey; lookup: { key: Buffer; cipher: FieldCipher } } | undefined,
    private readonly keys: SealingKeys | undefined,
  ) {
    this.sealedFields = new Set(sealing ? (shape?.sealed ?? []) : []);
  }

  /** Nothing of this resource is sealed on the way in. */
  get plain(): boolean {
    return this.sealedFields.size === 0;
  }

  /** Whether the `key` column holds a blind index rather than the key. */
  get keyIsSealed(): boolean {
    return this.shape !== undefined && this.sealedFields.has(this.shape.keyField);
  }

  isSealed(field: string): boolean {
    return this.sealedFields.has(field);
  }

  /** The `key` column's value for a plaintext key. */
  storedKey(key: string): string {
    return this.keyIsSealed ? this.blind(this.shape!.keyField, key) : key;
  }

  /** The text a sealed field's stored value starts with when its plaintext is `value` (as `doc ->> field` gives it). */
  matchPrefix(field: string, value: string): string {
    return `~${this.blind(field, value)}.`;
  }

  sealDoc(doc: Doc): Doc {
    return this.sealDocs([doc])[0]!;
  }

  /** Seals the sealed fields of every doc, all values under one call of the cipher (a load's batch). */
  sealDocs(docs: readonly Doc[]): Doc[] {
    if (this.plain) return [...docs];
    const { data } = this.sealing!;
    const todo: Array<{ doc: number; field: string; value: unknown }> = [];
    docs.forEach((doc, i) => {
      for (const field of this.sealedFields) {
        const v = doc[field];
        if (v === null || v === undefined || (typeof v === 'string' && SEALED.test(v))) continue;
        todo.push({ doc: i, field, value: v });
      }
    });
    const sealed = data.cipher.sealMany(
      data.key,
      todo.map((t) => ({ data: Buffer.from(JSON.stringify(t.value)), aad: this.aad(t.field) })),
    );
    const out = docs.map((d) => ({ ...d }));
    todo.forEach((t, i) => {
      out[t.doc]![t.field] =
        `~${this.blind(t.field, String(t.value))}.${data.version}.${sealed[i]!.toString('base64url')}`;
    });
    return out;
  }

  sealRow(row: RecordRow): RecordRow {
    return this.sealRows([row])[0]!;
  }

  sealRows(rows: readonly RecordRow[]): RecordRow[] {
    if (this.plain) return [...rows];
    const docs = this.sealDocs(rows.map((r) => r.doc));
    return rows.map((r, i) => ({ key: this.sealedKey(r, docs[i]!), doc: docs[i]!, sourceRow: r.sourceRow }));
  }

  async *sealBatches(batches: AsyncIterable<RecordRow[]>): AsyncGenerator<RecordRow[]> {
    for await (const batch of batches) yield this.sealRows(batch);
  }

  /** Opens every sealed value of the docs, under whichever key version sealed each: one cipher call per version. */
  async openDocs(docs: Doc[]): Promise<Doc[]> {
    const found = new Map<number, Array<{ doc: number; field: string; sealed: string }>>();
    docs.forEach((doc, i) => {
      for (const field in doc) {
        const v = doc[field];
        if (typeof v !== 'string' || v.charCodeAt(0) !== 126 /* ~ */) continue;
        const m = SEALED.exec(v);
        if (!m) continue;
        const version = Number(m[2]);
        let list = found.get(version);
        if (!list) found.set(version, (list = []));
        list.push({ doc: i, field, sealed: m[3]! });
      }
    });
    if (found.size === 0) return docs;
    const out = docs.map((d) => ({ ...d }));
    for (const [version, values] of found) {
      const key = await this.keyOfVersion(version);
      const opened = this.openMany(key, values);
      values.forEach((v, i) => (out[v.doc]![v.field] = opened[i]));
    }
    return out;
  }

  async openDoc(doc: Doc): Promise<Doc> {
    return (await this.openDocs([doc]))[0]!;
  }

  /** The plaintext key of an opened record (the `key` column may be its blind index). */
  keyOf(storedKey: string, opened: Doc): string {
    return this.keyIsSealed ? String(opened[this.shape!.keyField]) : storedKey;
  }

  private async keyOfVersion(version: number): Promise<SealKey> {
    if (this.sealing?.data.version === version) return this.sealing.data;
    if (!this.keys) throw new Error(`records of ${this.scope} are sealed but no key store is configured`);
    return this.keys.version(this.scope, version);
  }

  private openMany(key: SealKey, values: Array<{ field: string; sealed: string }>): unknown[] {
    try {
      const items = values.map((v) => ({ data: Buffer.from(v.sealed, 'base64url'), aad: this.aad(v.field) }));
      return key.cipher.openMany(key.key, items).map((b) => JSON.parse(b.toString()) as unknown);
    } catch {
      throw new HubError('KEY_UNREADABLE', msg('keys.sealBroken', { scope: this.scope }));
    }
  }

  /** The `key` column of a row whose doc was just sealed: the key field's blind is reused, not computed twice. */
  private sealedKey(row: RecordRow, sealedDoc: Doc): string {
    if (!this.keyIsSealed) return row.key;
    const field = this.shape!.keyField;
    const v = sealedDoc[field];
    if (String(row.doc[field]) === row.key && typeof v === 'string')
      return SEALED.exec(v)?.[1] ?? this.storedKey(row.key);
    return this.storedKey(row.key);
  }

  private blind(field: string, value: string): string {
    const { lookup } = this.sealing!;
    return lookup.cipher.mac(lookup.key, `${field}\u0000${value}`).toString('hex').slice(0, BLIND_HEX);
  }

  private readonly aads = new Map<string, Buffer>();

  private aad(field: string): Buffer {
    let a = this.aads.get(field);
    if (!a) this.aads.set(field, (a = Buffer.from(`${this.scope}\u0000${field}`)));
    return a;
  }
}

/** Records stored as given: a store built without a key store (tests of the store alone). */
export const PLAIN_CODEC = new RecordCodec('plain', undefined, undefined, undefined);
export const PLAIN_CODECS: RecordCodecs = { of: async () => PLAIN_CODEC };

/**
 * The codecs of a hub: a resource's shape from the catalog (its sensitivity-4 fields), its keys
 * from the key store (kept unwrapped there). A resource with nothing to seal gets no keys until
 * one of its stored values turns out sealed (a field's sensitivity lowered after a load).
 */
export function recordCodecs(
  keys: SealingKeys,
  shapeOf: (resourceId: number) => Promise<SealedShape | undefined>,
): RecordCodecs {
  return {
    async of(resourceId) {
      const scope = resourceScope(resourceId);
      const shape = await shapeOf(resourceId);
      if (!shape || shape.sealed.length === 0) return new RecordCodec(scope, shape, undefined, keys);
      const [data, lookup] = await Promise.all([keys.current(scope), keys.lookup(scope)]);
      return new RecordCodec(scope, shape, { data, lookup }, keys);
    },
  };
}

/**
 * A data rotation's pass over one resource: every record opened (under whichever version sealed
 * it) and sealed again under the active data key, a batch at a time in key order. Each batch is
 * one statement that writes a row only if it is still as read, so a load or a correction that
 * wrote the row meanwhile (already under the new key) wins; nothing holds a transaction while
 * keys are fetched (PGlite has one connection). Returns the rows rewritten.
 */
export async function resealRecords(
  db: Kysely<RecordTables>,
  codec: RecordCodec,
  resourceId: number,
  batchSize: number,
  onBatch: (done: number) => Promise<void> = async () => {},
): Promise<number> {
  let after: string | null = null;
  let done = 0;
  for (;;) {
    let q = db.selectFrom('records.record').select(['key', 'doc']).where('resource_id', '=', resourceId);
    if (after !== null) q = q.where('key', '>', after);
    const rows = await q.orderBy('key').limit(batchSize).execute();
    if (rows.length === 0) return done;
    after = rows[rows.length - 1]!.key;
    const opened = await codec.openDocs(rows.map((r) => r.doc));
    const values = rows.map((r, i) => {
      const key = codec.storedKey(codec.keyOf(r.key, opened[i]!));
      return sql`(${r.key}, ${JSON.stringify(r.doc)}::jsonb, ${key}, ${JSON.stringify(codec.sealDoc(opened[i]!))}::jsonb)`;
    });
    const result = await sql`
      update records.record r set key = v.new_key, doc = v.new_doc
      from (values ${sql.join(values)}) as v(old_key, old_doc, new_key, new_doc)
      where r.resource_id = ${resourceId} and r.key = v.old_key and r.doc = v.old_doc`.execute(db);
    done += Number(result.numAffectedRows ?? 0);
    await onBatch(done);
  }
}
