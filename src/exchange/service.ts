import { authorize, hasRole, isAllowed, type AccessService, type Actor } from '../access/index.js';
import { checkValue, type CatalogService, type Field, type Resource } from '../catalog/index.js';
import type { Database, Kysely, Selectable } from '../db/index.js';
import { HubError, digestJson, invalid } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { projectRecord } from './masking.js';
import type { ExchangeTables, GrantState } from './tables.js';

export interface GrantInput {
  consumer: string;
  resource: string;
  fields: string[];
  purpose: string;
  expiresAt?: string | null;
}

export interface Grant {
  id: number;
  consumer: { code: string; name: string };
  resource: { code: string; name: string };
  fields: string[];
  purpose: string;
  expiresAt: string | null;
  state: GrantState;
  createdAt: string;
}

export interface Lookup {
  items: Record<string, unknown>[];
  fields: string[];
  grant: number | null;
}

/** Sensitivity from which an operator, who is not the data's owner, sees a field masked. */
const OPERATOR_MASK_FROM = 3;

export class ExchangeService {
  private readonly db: Kysely<ExchangeTables>;

  constructor(
    database: Database,
    private readonly access: AccessService,
    private readonly catalog: CatalogService,
    private readonly ledger: Ledger,
  ) {
    this.db = database.kysely.withTables<ExchangeTables>();
  }

  async createGrant(actor: Actor | null, input: GrantInput): Promise<Grant> {
    authorize(actor, 'grant:manage');
    const resource = await this.catalog.get(input.resource);
    if (resource.publishedAt === null) {
      throw new HubError('CAT_BAD_STATE', `${resource.code} is not published: nothing can be granted on it yet`);
    }
    const consumer = await this.access.findOrganization(input.consumer);
    if (!consumer) throw invalid('consumer', `no organization ${input.consumer}`);
    if (consumer.code === resource.provider.code)
      throw invalid('consumer', 'the provider needs no grant for its own data');
    const known = new Set(resource.fields.map((f) => f.name));
    const unknown = input.fields.filter((f) => !known.has(f));
    if (input.fields.length === 0 || unknown.length > 0) {
      throw invalid('fields', `not fields of ${resource.code}: ${unknown.join(', ') || '(none given)'}`);
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && !(expiresAt.getTime() > Date.now())) throw invalid('expiresAt', 'must be in the future');
    const row = await this.db
      .insertInto('exchange.grant')
      .values({
        consumer_org: consumer.code,
        resource_code: resource.code,
        fields: [...new Set(input.fields)],
        purpose: input.purpose,
        expires_at: expiresAt,
        created_by: actor.userId,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const grant = await this.getGrant(row.id);
    await this.ledger.append({
      kind: 'grant',
      action: 'create',
      grant: grant.id,
      consumer: grant.consumer.code,
      resource: grant.resource.code,
      fields: grant.fields,
      purpose: grant.purpose,
      expiresAt: grant.expiresAt,
      actor: actor.username,
      at: new Date().toISOString(),
    });
    return grant;
  }

  async revokeGrant(actor: Actor | null, id: number): Promise<Grant> {
    authorize(actor, 'grant:manage');
    const updated = await this.db
      .updateTable('exchange.grant')
      .set({ state: 'revoked', revoked_at: new Date() })
      .where('id', '=', id)
      .where('state', '=', 'active')
      .returning('id')
      .executeTakeFirst();
    const grant = await this.getGrant(id);
    if (updated) {
      await this.ledger.append({
        kind: 'grant',
        action: 'revoke',
        grant: id,
        actor: actor.username,
        at: new Date().toISOString(),
      });
    }
    return grant;
  }

  async getGrant(id: number): Promise<Grant> {
    const row = await this.db.selectFrom('exchange.grant').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HubError('SHR_GRANT_NOT_FOUND', `no grant ${id}`);
    return (await this.describeGrants([row]))[0]!;
  }

  /** Operators and auditors see every grant; an organization sees those it gives or receives. */
  async listGrants(actor: Actor | null): Promise<Grant[]> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    let q = this.db.selectFrom('exchange.grant').selectAll().orderBy('id', 'desc');
    if (!hasRole(actor, 'operator', 'auditor')) {
      const org = actor.org?.code ?? '';
      q = q.where((eb) => eb.or([eb('consumer_org', '=', org), eb('resource_code', 'like', `${org}-%`)]));
    }
    return this.describeGrants(await q.execute());
  }

  /** Consuming organizations of each resource under an active, unexpired grant (for the asset map). */
  async activeGrantsByResource(): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('exchange.grant')
      .select(['resource_code', 'consumer_org'])
      .distinct()
      .where('state', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .execute();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.resource_code, [...(out.get(r.resource_code) ?? []), r.consumer_org]);
    return out;
  }

