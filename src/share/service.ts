import type { AccessService, Actor } from '../access/index.js';
import { checkValue, type CatalogService, type Field, type Resource } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError, invalid, writeCsv, msg } from '../kernel/index.js';
import type { Ledger, ReadOp } from '../ledger/index.js';
import { GOVERNANCE, type Purposes } from '../purpose/index.js';
import type { RecordStore } from '../records/index.js';
import { AuthorizedGrants } from './authorized-grants.js';
import { Grants, type ActiveGrant, type Grant, type GrantInput } from './grants.js';
import { projectRecord } from './masking.js';
import { recordedRead, type Admission, type Refusal } from './recorded-read.js';
import type { KeyedRecord, NodeAsk, RemoteRecords } from './remote.js';
import { DataServices, serviceCodeOf } from './services.js';
import { Monitoring } from './monitoring.js';
import type { ShareTables } from './tables.js';
import { Usage } from './usage.js';
import { embedWatermark, identifyWatermark, newMark, type Candidate, type WatermarkReading } from './watermark.js';

/** Exports a leaked file is tested against, newest first. */
const MAX_CANDIDATES = 5000;

/** One row of share.export: who took which watermarked bulk export, with names for people. */
export interface ExportRecord {
  mark: string;
  consumer: string;
  consumerName: string | null;
  resource: string;
  resourceName: string | null;
  rows: number;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
}

/** What identifying a leaked file found: the reading, and the export it names, if any. */
export interface Identification extends WatermarkReading {
  /** Rows of the file after its header. */
  rows: number;
  /** Known exports the file was tested against. */
  candidates: number;
  export: ExportRecord | null;
}

export interface Lookup {
  items: Record<string, unknown>[];
  fields: string[];
  grant: number | null;
}

/** Which fields a caller sees of a resource, which of them masked, and under which grant. */
export interface Visibility {
  visible: ReadonlySet<string>;
  masked: ReadonlySet<string>;
  grant: number | null;
  /** Purpose codes the caller may state: its grant's; null for the provider and operators (any registered). */
  purposes: ReadonlySet<string> | null;
  /** The consumer's grant, for its quota and rate; none for the provider and operators. */
  active?: ActiveGrant;
}

/**
 * How much of a resource's records a caller sees before any grant, as the access policy decides
 * it (record-sight.ts, given to ShareService by the hub): every field (the resource's provider),
 * every field with the sensitive ones masked (operators), or only what a grant gives.
 */
export type Sight = 'all' | 'masked' | 'granted';

/** Sensitivity from which an operator, who is not the data's owner, sees a field masked. */
const OPERATOR_MASK_FROM = 3;
/** The purpose of paging through one's own (or, for operators, any) resource's records. */
/** What the demo's sample key is read for: showing a caller a key its service answers. */
const SAMPLE = 'service_sample';
/** Keys in one batch call. */
export const MAX_BATCH = 100;
/** Problems of a refused read: each is counted as an error of the service. */
const REFUSALS = new Set([
  'ACC_FORBIDDEN',
  'SHR_NO_GRANT',
  'SHR_PURPOSE_NOT_GRANTED',
  'SHR_QUOTA_EXCEEDED',
  'SHR_RATE_LIMITED',
]);
/** Problems of a read that was admitted but could not be served: counted as errors too. */
const FAILURES = new Set([...REFUSALS, 'CAS_PEER_FAILED']);
/** How the node that keeps a resource's records sees the node that asks: a reader outside its provider. */
const OUTSIDE = { org: null, all: false } as const;

function noGrant(actor: Actor, resource: Resource): HubError {
  return new HubError(
    'SHR_NO_GRANT',
    msg('share.noActiveGrant', { holder: actor.org?.name ?? actor.username, code: resource.code }),
  );
}

/**
 * 通: grants, data services and every read of a resource's records. Each read takes the same
 * path — authorize, decide the visible and masked fields, admit (quota, rate), read, mask, append
 * to the ledger (a denial too), count — in `read` below, so no route has a copy of it.
 */
