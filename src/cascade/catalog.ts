import { Value } from 'typebox/value';
import {
  ResourceInputSchema,
  toContent,
  type Author,
  type CatalogService,
  type CatalogTables,
  type ChangePosition,
  type Origin,
  type Resource,
} from '../catalog/index.js';
import type { Database, Kysely, Transaction } from '../db/index.js';
import { findDivision, HubError, invalid, msg } from '../kernel/index.js';
import type { Peer } from './peers.js';
import type { Cascade } from './service.js';
import type { CascadeTables } from './tables.js';

/** Changes a district answers at most per request; the city asks again while there are more. */
export const CHANGES_PAGE = 100;
/**
 * How far back of its clock a district answers changes: a change still committing with an
 * earlier `updated_at` than one already answered would otherwise be passed over for good.
 */
export const SETTLE_MS = 1000;

/** A district's resource as its city receives it: what outside readers of the district read. */
export interface RemoteEntry {
  version: number;
  provider: { code: string; name: string };
  content: Record<string, unknown>;
  publishedAt: string | null;
}

/** One change of a district's catalog: its resource as published now, or null when it is not. */
export interface CatalogChange {
  code: string;
  changedAt: string;
  resource: RemoteEntry | null;
}

export interface ChangesAnswer {
  changes: CatalogChange[];
  /** The position to ask after next time; the one asked after when nothing changed. */
  next: string;
  more: boolean;
}

/** What one sync of a district's catalog did. */
export interface CatalogSync {
  node: string;
  received: number;
  written: number;
  withdrawn: number;
  lag: number;
}

/** The organizations of the city, as the federation creates the districts' there. */
export interface Organizations {
  findOrganization(code: string): Promise<{ code: string; name: string } | undefined>;
  createOrganization(input: {
    code: string;
    name: string;
    kind: 'district';
    division: string;
    parentCode: string | null;
  }): Promise<unknown>;
}

const POSITION = /^(\d{1,18})\.(\d{1,10})$/;
const positionOf = (text: string | undefined): ChangePosition | null => {
  if (text === undefined || text === '') return null;
  const m = POSITION.exec(text);
  if (!m) throw invalid('after', msg('cascade.badCursor'));
  return { at: m[1]!, id: Number(m[2]) };
};
const textOf = (p: ChangePosition) => `${p.at}.${p.id}`;
const dateOf = (p: ChangePosition) => new Date(Number(BigInt(p.at) / 1000n));

/**
 * The federated catalog (docs/cascade.md): a district answers its parent the changes of its
 * published catalog after a position; the city takes them into its own catalog, under district
 * organizations, marked with where they come from.
 */
export class CatalogFederation {
  private readonly db: Kysely<CascadeTables>;
  /** One sync per district at a time in this process (runAlone keeps the other processes out). */
  private readonly running = new Map<string, Promise<CatalogSync>>();
  /** Whether the city keeps any district entry: true for good once it does; else when last asked. */
  private remotes: { any: boolean; at: number } = { any: false, at: 0 };

  constructor(
    database: Database,
    private readonly cascade: Cascade,
    private readonly catalog: CatalogService,
    private readonly organizations: Organizations,
  ) {
    this.db = database.kysely.withTables<CascadeTables>();
  }

  /** On a district: the changes of its published catalog after `after`, for its parent only. */
  async changes(asker: Peer, after: string | undefined, limit: number): Promise<ChangesAnswer> {
    if (this.cascade.self.role !== 'district') throw new HubError('CAS_NOT_DISTRICT');
    if (asker.relation !== 'parent') throw new HubError('CAS_NOT_PARENT');
    const from = positionOf(after);
    const found = await this.catalog.publishedChanges(from, new Date(Date.now() - SETTLE_MS), limit);
    const last = found.at(-1)?.position;
    return {
      changes: found.map((c) => ({
        code: c.code,
        changedAt: dateOf(c.position).toISOString(),
        resource: c.resource && entryOf(c.resource),
      })),
      next: last ? textOf(last) : (after ?? ''),
      more: found.length === limit,
    };
  }

