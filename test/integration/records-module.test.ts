import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogMigrations } from '../../src/catalog/index.js';
import { connect, migrate, sql, type Database } from '../../src/db/index.js';
import { MIGRATIONS } from '../../src/hub/index.js';
import { RecordStore, type RecordRow } from '../../src/records/index.js';
import { engines } from '../databases.js';

/**
 * A hub whose records were in the catalog's schema (catalog.record, before #12) keeps them when
 * they move to the records module's own schema, and loads after the move work as before.
 */
describe.each(engines())('records module migration on $name', (engine) => {
  let db: Database;
  let store: RecordStore;
  const counts = new Map<number, number>();
  const KEY = '370102199001011234';
  let before: number;

  beforeAll(async () => {
    if (engine.skip) return;
    db = await connect({ databaseUrl: await engine.createDatabase(), dataDir: 'memory://' });
    await migrate(db, [catalogMigrations]);
    before = await resource('JNGAJ-0001');
    await sql`insert into catalog.record (resource_id, key, doc, job_id, source_row, corrected)
      values (${before}, ${KEY}, ${JSON.stringify({ citizen_id: KEY, name: '张三' })}::jsonb, 'job-1', 7,
              '{"name":{"correction":3,"at":"2026-01-02T00:00:00.000Z"}}')`.execute(db.kysely);
    await migrate(db, MIGRATIONS);
    // The catalog's count of the record kept from before the move (its migration counted it).
    counts.set(before, 1);
    store = new RecordStore(db, {
      write: async (_trx, resourceId, count) =>
        void counts.set(resourceId, 'set' in count ? count.set : (counts.get(resourceId) ?? 0) + count.add),
      loaded: () => {},
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  async function resource(code: string): Promise<number> {
    const { rows } = await sql<{ id: number }>`
      insert into catalog.resource (code, name, provider_org, category, share_type, open_type, level,
                                    key_field, fields, created_by)
      values (${code}, '人口基础信息', 'JNGAJ', 'base', 'conditional', 'closed', 'important',
              'citizen_id', '[]'::jsonb, 1)
      returning id`.execute(db.kysely);
    return rows[0]!.id;
  }

  async function* batches(rows: RecordRow[]): AsyncGenerator<RecordRow[]> {
    yield rows;
  }

  it.skipIf(engine.skip)(
    'moves the table out of the catalog schema, a small partition into the shared one',
    async () => {
      // 002-shared-partition then moves a resource this small into the shared partition (docs/records.md).
      const { rows } = await sql<{ schema: string; name: string }>`
      select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relname in ('record', 'record_shared', ${`record_r${before}`}) and c.relkind in ('r', 'p')
      order by c.relname`.execute(db.kysely);
      expect(rows).toEqual([
        { schema: 'records', name: 'record' },
        { schema: 'records', name: 'record_shared' },
      ]);
    },
  );

  it.skipIf(engine.skip)('reads the records loaded before the move, with their origin', async () => {
    expect(await store.find(before, KEY)).toEqual({ citizen_id: KEY, name: '张三' });
    expect(await store.page(before, 1, 10)).toHaveLength(1);
    expect(await store.origin(before, KEY)).toMatchObject({
      jobId: 'job-1',
      sourceRow: 7,
      corrected: { name: { correction: 3, at: '2026-01-02T00:00:00.000Z' } },
    });
  });

  it.skipIf(engine.skip)('loads into a resource registered after the move', async () => {
    const after = await resource('JNGAJ-0002');
    const outcome = await store.load(
      after,
      'job-2',
      batches([
        { key: '1', doc: { citizen_id: '1' }, sourceRow: 1 },
        { key: '2', doc: { citizen_id: '2' }, sourceRow: 2 },
      ]),
    );
    expect(outcome).toEqual({ loaded: 2, merge: 'swap', duplicates: [] });
    expect(counts.get(after)).toBe(2);
    expect(await store.jobs(after)).toEqual(['job-2']);
  });

  it.skipIf(engine.skip)('merges a later load into records kept from before the move', async () => {
    const outcome = await store.load(before, 'job-3', batches([{ key: '9', doc: { citizen_id: '9' }, sourceRow: 1 }]));
    expect(outcome.merge).toBe('upsert');
    expect(counts.get(before)).toBe(2);
    expect(await store.findMany(before, [KEY, '9'])).toHaveLength(2);
  });
});
