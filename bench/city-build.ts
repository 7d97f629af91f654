/**
 * Builds bench:city's city: CITY_RESOURCES catalog entries and CITY_RECORDS records spread over
 * them by a Zipf law, in the layout the hub itself gives them.
 *  register — entries are bulk-inserted as published (as bench:catalog does) and indexed by the
 *             catalog's own `reindexMissing` (search rows, term counts, first versions); a share of
 *             them get a published data service (Jinan: 12 000 services);
 *  large    — every resource whose rows reach the record store's own-partition threshold is
 *             loaded through `RecordStore.load` (staged, keyed, swapped in), so that it gets
 *             whatever layout the store gives a large load;
 *  small    — the long tail goes by one COPY into records.record itself, which PostgreSQL routes
 *             to the store's shared partition, and their counts are written as a load writes them.
 *             Only where the store has such a default partition: otherwise each small resource is
 *             loaded through `RecordStore.load` too (slow at 20 000, which is what the bench shows).
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { columnsOf, type CatalogTables, type Field, type ResourceContent } from '../src/catalog/index.js';
import { contentOf } from '../src/catalog/content.js';
import { copyText, sql } from '../src/db/index.js';
import { prng, readDemoCatalog } from '../src/demo/index.js';
import { people } from '../src/demo/people.js';
import type { openHub } from '../src/http/index.js';
import { makeCitizenId, makeCreditCode } from '../src/kernel/index.js';
import { recordCodecs, type RecordCodecs, type RecordRow } from '../src/records/index.js';
import { fmt } from './lib.js';

type Hub = Awaited<ReturnType<typeof openHub>>;
type Doc = Record<string, unknown>;

export interface CitySize {
  resources: number;
  records: number;
  /** The Zipf exponent: rank r holds a share proportional to r^-s. */
  skew: number;
  /** Published data services, as a share of the published entries. */
  serviceShare: number;
  /** Rows from which a resource is loaded through RecordStore.load (the store's own-partition threshold). */
  ownRows: number;
}

/** A resource of the city with its planned rows; `person` ones hold generated residents. */
export interface CityResource {
  id: number;
  code: string;
  provider: string;
  rows: number;
  person: boolean;
  keyField: string;
  fields: Field[];
  seed: number;
  /** Every 100th key, as the rows were generated (at most 100 000): what the lookups ask for. */
  keys: string[];
}

export interface City {
  /** Ranked by rows, largest first. */
  ranked: CityResource[];
  /** The demo's 人口基础信息 (JNGAJ-0001), rank 1: the data-service lookups go to it. */
  persons: CityResource;
  /** A person resource of the city's own, rank 2: the 1 M ingest goes into it. */
  ingestTarget: CityResource;
  services: number;
  buildSeconds: { register: number; large: number; small: number; analyze: number };
  layout: 'shared' | 'per-resource';
}

const DISTRICTS = ['历下区', '市中区', '槐荫区', '天桥区', '历城区', '长清区', '章丘区', '济阳区', '莱芜区', '钢城区'];
const DIVISIONS = ['370102', '370103', '370104', '370105', '370112', '370113', '370114', '370115', '370116'];
const STREETS = ['经十路', '泉城路', '历山路', '解放路', '和平路', '舜耕路', '花园路', '北园大街', '工业南路'];
const BATCH = 1000;

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** The value of field `f` for the i-th record of a resource: cheap, deterministic, of the field's type. */
function valueOf(f: Field, i: number, isKey: boolean): unknown {
  switch (f.type) {
    case 'citizen_id': {
      const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
      return makeCitizenId(DIVISIONS[isKey ? 0 : i % DIVISIONS.length]!, day, i % 1000);
    }
    case 'credit_code':
      return makeCreditCode(DIVISIONS[isKey ? 0 : i % DIVISIONS.length]!, i);
    case 'division':
      return DIVISIONS[i % DIVISIONS.length];
    case 'date':
      return new Date(Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000).toISOString().slice(0, 10);
    case 'integer':
      return i % 1000;
    case 'number':
      return (i % 100_000) / 100;
    case 'boolean':
      return i % 2 === 0;
    case 'phone':
      return `138${String(i % 1e8).padStart(8, '0')}`;
    default: {
      if (isKey) return `K${String(i).padStart(9, '0')}`;
      if (f.codeList?.length) return f.codeList[i % f.codeList.length];
      const text = `${STREETS[i % STREETS.length]}${(i % 997) + 1}号${f.label}`;
      return f.maxLength ? text.slice(0, f.maxLength) : text;
    }
  }
}