  /** Once the syncs in flight in this process are done (the hub waits for them before it closes). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /** On the city: every active district's catalog, one after another; a failure stays with its district. */
  async syncAll(): Promise<CatalogSync[]> {
    if (this.cascade.self.role !== 'city') return [];
    const done: CatalogSync[] = [];
    for (const peer of await this.cascade.peers.children()) {
      const sync = await this.sync(peer.nodeId).catch(() => undefined);
      if (sync) done.push(sync);
    }
    return done;
  }

  /**
   * On the city: takes a district's catalog changes since the last sync, page by page, and
   * marks the peer synced (with how long the oldest change waited) or failed (with why).
   */
  sync(nodeId: string): Promise<CatalogSync> {
    const busy = this.running.get(nodeId);
    if (busy) return busy;
    const run = this.syncNow(nodeId).finally(() => this.running.delete(nodeId));
    this.running.set(nodeId, run);
    return run;
  }

  private async syncNow(nodeId: string): Promise<CatalogSync> {
    if (this.cascade.self.role !== 'city') throw new HubError('CAS_NOT_CITY');
    const peer = await this.cascade.peers.get(nodeId);
    if (!peer || peer.relation !== 'child') throw new HubError('CAS_NODE_NOT_FOUND');
    const sync: CatalogSync = { node: nodeId, received: 0, written: 0, withdrawn: 0, lag: 0 };
    try {
      let more = true;
      while (more) {
        const position = await this.cursor(nodeId);
        const query = `after=${encodeURIComponent(position)}&limit=${CHANGES_PAGE}`;
        const answer = await this.cascade.call<ChangesAnswer>(
          peer,
          'GET',
          `/api/v1/cascade/link/catalog/changes?${query}`,
        );
        for (const change of answer.changes) {
          const effect = await this.apply(peer, change);
          sync.received++;
          if (effect === 'written') sync.written++;
          if (effect === 'withdrawn') sync.withdrawn++;
          sync.lag = Math.max(sync.lag, Date.now() - Date.parse(change.changedAt));
        }
        if (answer.next !== position) await this.saveCursor(nodeId, answer.next);
        more = answer.more && answer.changes.length > 0;
      }
    } catch (e) {
      await this.cascade.peers.failed(nodeId, e);
      throw e;
    }
    await this.cascade.peers.synced(nodeId, sync.lag);
    return sync;
  }

  private async apply(peer: Peer, change: CatalogChange): Promise<'written' | 'withdrawn' | 'unchanged'> {
    const by: Author = { userId: 0, username: `cascade:${peer.nodeId}` };
    const known = await this.db
      .selectFrom('cascade.remote_resource')
      .selectAll()
      .where('division', '=', peer.division)
      .where('remote_code', '=', change.code)
      .executeTakeFirst();
    if (!change.resource) {
      if (!known?.published) return 'unchanged';
      await this.catalog.withdraw(known.local_code, by);
      await this.remember(this.db, peer, change.code, known.local_code, false);
      return 'withdrawn';
    }
    const content = contentOf(change);
    const org = await this.localOrg(peer, change.resource.provider);
    const { written } = await this.catalog.mirror(known?.local_code ?? null, org, content, by, (trx, code) =>
      this.remember(inCascade(trx), peer, change.code, code, true),
    );
    return written ? 'written' : 'unchanged';
  }

  private async anyRemote(): Promise<boolean> {
    if (this.remotes.any || Date.now() - this.remotes.at < ORIGINS_RECHECK_MS) return this.remotes.any;
    const row = await this.db.selectFrom('cascade.remote_resource').select('local_code').limit(1).executeTakeFirst();
    this.remotes = { any: row !== undefined, at: Date.now() };
    return this.remotes.any;
  }

  private async remember(
    db: Kysely<CascadeTables>,
    peer: Peer,
    remoteCode: string,
    localCode: string,
    published: boolean,
  ): Promise<void> {
    await db
      .insertInto('cascade.remote_resource')
      .values({
        division: peer.division,
        remote_code: remoteCode,
        local_code: localCode,
        node_id: peer.nodeId,
        published,
      })
      .onConflict((oc) =>
        oc.columns(['division', 'remote_code']).doUpdateSet({ local_code: localCode, node_id: peer.nodeId, published }),
      )
      .execute();
    this.remotes = { any: true, at: Date.now() };
  }

