import type { AccessService, Actor } from '../access/index.js';
import type { CatalogService } from '../catalog/index.js';
import { sql, type Database, type Kysely, type Selectable, type Transaction } from '../db/index.js';
import { HubError, invalid, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Purposes } from '../purpose/index.js';
import type { ShareTables, GrantState } from './tables.js';

export interface GrantInput {
  consumer: string;
  resource: string;
  fields: string[];
  /** Granted fields that leave masked (by their data element's masking). */
  masked?: string[];
  /** Codes of registered purposes the consumer may read for; each call states one. */
  purposes: string[];
  expiresAt?: string | null;
  /** Calls a day the consumer may make on the resource; none = unlimited. */
  dailyQuota?: number | null;
  /** Calls a second; none = unlimited. */
  ratePerSecond?: number | null;
  demandId?: number | null;
}

/**
 * More work that must commit with a grant or not at all (the published demand that carries it):
 * run inside the grant's transaction, after the grant and its ledger entry; a throw undoes all.
 */
export type AlsoInGrant = (trx: Transaction<ShareTables>, grantId: number) => Promise<void>;

export interface Grant {
  id: number;
  consumer: { code: string; name: string };
  resource: { code: string; name: string };
  fields: string[];
  masked: string[];
  purposes: Array<{ code: string; name: string }>;
  expiresAt: string | null;
  dailyQuota: number | null;
  ratePerSecond: number | null;
  demandId: number | null;
  state: GrantState;
  createdAt: string;
}

/** What the read path needs of a grant: kept in memory per consumer × resource. */
export interface ActiveGrant {
  id: number;
  fields: ReadonlySet<string>;
  masked: ReadonlySet<string>;
  purposes: ReadonlySet<string>;
  expiresAt: number | null;
  dailyQuota: number | null;
  ratePerSecond: number | null;
}

/** Which grants a caller sees, as the permission layer found it (AuthorizedGrants). */
export interface GrantScope {
  /** The caller's organization; null for an account without one. */
  org: string | null;
  /** Every grant (operators and auditors); otherwise those the organization gives or receives. */
  all: boolean;
}

const CHANNEL = 'share_grant';
/** A safety net only: changes are heard at once through NOTIFY. */
const CACHE_MS = 60_000;

type GrantRow = Selectable<ShareTables['share.grant']>;

/**
 * 共享授权: consumer × resource × fields × purpose × expiry × quota. Every data-service call needs
 * the active grant, so each process keeps them in memory; a change anywhere is announced with
 * NOTIFY in its transaction and every process forgets that entry at once — a revocation or a
 * suspension acts on the next call.
 */