export class ShareService {
  /** Grants as callers reach them: the access policy asked first (authorized-grants.ts). */
  readonly grants: AuthorizedGrants;
  readonly services: DataServices;
  readonly usage: Usage;
  readonly monitoring: Monitoring;
  /** The key of the bulk exports' watermarks (docs/watermark.md); the same in every process. */
  readonly watermarkSecret: Uint8Array;
  private readonly exportsDb: Kysely<ShareTables>;
  private readonly grantStore: Grants;
  private readonly sight: (actor: Actor, provider: string) => Sight;
  /** Where the records of a resource kept on another node come from (the city's, given by the hub). */
  private remote: RemoteRecords | undefined;

  constructor(
    database: Database,
    private readonly access: AccessService,
    private readonly catalog: CatalogService,
    private readonly records: RecordStore,
    private readonly ledger: Ledger,
    private readonly purposes: Purposes,
    opts: {
      now?: () => Date;
      watermarkSecret: Uint8Array;
      /** The access policy's answer to how much of a provider's records an actor sees (record-sight.ts). */
      sight: (actor: Actor, provider: string) => Sight;
    },
  ) {
    this.watermarkSecret = opts.watermarkSecret;
    this.sight = opts.sight;
    this.grantStore = new Grants(database, access, catalog, ledger, purposes);
    this.grants = new AuthorizedGrants(this.grantStore);
    this.services = new DataServices(database, catalog);
    this.usage = new Usage(database, opts.now);
    this.monitoring = new Monitoring(database);
    this.exportsDb = database.kysely.withTables<ShareTables>();
  }

  /**
   * Fetches the records of resources marked with an origin (a district's, on the city) from the
   * node that keeps them, instead of this node's store: the rest of each read stays as it is.
   */
  useRemoteRecords(remote: RemoteRecords): void {
    this.remote = remote;
  }

  async start(): Promise<void> {
    await this.grantStore.start();
    await this.services.start();
    this.usage.start();
  }

  async stop(): Promise<void> {
    await this.usage.stop();
    await this.grantStore.stop();
  }

  createGrant(actor: Actor | null, input: GrantInput): Promise<Grant> {
    return this.grants.create(actor, input);
  }

  listGrants(actor: Actor | null): Promise<Grant[]> {
    return this.grants.list(actor);
  }

  /** One subject's record by key, through the catalog's resource page. */
  async lookup(actor: Actor | null, code: string, rawKey: string, purpose: string): Promise<Lookup> {
    const resource = await this.catalog.get(code);
    const key = normalizeKey(resource, rawKey);
    return this.read(actor, resource, 'lookup', purpose, [key], async (vis, by) => {
      if (resource.remote) return (await this.fromNode(resource, [key], vis, by)).map((r) => r.doc);
      const record = await this.records.find(resource.id, key);
      return record ? [record] : [];
    });
  }

  /** One subject's record through a data service, for one of the grant's purposes. */
  async serviceLookup(actor: Actor | null, serviceCode: string, rawKey: string, purpose?: string): Promise<Lookup> {
    const resource = await this.services.resourceOf(serviceCode);
    const key = normalizeKey(resource, rawKey);
    return this.read(actor, resource, 'service.lookup', purpose, [key], async (vis, by) => {
      if (resource.remote) return (await this.fromNode(resource, [key], vis, by)).map((r) => r.doc);
      const record = await this.records.find(resource.id, key);
      return record ? [record] : [];
    });
  }

  /** Up to MAX_BATCH subjects in one call; keys without a record are listed apart, not an error. */
  async serviceBatch(
    actor: Actor | null,
    serviceCode: string,
    rawKeys: string[],
    purpose?: string,
  ): Promise<Lookup & { notFound: string[] }> {
    const resource = await this.services.resourceOf(serviceCode);
    if (rawKeys.length === 0 || rawKeys.length > MAX_BATCH)
      throw invalid('keys', msg('share.keysCount', { max: MAX_BATCH }));
    const keys = [...new Set(rawKeys.map((k, i) => normalizeKey(resource, k, `keys/${i}`)))];
    const found = new Map<string, Record<string, unknown>>();
    const result = await this.read(actor, resource, 'service.batch', purpose, keys, async (vis, by) => {
      const records = resource.remote
        ? await this.fromNode(resource, keys, vis, by)
        : await this.records.findMany(resource.id, keys);
      for (const r of records) found.set(r.key, r.doc);
      return keys.flatMap((k) => (found.has(k) ? [found.get(k)!] : []));
    });
    return { ...result, notFound: keys.filter((k) => !found.has(k)) };
  }