/** The i-th record of a templated resource: every field filled, the key unique by i. */
export function recordOf(r: CityResource, i: number): { key: string; doc: Doc } {
  const doc: Doc = {};
  for (const f of r.fields) doc[f.name] = valueOf(f, i, f.name === r.keyField);
  return { key: String(doc[r.keyField]), doc };
}

/** A resource's records in order, person ones from the demo's generator (valid IDs, names, dates). */
export function* recordsOf(r: CityResource): Generator<{ key: string; doc: Doc }> {
  let i = 0;
  const sample = (key: string) => {
    if (i++ % 100 === 0 && r.keys.length < 100_000) r.keys.push(key);
  };
  if (r.person) {
    for (const p of people(r.rows, r.seed)) {
      sample(p.citizen_id);
      yield { key: p.citizen_id, doc: { ...p } };
    }
  } else {
    for (let n = 0; n < r.rows; n++) {
      const record = recordOf(r, n);
      sample(record.key);
      yield record;
    }
  }
}

/** Bulk-registers the city's entries (published, a few drafts) from the demo's templates. */
async function register(hub: Hub, count: number, personContent: ResourceContent): Promise<string> {
  const templates = (await readDemoCatalog()).flatMap((d) =>
    d.registrations.map((r) => ({ provider: d.provider, content: r.content })),
  );
  const db = hub.db.kysely.withTables<CatalogTables>();
  const ingestCode = 'JNGAJ-900000';
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let n = start; n < Math.min(count, start + BATCH); n++) {
      const t = n === 0 ? { provider: 'JNGAJ', content: personContent } : templates[n % templates.length]!;
      const district = DISTRICTS[Math.floor(n / templates.length) % DISTRICTS.length]!;
      const year = 2015 + (Math.floor(n / (templates.length * DISTRICTS.length)) % 12);
      const name = n === 0 ? `${t.content.name}（全市汇聚）` : `${district}${t.content.name}（${year}年）`;
      // One entry in twenty is still a draft: registered, not published, no data.
      const draft = n > 0 && n % 20 === 0;
      rows.push({
        code: n === 0 ? ingestCode : `${t.provider}-${String(100000 + n)}`,
        provider_org: t.provider,
        created_by: 1,
        status: draft ? ('draft' as const) : ('published' as const),
        published_at: draft ? null : new Date(),
        ...columnsOf({ ...t.content, name }),
        search_text: '',
      });
    }
    await db.insertInto('catalog.resource').values(rows).execute();
  }
  await hub.catalog.reindexMissing();
  await sql`analyze catalog.resource`.execute(hub.db.kysely);
  await sql`analyze catalog.resource_search`.execute(hub.db.kysely);
  return ingestCode;
}

/** Publishes a data service for `share` of the published entries, as the demand workflow would. */
async function publishServices(hub: Hub, share: number): Promise<number> {
  await sql`
    insert into share.service (code, resource_code, published_by)
    select 'DS-' || code, code, 'operator' from catalog.resource
    where published_at is not null and (id * 7919) % 1000 < ${Math.round(share * 1000)}
    on conflict do nothing`.execute(hub.db.kysely);
  const { rows } = await sql<{ n: string }>`select count(*) as n from share.service`.execute(hub.db.kysely);
  return Number(rows[0]!.n);
}

/** Ranks the resources that mount records and gives rank r a share ∝ r^-skew of the records. */
function plan(
  resources: Array<Omit<CityResource, 'rows' | 'seed' | 'keys'>>,
  size: CitySize,
  first: string[],
): CityResource[] {
  const rand = prng(2026);
  const rest = resources.filter((r) => !first.includes(r.code));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const ordered = [...first.map((c) => resources.find((r) => r.code === c)!), ...rest];
  let h = 0;
  for (let r = 1; r <= ordered.length; r++) h += r ** -size.skew;
  const ranked = ordered.map((r, i) => ({
    ...r,
    rows: Math.floor((size.records * (i + 1) ** -size.skew) / h),
    seed: 100 + i,
    keys: [] as string[],
  }));
  // What the rounding left over goes to the largest, so the city holds exactly `records`.
  ranked[0]!.rows += size.records - ranked.reduce((s, r) => s + r.rows, 0);
  return ranked;
}

