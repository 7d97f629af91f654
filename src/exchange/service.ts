import { authorize, hasRole, isAllowed, type AccessService, type Actor } from '../access/index.js';
import { checkValue, type CatalogService, type Field, type Resource } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError, digestJson, invalid, writeCsv } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Purposes } from '../purpose/index.js';
import { Grants, type ActiveGrant, type Grant, type GrantInput } from './grants.js';
import { projectRecord } from './masking.js';
import { DataServices, serviceCodeOf } from './services.js';
import { Monitoring } from './monitoring.js';
import type { ExchangeTables } from './tables.js';
import { Usage } from './usage.js';
import { embedWatermark, newMark } from './watermark.js';

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

/** Sensitivity from which an operator, who is not the data's owner, sees a field masked. */
const OPERATOR_MASK_FROM = 3;
/** The purpose of paging through one's own (or, for operators, any) resource's records. */
const GOVERNANCE = 'data_governance';
/** Keys in one batch call. */
export const MAX_BATCH = 100;

/**
 * 通: grants, data services and every read of a resource's records. Each read takes the same
 * path — authorize, decide the visible and masked fields, admit (quota, rate), read, mask, append
 * to the ledger (a denial too), count — in `read` below, so no route has a copy of it.
 */
export class ExchangeService {
  readonly grants: Grants;
  readonly services: DataServices;
  readonly usage: Usage;
  readonly monitoring: Monitoring;
  /** The key of the bulk exports' watermarks (docs/watermark.md); the same in every process. */
  readonly watermarkSecret: Uint8Array;
  private readonly exportsDb: Kysely<ExchangeTables>;

  constructor(
    database: Database,
    private readonly access: AccessService,
    private readonly catalog: CatalogService,
    private readonly ledger: Ledger,
    private readonly purposes: Purposes,
    opts: { now?: () => Date; watermarkSecret: Uint8Array },
  ) {
    this.watermarkSecret = opts.watermarkSecret;
    this.grants = new Grants(database, access, catalog, ledger, purposes);
    this.services = new DataServices(database, catalog);
    this.usage = new Usage(database, opts.now);
    this.monitoring = new Monitoring(database);
    this.exportsDb = database.kysely.withTables<ExchangeTables>();
  }

  async start(): Promise<void> {
    await this.grants.start();
    this.usage.start();
  }

  async stop(): Promise<void> {
    await this.usage.stop();
    await this.grants.stop();
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
    return this.read(actor, resource, 'lookup', purpose, [key], async () => {
      const record = await this.catalog.findRecord(resource.id, key);
      return record ? [record] : [];
    });
  }