  /** A page of records matching equality filters on visible fields, for bulk use under a grant. */
  async serviceFilter(
    actor: Actor | null,
    serviceCode: string,
    filters: Record<string, string>,
    page: number,
    pageSize: number,
    purpose?: string,
  ): Promise<Lookup & { page: number; pageSize: number; hasMore: boolean }> {
    const resource = await this.services.resourceOf(serviceCode);
    // A district's records are asked for by key only: a filter would scan a node not ours.
    if (resource.remote)
      throw new HubError(
        'KRN_BAD_REQUEST',
        msg('share.remoteByKeyOnly', { code: resource.code, node: resource.remote.divisionName }),
      );
    const typed: Record<string, string> = {};
    let hasMore = false;
    const result = await this.read(actor, resource, 'service.filter', purpose, null, async (vis) => {
      for (const [name, raw] of Object.entries(filters)) {
        const field = resource.fields.find((f) => f.name === name);
        if (!field || !vis.visible.has(name)) throw invalid(`filter/${name}`, msg('share.notVisibleField'));
        if (vis.masked.has(name)) throw invalid(`filter/${name}`, msg('share.maskedFilter'), { label: field.label });
        const checked = checkValue({ ...field, required: true }, raw);
        if (!checked.ok) throw invalid(`filter/${name}`, checked.message, { label: field.label });
        typed[name] = String(checked.value);
      }
      const rows = await this.records.filter(resource.id, typed, (page - 1) * pageSize, pageSize + 1);
      hasMore = rows.length > pageSize;
      return rows.slice(0, pageSize);
    });
    return { ...result, page, pageSize, hasMore };
  }

  /**
   * A bulk export as CSV, watermarked with a new mark that is registered with who took it, so
   * that a leaked file names its source (docs/watermark.md): the rows in the mark's order, a few
   * decoy rows whose keys fail their check digit, free text spaced. No code, key, number or date
   * value is changed. `rows` counts the file's rows, decoys included.
   */
  async serviceExport(
    actor: Actor | null,
    serviceCode: string,
    filters: Record<string, string>,
    limit: number,
    purpose?: string,
  ): Promise<{ csv: string; mark: string; rows: number }> {
    const result = await this.serviceFilter(actor, serviceCode, filters, 1, limit, purpose);
    const resource = await this.services.resourceOf(serviceCode);
    const fields = resource.fields.filter((f) => result.fields.includes(f.name));
    const mark = newMark();
    const rows = embedWatermark(result.items, { keyField: resource.keyField, fields }, mark, this.watermarkSecret);
    await this.exportsDb
      .insertInto('share.export')
      .values({
        mark,
        consumer_org: actor!.org?.code ?? actor!.username,
        resource_code: resource.code,
        rows: rows.length,
        created_by: actor!.username,
      })
      .execute();
    const columns = fields.map((f) => f.name);
    const csv = writeCsv(
      rows.map((r) => columns.map((c) => r[c] ?? '')),
      columns,
    );
    return { csv, mark, rows: rows.length };
  }

  /** Who took the export a watermark names, with the names of the consumer and the resource. */
  async exportOf(mark: string): Promise<ExportRecord | null> {
    const row = await this.exportsDb.selectFrom('share.export').selectAll().where('mark', '=', mark).executeTakeFirst();
    if (!row) return null;
    const consumer = await this.access.findOrganization(row.consumer_org);
    const resource = await this.catalog.get(row.resource_code).catch(() => undefined);
    const people = await this.access.displayNames([row.created_by]);
    return {
      mark: row.mark,
      consumer: row.consumer_org,
      consumerName: consumer?.name ?? null,
      resource: row.resource_code,
      resourceName: resource?.name ?? null,
      rows: row.rows,
      createdBy: row.created_by,
      createdByName: people.get(row.created_by) ?? null,
      createdAt: row.created_at.toISOString(),
    };
  }