  private async describeGrants(rows: Array<Selectable<ExchangeTables['exchange.grant']>>): Promise<Grant[]> {
    const orgs = new Map((await this.access.listOrganizations()).map((o) => [o.code, o.name]));
    const out: Grant[] = [];
    for (const r of rows) {
      const resource = await this.catalog.get(r.resource_code);
      out.push({
        id: r.id,
        consumer: { code: r.consumer_org, name: orgs.get(r.consumer_org) ?? r.consumer_org },
        resource: { code: resource.code, name: resource.name },
        fields: r.fields,
        purpose: r.purpose,
        expiresAt: r.expires_at?.toISOString() ?? null,
        state: r.state,
        createdAt: r.created_at.toISOString(),
      });
    }
    return out;
  }

  /**
   * Reads one subject's record. The order is the contract of DESIGN.md: authorize, decide which
   * fields the caller may see, read, mask, and append to the ledger — a denial is appended too —
   * and only then return, so no data leaves without a durable record of it.
   */
  async lookup(actor: Actor | null, code: string, rawKey: string, purpose: string): Promise<Lookup> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    const resource = await this.catalog.get(code);
    const key = normalizeKey(resource, rawKey);
    const base = this.accessEntry(actor, resource, 'lookup', purpose, key);
    const visibility = isAllowed(actor, 'records:lookup') ? await this.visibility(actor, resource) : undefined;
    if (!visibility) {
      await this.ledger.append({ ...base, outcome: 'denied', grant: null });
      throw new HubError(
        'SHR_NO_GRANT',
        `${actor.org?.name ?? actor.username} holds no active grant on ${resource.code}`,
      );
    }
    const record = await this.catalog.findRecord(resource.id, key);
    const items = record ? [projectRecord(record, resource.fields, visibility.visible, visibility.masked)] : [];
    await this.ledger.append({
      ...base,
      outcome: record ? 'allowed' : 'not_found',
      grant: visibility.grant,
      fields: [...visibility.visible],
      resultDigest: this.digest(items),
    });
    if (!record) throw new HubError('SHR_RECORD_NOT_FOUND', `no record in ${resource.code} with this key`);
    return { items, fields: [...visibility.visible], grant: visibility.grant };
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
    const visibility = (await this.visibility(actor, resource))!;
    const result = await this.catalog.pageRecords(resource, page, pageSize);
    const items = result.items.map((r) => projectRecord(r, resource.fields, visibility.visible, visibility.masked));
    await this.ledger.append({
      ...this.accessEntry(actor, resource, 'browse', 'browse', null),
      outcome: 'allowed',
      grant: null,
      page,
      rows: items.length,
      resultDigest: this.digest(items),
    });
    return { items, total: result.total };
  }

  /** Which fields the caller sees, and which of them masked; undefined when nothing is granted. */
  private async visibility(
    actor: Actor,
    resource: Resource,
  ): Promise<{ visible: Set<string>; masked: Set<string>; grant: number | null } | undefined> {
    const all = new Set(resource.fields.map((f) => f.name));
    if (actor.org?.code === resource.provider.code) return { visible: all, masked: new Set(), grant: null };
    if (hasRole(actor, 'operator')) {
      const masked = resource.fields.filter((f) => f.sensitivity >= OPERATOR_MASK_FROM).map((f) => f.name);
      return { visible: all, masked: new Set(masked), grant: null };
    }
    if (!actor.org) return undefined;
    const grant = await this.db
      .selectFrom('exchange.grant')
      .select(['id', 'fields'])
      .where('consumer_org', '=', actor.org.code)
      .where('resource_code', '=', resource.code)
      .where('state', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!grant) return undefined;
    return { visible: new Set(grant.fields), masked: new Set(), grant: grant.id };
  }

  private accessEntry(actor: Actor, resource: Resource, op: string, purpose: string, key: string | null) {
    return {
      kind: 'access',
      op,
      at: new Date().toISOString(),
      actor: actor.username,
      org: actor.org?.code ?? null,
      resource: resource.code,
      purpose,
      subject: key === null ? null : this.ledger.subjectTag(key),
    };
  }

  private digest(items: unknown[]): string {
    return digestJson(this.ledger.suite, items);
  }
}

/** The key as stored: validated and normalized by the key field's own type (e.g. 15→18-digit IDs). */
function normalizeKey(resource: Resource, raw: string): string {
  const field = resource.fields.find((f) => f.name === resource.keyField) as Field;
  const checked = checkValue({ ...field, required: true }, raw);
  if (!checked.ok) throw invalid('key', checked.reason);
  return String(checked.value);
}