export class Grants {
  private readonly db: Kysely<ShareTables>;
  private readonly cache = new Map<string, { grant: ActiveGrant | null; until: number }>();
  /** Moves on with every change heard: a read that raced a change is not cached (it may be the old state). */
  private generation = 0;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly access: AccessService,
    private readonly catalog: CatalogService,
    private readonly ledger: Ledger,
    private readonly purposes: Purposes,
  ) {
    this.db = database.kysely.withTables<ShareTables>();
  }

  async start(): Promise<void> {
    this.stopListening = await this.database.listen(CHANNEL, (key) => {
      this.generation++;
      if (key === null) this.cache.clear();
      else this.cache.delete(key);
    });
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
  }

  /**
   * Makes a grant. Who may is the permission layer's finding (AuthorizedGrants): an operator, or
   * the workflow of the demand the grant carries (`demandId`, `also`).
   */
  async create(by: Actor, input: GrantInput & { also?: AlsoInGrant }): Promise<Grant> {
    const resource = await this.catalog.get(input.resource);
    if (resource.publishedAt === null) {
      throw new HubError('SHR_NOT_PUBLISHED', msg('share.notPublishedGrant', { code: resource.code }));
    }
    const consumer = await this.access.findOrganization(input.consumer);
    if (!consumer) throw invalid('consumer', msg('access.noOrg', { org: input.consumer }));
    if (consumer.code === resource.provider.code) {
      throw invalid('consumer', msg('share.ownData'));
    }
    const known = new Set(resource.fields.map((f) => f.name));
    const unknown = input.fields.filter((f) => !known.has(f));
    if (input.fields.length === 0 || unknown.length > 0) {
      throw invalid(
        'fields',
        msg('share.notFieldsOf', { code: resource.code, fields: unknown.length ? unknown : msg('kernel.noneGiven') }),
      );
    }
    const fields = [...new Set(input.fields)];
    const masked = [...new Set(input.masked ?? [])];
    const notGranted = masked.filter((f) => !fields.includes(f));
    if (notGranted.length > 0) throw invalid('masked', msg('share.notGrantedFields', { fields: notGranted }));
    const purposes = (await this.purposes.require(input.purposes, 'purposes')).map((p) => p.code);
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && !(expiresAt.getTime() > Date.now())) throw invalid('expiresAt', msg('kernel.mustBeFuture'));
    // The grant and its ledger entry commit together: a process killed in between leaves neither.
    const id = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('share.grant')
        .values({
          consumer_org: consumer.code,
          resource_code: resource.code,
          fields,
          masked,
          purposes,
          expires_at: expiresAt,
          daily_quota: input.dailyQuota ?? null,
          rate_per_second: input.ratePerSecond ?? null,
          demand_id: input.demandId ?? null,
          created_by: by.userId,
          revoked_at: null,
          suspended_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await announce(trx, consumer.code, resource.code);
      await this.ledger.appendWithin(trx, [
        {
          kind: 'share.grant.created',
          grant: row.id,
          consumer: consumer.code,
          resource: resource.code,
          fields,
          masked,
          purposes,
          expiresAt: expiresAt?.toISOString() ?? null,
          dailyQuota: input.dailyQuota ?? null,
          actor: by.username,
          at: new Date().toISOString(),
        },
      ]);
      await input.also?.(trx, row.id);
      return row.id;
    });
    this.forget(consumer.code, resource.code);
    return this.get(id);
  }

  /** Suspends, resumes or revokes; revoked is final. Takes effect on the next call in every process. */
  async change(by: Actor, id: number, action: 'suspend' | 'resume' | 'revoke'): Promise<Grant> {
    const from: GrantState[] =
      action === 'resume' ? ['suspended'] : action === 'suspend' ? ['active'] : ['active', 'suspended'];
    const to: GrantState = action === 'resume' ? 'active' : action === 'suspend' ? 'suspended' : 'revoked';
    // The change and its ledger entry commit together: a process killed in between leaves neither.
    const changed = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('share.grant')
        .set({
          state: to,
          ...(to === 'revoked' ? { revoked_at: new Date() } : {}),
          suspended_at: to === 'suspended' ? new Date() : null,
        })
        .where('id', '=', id)
        .where('state', 'in', from)
        .returning(['consumer_org', 'resource_code'])
        .executeTakeFirst();
      if (row) {
        await announce(trx, row.consumer_org, row.resource_code);
        await this.ledger.appendWithin(trx, [
          { kind: 'share.grant.changed', action, grant: id, actor: by.username, at: new Date().toISOString() },
        ]);
      }
      return row;
    });
    const grant = await this.get(id);
    if (!changed) {
      if (grant.state === to) return grant;
      throw new HubError(
        'SHR_GRANT_BAD_STATE',
        msg('share.grantBadState', {
          id,
          state: msg(`grantState.${grant.state}`),
          action: msg(`grantAction.${action}`),
        }),
      );
    }
    this.forget(changed.consumer_org, changed.resource_code);
    return grant;
  }

  async get(id: number): Promise<Grant> {
    const row = await this.db.selectFrom('share.grant').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new HubError('SHR_GRANT_NOT_FOUND', msg('share.noGrant', { id }));
    return (await this.describe([row]))[0]!;
  }

  /** Every grant, or those the scope's organization gives or receives. */
  async list(scope: GrantScope): Promise<Grant[]> {
    let q = this.db.selectFrom('share.grant').selectAll().orderBy('id', 'desc');
    if (!scope.all) {
      const org = scope.org ?? '';
      q = q.where((eb) => eb.or([eb('consumer_org', '=', org), eb('resource_code', 'like', `${org}-%`)]));
    }
    return this.describe(await q.execute());
  }

  /** The consumer's active, unexpired grant on a resource, from memory when this process has it. */
  async active(consumer: string, resource: string): Promise<ActiveGrant | null> {
    const key = `${consumer}:${resource}`;
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && hit.until > now && (hit.grant?.expiresAt ?? Infinity) > now) return hit.grant;
    const generation = this.generation;
    const row = await this.db
      .selectFrom('share.grant')
      .selectAll()
      .where('consumer_org', '=', consumer)
      .where('resource_code', '=', resource)
      .where('state', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const grant = row ? toActive(row) : null;
    if (generation === this.generation) this.cache.set(key, { grant, until: now + CACHE_MS });
    return grant;
  }

  /** Consuming organizations of each resource under an active, unexpired grant (for the asset map). */
  async consumersByResource(): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('share.grant')
      .select(['resource_code', 'consumer_org'])
      .distinct()
      .where('state', '=', 'active')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
      .execute();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.resource_code, [...(out.get(r.resource_code) ?? []), r.consumer_org]);
    return out;
  }

  private forget(consumer: string, resource: string): void {
    this.cache.delete(`${consumer}:${resource}`);
  }

  private async describe(rows: GrantRow[]): Promise<Grant[]> {
    const orgs = new Map((await this.access.listOrganizations()).map((o) => [o.code, o.name]));
    const purposes = new Map((await this.purposes.list()).map((p) => [p.code, p.name]));
    const out: Grant[] = [];
    for (const r of rows) {
      const resource = await this.catalog.get(r.resource_code);
      out.push({
        id: r.id,
        consumer: { code: r.consumer_org, name: orgs.get(r.consumer_org) ?? r.consumer_org },
        resource: { code: resource.code, name: resource.name },
        fields: r.fields,
        masked: r.masked,
        purposes: r.purposes.map((code) => ({ code, name: purposes.get(code) ?? code })),
        expiresAt: r.expires_at?.toISOString() ?? null,
        dailyQuota: r.daily_quota,
        ratePerSecond: r.rate_per_second,
        demandId: r.demand_id,
        state: r.state,
        createdAt: r.created_at.toISOString(),
      });
    }
    return out;
  }
}

function toActive(r: GrantRow): ActiveGrant {
  return {
    id: r.id,
    fields: new Set(r.fields),
    masked: new Set(r.masked),
    purposes: new Set(r.purposes),
    expiresAt: r.expires_at?.getTime() ?? null,
    dailyQuota: r.daily_quota,
    ratePerSecond: r.rate_per_second,
  };
}

/** Tells every process (its own included) that a consumer's grants on a resource changed. */
async function announce(db: Kysely<ShareTables>, consumer: string, resource: string): Promise<void> {
  await sql`select pg_notify(${CHANNEL}, ${`${consumer}:${resource}`})`.execute(db);
}