  /**
   * Which export a leaked table (header first) came from: tested against the latest exports of
   * every resource whose fields include the file's key column, or any of its columns.
   */
  async identifyExport(table: string[][]): Promise<Identification> {
    const header = new Set((table[0] ?? []).map((h) => h.trim()));
    const exports = await this.exportsDb
      .selectFrom('share.export')
      .select(['mark', 'resource_code'])
      .orderBy('id', 'desc')
      .limit(MAX_CANDIDATES)
      .execute();
    const shapes = new Map<string, Omit<Candidate, 'mark'> | null>();
    const candidates: Candidate[] = [];
    for (const e of exports) {
      if (!shapes.has(e.resource_code)) {
        const resource = await this.catalog.get(e.resource_code).catch(() => undefined);
        const fits = resource !== undefined && resource.fields.some((f) => header.has(f.name));
        shapes.set(e.resource_code, fits ? { keyField: resource.keyField, fields: resource.fields } : null);
      }
      const shape = shapes.get(e.resource_code);
      if (shape) candidates.push({ mark: e.mark, ...shape });
    }
    const reading = identifyWatermark(table, candidates, this.watermarkSecret);
    return {
      ...reading,
      rows: Math.max(0, table.length - 1),
      candidates: candidates.length,
      export: reading.mark === null ? null : await this.exportOf(reading.mark),
    };
  }

  /** Pages through a resource's records: its provider's officers, and operators (masked). */
  async browse(
    actor: Actor | null,
    code: string,
    page: number,
    pageSize: number,
  ): Promise<{ items: Record<string, unknown>[]; total: number }> {
    const resource = await this.catalog.get(code);
    // A district's resource is served by its node record by record for grants (remote.ts), not paged here.
    if (resource.remote)
      throw new HubError(
        'SHR_KEPT_REMOTELY',
        msg('share.keptRemotely', { code: resource.code, district: resource.remote.divisionName }),
      );
    const result = await this.read(actor, resource, 'browse', GOVERNANCE, null, async () => {
      return this.records.page(resource.id, page, pageSize);
    });
    return { items: result.items, total: resource.recordCount };
  }

  /**
   * A citizen's own records in the resources named (我的数据: the theme and topic resources keyed
   * by citizen ID that the person base does not absorb), every field as held: one recorded read
   * under the caller's own look, one ledger entry per resource that held a record of them.
   */
  async ownRecords(
    actor: Actor | null,
    key: string,
    resources: Resource[],
  ): Promise<Array<{ resource: Resource; doc: Record<string, unknown>; loadedAt: Date }>> {
    const request = {
      actor,
      action: 'base:read-own' as const,
      target: { self: true },
      op: 'self.records' as const,
      resource: 'self',
      purpose: 'self_query',
      subjects: null,
    };
    return recordedRead(this.ledger, request, {
      admit: async () => ({ context: null }),
      fetch: () => Promise.all(resources.map((r) => this.records.findDated(r.id, key))),
      mask: (found) =>
        found.flatMap((f, i) => (f ? [{ resource: resources[i]!, doc: f.doc, loadedAt: f.loadedAt }] : [])),
      rows: (held) => held.length,
      answer: (held) => held.map((h) => h.doc),
      subjectsOf: (found) => found.flatMap((f, i) => (f ? [{ key, resource: resources[i]!.code }] : [])),
    });
  }

  /**
   * A real subject's key for the demo's service console, to a caller who sees the key field
   * plainly: it discloses that subject, so it is a recorded read of that subject like any other.
   */
  async sampleKey(actor: Actor | null, code: string): Promise<string | undefined> {
    const resource = await this.catalog.get(code);
    // The city keeps none of a district's records to take one from: the caller types a key.
    if (resource.remote) return undefined;
    const request = {
      actor,
      action: 'records:lookup' as const,
      op: 'sample' as const,
      resource: resource.code,
      purpose: SAMPLE,
      subjects: null,
    };
    return recordedRead(this.ledger, request, {
      admit: async (a) => {
        const vis = await this.visibility(a, resource);
        if (!vis?.visible.has(resource.keyField) || vis.masked.has(resource.keyField))
          return { refused: noGrant(a, resource), reason: 'no_grant', grant: vis?.grant ?? null };
        return { grant: vis.grant, fields: [resource.keyField], context: null };
      },
      fetch: () => this.records.page(resource.id, 1, 1),
      mask: ([doc]) => (doc ? String(doc[resource.keyField]) : undefined),
      rows: (key) => (key === undefined ? 0 : 1),
      subjectsOf: (docs) => docs.map((d) => String(d[resource.keyField])),
    });
  }