  /**
   * The city's organization for a district's department: under the district's own organization
   * (`D<division>`), named as people know it — the district's name before the department's.
   */
  private async localOrg(peer: Peer, provider: { code: string; name: string }): Promise<string> {
    const known = await this.db
      .selectFrom('cascade.remote_org')
      .select('local_org')
      .where('division', '=', peer.division)
      .where('remote_org', '=', provider.code)
      .executeTakeFirst();
    if (known) return known.local_org;
    const districtName = findDivision(peer.division)?.name ?? peer.division;
    const district = `D${peer.division}`;
    if (!(await this.organizations.findOrganization(district)))
      await this.organizations.createOrganization({
        code: district,
        name: districtName,
        kind: 'district',
        division: peer.division,
        parentCode: null,
      });
    const { n } = await this.db
      .selectFrom('cascade.remote_org')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('division', '=', peer.division)
      .executeTakeFirstOrThrow();
    const code = `${district}B${String(Number(n) + 1).padStart(2, '0')}`;
    const name = provider.name.startsWith(districtName) ? provider.name : `${districtName}${provider.name}`;
    await this.organizations.createOrganization({
      code,
      name,
      kind: 'district',
      division: peer.division,
      parentCode: district,
    });
    await this.db
      .insertInto('cascade.remote_org')
      .values({ division: peer.division, remote_org: provider.code, local_org: code })
      .execute();
    return code;
  }

  private async cursor(nodeId: string): Promise<string> {
    const row = await this.db
      .selectFrom('cascade.catalog_cursor')
      .select('position')
      .where('node_id', '=', nodeId)
      .executeTakeFirst();
    return row?.position ?? '';
  }

  private async saveCursor(nodeId: string, position: string): Promise<void> {
    await this.db
      .insertInto('cascade.catalog_cursor')
      .values({ node_id: nodeId, position })
      .onConflict((oc) => oc.column('node_id').doUpdateSet({ position, synced_at: new Date() }))
      .execute();
  }

  /**
   * Where the city's entries kept for districts come from, by their codes here (catalog's
   * `useOrigins`). A city with no district entry yet asks the database at most every ORIGINS_RECHECK_MS
   * (another process's first sync shows within that), not on every description of its catalog.
   */
  async origins(codes: string[]): Promise<Map<string, Origin>> {
    if (codes.length === 0 || !(await this.anyRemote())) return new Map();
    const rows = await this.db
      .selectFrom('cascade.remote_resource')
      .selectAll()
      .where('local_code', 'in', codes)
      .execute();
    return new Map(
      rows.map((r) => [
        r.local_code,
        {
          node: r.node_id,
          division: r.division,
          divisionName: findDivision(r.division)?.name ?? r.division,
          code: r.remote_code,
        },
      ]),
    );
  }
}

/** How long a city with no district entries trusts that it still has none. */
const ORIGINS_RECHECK_MS = 10_000;

/** The catalog's transaction, to write the cascade's record of an entry with it. */
const inCascade = (trx: Transaction<CatalogTables>) =>
  trx.withTables<CascadeTables>() as unknown as Kysely<CascadeTables>;

function entryOf(r: Resource): RemoteEntry {
  const { name, summary, category, shareType, shareCondition, openType, level, levelReason } = r;
  const { updateFrequency, format, keywords, mount, keyField, fields } = r;
  return {
    version: r.version,
    provider: r.provider,
    content: {
      ...{ name, summary, category, shareType, shareCondition, openType, level, levelReason },
      ...{ updateFrequency, format, keywords, mount, keyField, fields },
    },
    publishedAt: r.publishedAt,
  };
}

/** A district's content, checked as the city checks a registration of its own. */
function contentOf(change: CatalogChange) {
  const input = change.resource!.content;
  if (!Value.Check(ResourceInputSchema, input))
    throw new HubError('CAS_PEER_FAILED', msg('cascade.badRemoteEntry', { code: change.code }));
  return toContent(input);
}