/** Whether records.record has a default partition (the store's shared partition for small resources). */
async function hasSharedPartition(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ shared: boolean }>(
      `select partdefid <> 0 as shared from pg_partitioned_table where partrelid = 'records.record'::regclass`,
    );
    return rows[0]?.shared ?? false;
  } finally {
    await client.end();
  }
}

/** Prints rows/s every `every` rows while a generator is drained. */
class Progress {
  private done = 0;
  private next: number;
  private readonly t0 = performance.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly every: number,
  ) {
    this.next = every;
  }
  add(n: number): void {
    if (n === 0) return;
    this.done += n;
    if (this.done >= this.next || this.done === this.total) {
      this.next += this.every;
      const s = seconds(this.t0);
      console.log(
        `  ${this.label}: ${fmt(this.done)} / ${fmt(this.total)} rows  ${fmt(this.done / s)} rows/s  ${fmt(s, 1)} s`,
      );
    }
  }
}

async function* batchesOf(r: CityResource, progress?: Progress): AsyncGenerator<RecordRow[]> {
  let batch: RecordRow[] = [];
  let row = 0;
  for (const { key, doc } of recordsOf(r)) {
    batch.push({ key, doc, sourceRow: ++row });
    if (batch.length === 5000) {
      progress?.add(batch.length);
      yield batch;
      batch = [];
    }
  }
  progress?.add(batch.length);
  if (batch.length) yield batch;
}

/** Loads one resource through the record store, as a snapshot (its rows replace whatever it held). */
export async function storeLoad(hub: Hub, r: CityResource, progress?: Progress): Promise<void> {
  const outcome = await hub.records.load(r.id, randomUUID(), batchesOf(r, progress), { snapshot: true });
  if (outcome.loaded !== r.rows) throw new Error(`${r.code}: loaded ${outcome.loaded} of ${r.rows}`);
}

/** A resource's rows as COPY text lines `key<TAB>doc`, for a bare table of the same rows. */
export function* copyLinesOf(r: CityResource): Generator<string> {
  let text = '';
  for (const { key, doc } of recordsOf(r)) {
    text += copyText(key) + '\t' + copyText(JSON.stringify(doc)) + '\n';
    if (text.length > 1 << 16) {
      yield text;
      text = '';
    }
  }
  yield text;
}

/**
 * The record codecs the hub composes (src/hub/index.ts): a resource's sensitivity-4 fields sealed
 * under its keys from the hub's key store, a sealed key field stored as its blind index. Rows that
 * bypass RecordStore.load are sealed by them, so that the hub reads them as its own.
 */
export function codecsOf(hub: Hub, resources: CityResource[]): RecordCodecs {
  const byId = new Map(resources.map((r) => [r.id, r]));
  return recordCodecs(hub.keys, async (id) => {
    const r = byId.get(id);
    return r && { keyField: r.keyField, sealed: r.fields.filter((f) => f.sensitivity >= 4).map((f) => f.name) };
  });
}

/** The keys as the `key` column holds them (blind indexes where the key field is sealed): for the bare lookups. */
export async function storedKeysOf(codecs: RecordCodecs, r: CityResource): Promise<string[]> {
  const codec = await codecs.of(r.id);
  return r.keys.map((k) => codec.storedKey(k));
}

/** COPYs the small resources' rows (sealed as the store seals) into records.record in one stream, then writes their counts. */
async function copySmall(hub: Hub, url: string, small: CityResource[], progress: Progress): Promise<void> {
  const codecs = codecsOf(hub, small);
  const sealers = [];
  for (const r of small) sealers.push(await codecs.of(r.id));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const lines = (function* () {
      let text = '';
      let n = 0;
      for (const [i, r] of small.entries()) {
        const prefix = `${r.id}\t`;
        const codec = sealers[i]!;
        let sourceRow = 0;
        for (const record of recordsOf(r)) {
          const { key, doc } = codec.sealRow({ ...record, sourceRow: ++sourceRow });
          text += prefix + copyText(key) + '\t' + copyText(JSON.stringify(doc)) + '\n';
          if (++n === 5000) {
            progress.add(n);
            yield text;
            text = '';
            n = 0;
          }
        }
      }
      progress.add(n);
      yield text;
    })();
    await pipeline(
      Readable.from(lines),
      client.query(copyFrom('copy records.record (resource_id, key, doc) from stdin')),
    );
    await client.query(
      `update catalog.resource r set record_count = c.n
       from unnest($1::int[], $2::bigint[]) as c(id, n) where r.id = c.id`,
      [small.map((r) => r.id), small.map((r) => r.rows)],
    );
  } finally {
    await client.end();
  }
}