  /**
   * A read of a resource's records through the one recorded read (recorded-read.ts): the policy,
   * then the caller's visibility, the stated purpose and the grant's quota and rate; read, mask by
   * the fields' data elements, on the ledger, and only then returned. `keys` are the subjects (null
   * for a page or a filter). Every call, refused or not, is counted for the service's monitoring.
   */
  private async read(
    actor: Actor | null,
    resource: Resource,
    op: ReadOp,
    purpose: string | undefined,
    keys: string[] | null,
    fetch: (vis: Visibility, by: { actor: Actor; purpose: string }) => Promise<Record<string, unknown>[]>,
  ): Promise<Lookup> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    const started = performance.now();
    const service = serviceCodeOf(resource.code);
    const why = purpose?.trim() ?? '';
    const browse = op === 'browse';
    let items: Record<string, unknown>[];
    let vis: Visibility;
    try {
      ({ items, vis } = await recordedRead(
        this.ledger,
        {
          actor,
          action: browse ? 'records:browse' : 'records:lookup',
          target: browse ? { ownerOrg: resource.provider.code } : {},
          op,
          resource: resource.code,
          purpose: why,
          subjects: keys,
          forbidden: browse ? undefined : (a) => noGrant(a, resource),
        },
        {
          admit: (a) => this.admit(a, resource, service, why),
          fetch: async (v) => ({ records: await fetch(v, { actor, purpose: why }), vis: v }),
          mask: ({ records, vis: v }) => ({
            items: records.map((r) => projectRecord(r, resource.fields, v.visible, v.masked)),
            vis: v,
          }),
          rows: (value) => value.items.length,
          answer: (value) => value.items,
          subjectsOf: keys ? undefined : ({ records }) => records.map((r) => String(r[resource.keyField])),
        },
      ));
    } catch (e) {
      if (e instanceof HubError && FAILURES.has(e.code)) this.count(service, actor, 0, true, started);
      throw e;
    }
    this.count(service, actor, items.length, false, started);
    if (op.endsWith('lookup') && items.length === 0) {
      throw new HubError('SHR_RECORD_NOT_FOUND', msg('records.noRecordIn', { code: resource.code }));
    }
    return { items, fields: [...vis.visible], grant: vis.grant };
  }

  /**
   * The records of `keys` from the node that keeps the resource: only the fields the caller sees
   * leave it, the masked ones masked there (and masked again here, which changes nothing).
   */
  private async fromNode(
    resource: Resource,
    keys: string[],
    vis: Visibility,
    by: { actor: Actor; purpose: string },
  ): Promise<KeyedRecord[]> {
    if (!this.remote) throw new HubError('KRN_INTERNAL', msg('share.noRemoteRecords', { code: resource.code }));
    return this.remote(resource.remote!, {
      keys,
      fields: [...vis.visible],
      masked: [...vis.masked],
      purpose: by.purpose,
      org: by.actor.org?.code ?? null,
      grant: vis.grant,
    });
  }

  /**
   * On a district: the records of one of its published resources by key, for the node above it
   * (docs/cascade.md). `node` is that node as a reader (cascade:<node id>, for the city's consuming
   * organization); the city admitted the read under its grant, so here the resource must be shared
   * at all (not 不予共享) and the fields its own. The one recorded read, as any: this node's
   * `share.read` entries (op `cascade.serve`, one per key, with the city's grant and purpose) are
   * durable before the records leave, the masked fields masked here.
   */
  async serveNode(node: Actor, ask: NodeAsk): Promise<KeyedRecord[]> {
    if (ask.keys.length === 0 || ask.keys.length > MAX_BATCH)
      throw invalid('keys', msg('share.keysCount', { max: MAX_BATCH }));
    // Readers outside the provider read the published version: its fields are the ones the city has.
    const resource = await this.catalog.read(ask.code, OUTSIDE).catch((e: unknown) => {
      if (e instanceof HubError && e.code === 'CAT_RESOURCE_NOT_FOUND')
        throw new HubError('SHR_NOT_PUBLISHED', msg('share.notPublished', { code: ask.code }));
      throw e;
    });
    const known = new Set(resource.fields.map((f) => f.name));
    const unknown = [...ask.fields, ...ask.masked].filter((f) => !known.has(f));
    if (unknown.length > 0) throw invalid('fields', msg('share.notFieldsOf', { code: resource.code, fields: unknown }));
    const notAsked = ask.masked.filter((f) => !ask.fields.includes(f));
    if (notAsked.length > 0) throw invalid('masked', msg('share.notGrantedFields', { fields: notAsked }));
    const keys = [...new Set(ask.keys.map((k, i) => normalizeKey(resource, k, `keys/${i}`)))];
    const visible = new Set(ask.fields);
    const masked = new Set(ask.masked);
    const request = {
      actor: node,
      action: 'records:lookup' as const,
      op: 'cascade.serve' as const,
      resource: resource.code,
      purpose: ask.purpose,
      subjects: keys,
    };
    return recordedRead(this.ledger, request, {
      admit: async () =>
        resource.shareType === 'none'
          ? {
              refused: new HubError('SHR_NO_GRANT', msg('share.notShared', { code: resource.code })),
              reason: 'no_grant',
              grant: ask.grant,
            }
          : { grant: ask.grant, fields: [...visible], context: null },
      fetch: () => this.records.findMany(resource.id, keys),
      mask: (found) => found.map((r) => ({ key: r.key, doc: projectRecord(r.doc, resource.fields, visible, masked) })),
      rows: (served) => served.length,
    });
  }

  /** Past the policy: a grant (or ownership), a purpose it allows, and room in its quota and rate. */
  private async admit(
    actor: Actor,
    resource: Resource,
    service: string,
    why: string,
  ): Promise<Refusal | Admission<Visibility>> {
    const vis = await this.visibility(actor, resource);
    if (!vis) return { refused: noGrant(actor, resource), reason: 'no_grant', grant: null };
    if (!why) throw invalid('purpose', msg('share.purposeRequired'));
    if (!(await this.allows(vis, why))) {
      const refused = new HubError(
        'SHR_PURPOSE_NOT_GRANTED',
        vis.purposes
          ? msg('share.purposeNotAllowedBy', { grant: vis.grant ?? '', purposes: [...vis.purposes] })
          : msg('share.purposeNotAllowed'),
      );
      return { refused, reason: 'purpose', grant: vis.grant };
    }
    if (vis.active) {
      try {
        await this.usage.admit(vis.active, service, actor.org!.code);
      } catch (e) {
        if (e instanceof HubError && REFUSALS.has(e.code)) return { refused: e, reason: 'quota', grant: vis.grant };
        throw e;
      }
    }
    return { grant: vis.grant, fields: [...vis.visible], context: vis };
  }

  /** A grant allows its own purposes; the provider and operators, any registered one. */
  private async allows(vis: Visibility, purpose: string): Promise<boolean> {
    if (vis.purposes) return vis.purposes.has(purpose);
    return (await this.purposes.find(purpose)) !== undefined;
  }

  private count(service: string, actor: Actor, rows: number, error: boolean, started: number): void {
    this.usage.record(service, actor.org?.code ?? actor.username, {
      rows,
      error,
      latencyMs: performance.now() - started,
    });
  }

  /** Which fields the caller sees, and which of them masked; undefined when nothing is granted. */
  async visibility(actor: Actor, resource: Resource): Promise<Visibility | undefined> {
    const all = new Set(resource.fields.map((f) => f.name));
    const sight = this.sight(actor, resource.provider.code);
    if (sight === 'all') {
      return { visible: all, masked: new Set(), grant: null, purposes: null };
    }
    if (sight === 'masked') {
      const masked = resource.fields.filter((f) => f.sensitivity >= OPERATOR_MASK_FROM).map((f) => f.name);
      return { visible: all, masked: new Set(masked), grant: null, purposes: null };
    }
    if (!actor.org) return undefined;
    const grant = await this.grantStore.active(actor.org.code, resource.code);
    if (!grant) return undefined;
    return {
      visible: grant.fields,
      masked: grant.masked,
      grant: grant.id,
      purposes: grant.purposes,
      active: grant,
    };
  }
}

/** The key as stored: validated and normalized by the key field's own type (e.g. 15→18-digit IDs). */
function normalizeKey(resource: Resource, raw: string, at = 'key'): string {
  const field = resource.fields.find((f) => f.name === resource.keyField) as Field;
  const checked = checkValue({ ...field, required: true, codeList: undefined } as Field, raw);
  if (!checked.ok) throw invalid(at, checked.message);
  return String(checked.value);
}