  /** One subject's record through a data service, for one of the grant's purposes. */
  async serviceLookup(actor: Actor | null, serviceCode: string, rawKey: string, purpose?: string): Promise<Lookup> {
    const resource = await this.services.resourceOf(serviceCode);
    const key = normalizeKey(resource, rawKey);
    return this.read(actor, resource, 'service.lookup', purpose, [key], async () => {
      const record = await this.catalog.findRecord(resource.id, key);
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
    if (rawKeys.length === 0 || rawKeys.length > MAX_BATCH) throw invalid('keys', `between 1 and ${MAX_BATCH} keys`);
    const keys = [...new Set(rawKeys.map((k, i) => normalizeKey(resource, k, `keys/${i}`)))];
    const found = new Map<string, Record<string, unknown>>();
    const result = await this.read(actor, resource, 'service.batch', purpose, keys, async () => {
      for (const r of await this.catalog.findRecords(resource.id, keys)) found.set(r.key, r.doc);
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
    const typed: Record<string, string> = {};
    let hasMore = false;
    const result = await this.read(actor, resource, 'service.filter', purpose, null, async (vis) => {
      for (const [name, raw] of Object.entries(filters)) {
        const field = resource.fields.find((f) => f.name === name);
        if (!field || !vis.visible.has(name)) throw invalid(`filter/${name}`, 'not a field this grant shows');
        if (vis.masked.has(name)) throw invalid(`filter/${name}`, 'a masked field cannot be filtered on');
        const checked = checkValue({ ...field, required: true }, raw);
        if (!checked.ok) throw invalid(`filter/${name}`, checked.reason);
        typed[name] = String(checked.value);
      }
      const rows = await this.catalog.filterRecords(resource.id, typed, (page - 1) * pageSize, pageSize + 1);
      hasMore = rows.length > pageSize;
      return rows.slice(0, pageSize);
    });
    return { ...result, page, pageSize, hasMore };
  }

  /**
   * A bulk export as CSV: the filtered records, their text fields watermarked with a new mark
   * that is registered with who took it, so that a leaked file names its source. The key field
   * stays unmarked, since consumers join on its exact value.
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
    const text = resource.fields
      .filter((f) => f.type === 'string' && f.name !== resource.keyField && result.fields.includes(f.name))
      .map((f) => f.name);
    const mark = newMark();
    const rows = text.length > 0 ? embedWatermark(result.items, text, mark, this.watermarkSecret) : result.items;
    await this.exportsDb
      .insertInto('exchange.export')
      .values({
        mark,
        consumer_org: actor!.org?.code ?? actor!.username,
        resource_code: resource.code,
        rows: rows.length,
        created_by: actor!.username,
      })
      .execute();
    const columns = resource.fields.filter((f) => result.fields.includes(f.name)).map((f) => f.name);
    const csv = writeCsv(
      rows.map((r) => columns.map((c) => r[c] ?? '')),
      columns,
    );
    return { csv, mark, rows: rows.length };
  }

  /** Who took the export a watermark names. */
  async exportOf(mark: string) {
    const row = await this.exportsDb
      .selectFrom('exchange.export')
      .selectAll()
      .where('mark', '=', mark)
      .executeTakeFirst();
    return row
      ? {
          mark: row.mark,
          consumer: row.consumer_org,
          resource: row.resource_code,
          rows: row.rows,
          createdBy: row.created_by,
          createdAt: row.created_at.toISOString(),
        }
      : null;
  }

  /** Pages through a resource's records: its provider's officers, and operators (masked). */
  async browse(
    actor: Actor | null,
    code: string,
    page: number,
    pageSize: number,
  ): Promise<{ items: Record<string, unknown>[]; total: number }> {
    const resource = await this.catalog.get(code);
    authorize(actor, 'records:browse', { ownerOrg: resource.provider.code });
    const result = await this.read(actor, resource, 'browse', GOVERNANCE, null, async () => {
      return (await this.catalog.pageRecords(resource, page, pageSize)).items;
    });
    return { items: result.items, total: resource.recordCount };
  }

  /**
   * The one read path, in the order DESIGN.md requires: authorize, decide the visible fields,
   * check the stated purpose against them, admit under quota and rate, read, mask, append to
   * the ledger — a denial or a refused purpose too — and only then
   * return, so no data leaves without a durable record of it. `keys` are the subjects (null for
   * a page or a filter), each recorded by its keyed tag so a citizen can find the access.
   */
  private async read(
    actor: Actor | null,
    resource: Resource,
    op: string,
    purpose: string | undefined,
    keys: string[] | null,
    fetch: (vis: Visibility) => Promise<Record<string, unknown>[]>,
  ): Promise<Lookup> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    const started = performance.now();
    const service = serviceCodeOf(resource.code);
    const vis = isAllowed(actor, 'records:lookup') ? await this.visibility(actor, resource) : undefined;
    const why = purpose?.trim() ?? '';
    if (!vis) {
      const who = actor.org?.name ?? actor.username;
      const error = new HubError('SHR_NO_GRANT', `${who} holds no active grant on ${resource.code}`);
      return this.refuse(actor, resource, op, why, keys, { grant: null }, started, error);
    }
    if (!why) throw invalid('purpose', 'required: the code of a purpose this access is allowed for');
    if (!(await this.allows(vis, why))) {
      const allowed = vis.purposes ? `: grant ${vis.grant} allows ${[...vis.purposes].join(', ')}` : '';
      const error = new HubError('SHR_PURPOSE_NOT_GRANTED', `not a purpose this access is allowed for${allowed}`);
      return this.refuse(actor, resource, op, why, keys, { reason: 'purpose', grant: vis.grant }, started, error);
    }
    if (vis.active) {
      // A call refused for its quota or rate is an error in the monitoring, like a denial.
      await this.usage.admit(vis.active, service, actor.org!.code).catch((e: unknown) => {
        this.count(service, actor, 0, true, started);
        throw e;
      });
    }
    const records = await fetch(vis);
    const items = records.map((r) => projectRecord(r, resource.fields, vis.visible, vis.masked));
    const found = keys && records.length === 0 ? 'not_found' : 'allowed';
    await this.appendAll(actor, resource, op, why, keys, {
      outcome: found,
      grant: vis.grant,
      fields: [...vis.visible],
      rows: items.length,
      resultDigest: digestJson(this.ledger.suite, items),
    });
    this.count(service, actor, items.length, false, started);
    if (op.endsWith('lookup') && items.length === 0) {
      throw new HubError('SHR_RECORD_NOT_FOUND', `no record in ${resource.code} with this key`);
    }
    return { items, fields: [...vis.visible], grant: vis.grant };
  }

  /** A refused read: on the ledger and counted as an error of the service before the problem leaves. */
  private async refuse(
    actor: Actor,
    resource: Resource,
    op: string,
    purpose: string,
    keys: string[] | null,
    outcome: Record<string, unknown>,
    started: number,
    error: HubError,
  ): Promise<never> {
    await this.appendAll(actor, resource, op, purpose, keys, { outcome: 'denied', ...outcome });
    this.count(serviceCodeOf(resource.code), actor, 0, true, started);
    throw error;
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

  /** One ledger entry per subject (so each citizen finds theirs), or one for a page; appended together. */
  private async appendAll(
    actor: Actor,
    resource: Resource,
    op: string,
    purpose: string,
    keys: string[] | null,
    outcome: Record<string, unknown>,
  ): Promise<void> {
    const base = {
      kind: 'access',
      op,
      at: new Date().toISOString(),
      actor: actor.username,
      org: actor.org?.code ?? null,
      resource: resource.code,
      purpose,
      ...outcome,
    };
    const subjects = keys ?? [null];
    await Promise.all(
      subjects.map((key) =>
        this.ledger.append({ ...base, subject: key === null ? null : this.ledger.subjectTag(key) }),
      ),
    );
  }

  /** Which fields the caller sees, and which of them masked; undefined when nothing is granted. */
  async visibility(actor: Actor, resource: Resource): Promise<Visibility | undefined> {
    const all = new Set(resource.fields.map((f) => f.name));
    if (actor.org?.code === resource.provider.code) {
      return { visible: all, masked: new Set(), grant: null, purposes: null };
    }
    if (hasRole(actor, 'operator')) {
      const masked = resource.fields.filter((f) => f.sensitivity >= OPERATOR_MASK_FROM).map((f) => f.name);
      return { visible: all, masked: new Set(masked), grant: null, purposes: null };
    }
    if (!actor.org) return undefined;
    const grant = await this.grants.active(actor.org.code, resource.code);
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
  if (!checked.ok) throw invalid(at, checked.reason);
  return String(checked.value);
}