export async function buildCity(hub: Hub, url: string, size: CitySize): Promise<City> {
  let t0 = performance.now();
  const persons = await hub.catalog.get('JNGAJ-0001');
  const existing = Number(
    (await sql<{ n: string }>`select count(*) as n from catalog.resource`.execute(hub.db.kysely)).rows[0]!.n,
  );
  const ingestCode = await register(hub, Math.max(1, size.resources - existing), contentOf(persons));
  const services = await publishServices(hub, size.serviceShare);
  const register_ = seconds(t0);
  console.log(
    `registered ${fmt(size.resources)} catalog entries (${fmt(existing)} of the demo's) and ${fmt(services)} data services in ${fmt(register_, 1)} s`,
  );

  // Ranked: the demo's person resource and the city's own, then the bulk entries that mount records.
  // The demo's other entries keep the rows the demo loaded into them.
  const { rows: candidates } = await sql<{
    id: number;
    code: string;
    provider_org: string;
    key_field: string;
    fields: Field[];
  }>`
    select id, code, provider_org, key_field, fields from catalog.resource
    where published_at is not null and mount->>'kind' = 'records'
      and (code in ('JNGAJ-0001', ${ingestCode}) or code ~ '-[0-9]{6}$')
    order by id`.execute(hub.db.kysely);
  const ranked = plan(
    candidates.map((c) => ({
      id: c.id,
      code: c.code,
      provider: c.provider_org,
      keyField: c.key_field,
      fields: c.fields,
      person: c.code === 'JNGAJ-0001' || c.code === ingestCode,
    })),
    size,
    ['JNGAJ-0001', ingestCode],
  ).filter((r) => r.rows > 0);

  const layout = (await hasSharedPartition(url)) ? 'shared' : 'per-resource';
  // The person resources always go through the store: JNGAJ-0001 holds the demo's rows, which its snapshot replaces.
  const byStore = (r: CityResource) => layout === 'per-resource' || r.person || r.rows >= size.ownRows;
  const large = ranked.filter(byStore);
  const small = ranked.filter((r) => !byStore(r));
  if (layout === 'per-resource') {
    console.log('records.record has no shared (default) partition: every resource is loaded through RecordStore.load');
  }

  t0 = performance.now();
  const largeRows = large.reduce((s, r) => s + r.rows, 0);
  const all = new Progress('RecordStore.load', largeRows, Math.max(1_000_000, Math.floor(largeRows / 10)));
  for (const r of large) await storeLoad(hub, r, all);
  const largeSeconds = seconds(t0);
  console.log(
    `loaded ${fmt(large.length)} resources (${fmt(largeRows)} rows) through RecordStore.load in ${fmt(largeSeconds, 1)} s: ${fmt(largeRows / largeSeconds)} rows/s`,
  );

  t0 = performance.now();
  const smallRows = small.reduce((s, r) => s + r.rows, 0);
  if (small.length) {
    await copySmall(hub, url, small, new Progress('COPY (shared partition)', smallRows, 1_000_000));
  }
  const smallSeconds = seconds(t0);
  if (small.length) {
    console.log(
      `loaded ${fmt(small.length)} small resources (${fmt(smallRows)} rows) by one COPY in ${fmt(smallSeconds, 1)} s: ${fmt(smallRows / smallSeconds)} rows/s`,
    );
  }

  t0 = performance.now();
  // Loads analyze what they stage; the COPYed rows need statistics as autovacuum would give them.
  await sql`analyze records.record`.execute(hub.db.kysely);
  await sql`vacuum (analyze) catalog.resource`.execute(hub.db.kysely);
  const analyzeSeconds = seconds(t0);
  console.log(`analyzed in ${fmt(analyzeSeconds, 1)} s`);

  return {
    ranked,
    persons: ranked[0]!,
    ingestTarget: ranked[1]!,
    services,
    buildSeconds: { register: register_, large: largeSeconds, small: smallSeconds, analyze: analyzeSeconds },
    layout,
  };
}
