import { BASE_KINDS, BASES, type BaseKind, type ChangePage } from '../base/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError } from '../kernel/index.js';
import type { SecretBox } from '../keys/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Peer } from './peers.js';
import type { Cascade } from './service.js';
import type { CascadeTables } from './tables.js';

/** Subjects per page of a pull: some hundred KB of JSON, a short transaction on each side. */
export const RETURN_PAGE = 250;
export const RETURN_PAGE_MAX = 2000;

export interface DataReturnDeps {
  database: Database;
  cascade: Cascade;
  /** The city's bases: changes in one county after a cursor (BaseService.changes). */
  changes(kind: BaseKind, division: string, after: number, limit: number): Promise<ChangePage>;
  /** Seals a returned subject at rest (keys.box('cascade-return')). */
  box: SecretBox;
  /** A keyed tag of a subject key, so that a returned subject is found without its key in the clear. */
  tag(identifier: string): Promise<string>;
  ledger: Pick<Ledger, 'append'>;
  now?: () => Date;
}

/** What the city answers a district's pull with: its own subjects only, by the signer's division. */
export interface ReturnedPage {
  base: BaseKind;
  division: string;
  changes: Array<{ key: string; gone: boolean; changedAt: string; values: Record<string, unknown> | null }>;
  last: number;
  more: boolean;
}

export interface PullResult {
  bases: Array<{ base: BaseKind; subjects: number; deletions: number; after: number }>;
  /** How long the oldest change taken had waited on the city (ms); 0 when nothing changed. */
  lagMs: number;
}

/** A district's returned slice as its operators see it: counts, never values. */
export interface ReturnedSlice {
  division: string;
  bases: Array<{ base: BaseKind; name: string; subjects: number; after: number; pulledAt: string | null }>;
}

interface Taken {
  subjects: number;
  deletions: number;
  oldest: number | null;
}

/**
 * 数据返还 (docs/cascade.md, "Data return"): the city answers each district's pull with the
 * changes of its bases in that district — the district taken from the verified signer, never from
 * the request — and the district keeps them sealed in its own database, with its cursor.
 */
export class DataReturn {
  private readonly db: Kysely<CascadeTables>;
  private readonly now: () => Date;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DataReturnDeps) {
    this.db = deps.database.kysely.withTables<CascadeTables>();
    this.now = deps.now ?? (() => new Date());
  }

  /** On the city: a page of changes of one base in the district of `peer`, recorded as sent. */
  async answer(peer: Peer, kind: BaseKind, after: number, limit: number): Promise<ReturnedPage> {
    if (this.deps.cascade.self.role !== 'city') throw new HubError('CAS_NOT_CITY');
    if (peer.relation !== 'child') throw new HubError('CAS_UNKNOWN_NODE');
    const page = await this.deps.changes(kind, peer.division, after, Math.min(limit, RETURN_PAGE_MAX));
    const changes = page.changes.map((c) => ({
      key: c.key,
      gone: c.gone,
      changedAt: c.changedAt.toISOString(),
      values: c.values,
    }));
    if (changes.length > 0)
      await this.record('sent', peer, kind, count(changes), { from: after, to: page.last, actor: peer.nodeId });
    return { base: kind, division: peer.division, changes, last: page.last, more: page.more };
  }

  /** On a district: takes what changed on the city since the last pull, base by base. One pull at a time here. */
  pull(by: string): Promise<PullResult> {
    const next = this.running.then(() => this.pullAll(by));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** The schedule's pull: nothing on the city, or on a district not enrolled yet. */
  async scheduled(): Promise<PullResult | undefined> {
    if (this.deps.cascade.self.role !== 'district') return undefined;
    if (!(await this.deps.cascade.peers.parent())) return undefined;
    return this.pull('system');
  }

  async slice(): Promise<ReturnedSlice> {
    const [counts, cursors] = await Promise.all([
      this.db
        .selectFrom('cascade.returned')
        .select(['kind', (eb) => eb.fn.countAll<string>().as('n')])
        .groupBy('kind')
        .execute(),
      this.db.selectFrom('cascade.return_cursor').selectAll().execute(),
    ]);
    return {
      division: this.deps.cascade.self.division,
      bases: BASE_KINDS.map((kind) => {
        const cursor = cursors.find((c) => c.kind === kind);
        return {
          base: kind,
          name: BASES[kind].name,
          subjects: Number(counts.find((c) => c.kind === kind)?.n ?? 0),
          after: Number(cursor?.after ?? 0),
          pulledAt: cursor?.pulled_at?.toISOString() ?? null,
        };
      }),
    };
  }

  /** The returned subjects of a base, opened: for this node's own use (checks, exports), never a route. */
  async subjects(kind: BaseKind): Promise<Array<{ key: string; values: Record<string, unknown> }>> {
    const rows = await this.db.selectFrom('cascade.returned').select('doc').where('kind', '=', kind).execute();
    const opened = [];
    for (const r of rows) opened.push(JSON.parse((await this.deps.box.open(r.doc)).toString('utf8')));
    return opened as Array<{ key: string; values: Record<string, unknown> }>;
  }

  private async pullAll(by: string): Promise<PullResult> {
    if (this.deps.cascade.self.role !== 'district') throw new HubError('CAS_NOT_DISTRICT');
    const parent = await this.deps.cascade.parent();
    try {
      const bases: PullResult['bases'] = [];
      let oldest: number | null = null;
      for (const kind of BASE_KINDS) {
        const { taken, after } = await this.pullBase(parent, kind, by);
        bases.push({ base: kind, subjects: taken.subjects, deletions: taken.deletions, after });
        if (taken.oldest !== null) oldest = Math.min(oldest ?? taken.oldest, taken.oldest);
      }
      const lagMs = oldest === null ? 0 : Math.max(0, this.now().getTime() - oldest);
      await this.deps.cascade.peers.synced(parent.nodeId, lagMs);
      return { bases, lagMs };
    } catch (e) {
      await this.deps.cascade.peers.failed(parent.nodeId, e);
      throw e;
    }
  }

  private async pullBase(parent: Peer, kind: BaseKind, by: string): Promise<{ taken: Taken; after: number }> {
    let after = await this.cursor(kind);
    const start = after;
    const taken: Taken = { subjects: 0, deletions: 0, oldest: null };
    for (;;) {
      const page = await this.deps.cascade.call<ReturnedPage>(
        parent,
        'GET',
        `/api/v1/cascade/link/return/${kind}?after=${after}&limit=${RETURN_PAGE}`,
      );
      if (!(await this.apply(kind, after, page))) break;
      const n = count(page.changes);
      taken.subjects += n.subjects;
      taken.deletions += n.deletions;
      for (const c of page.changes) taken.oldest = Math.min(taken.oldest ?? Infinity, Date.parse(c.changedAt));
      after = page.last;
      if (!page.more || page.changes.length === 0) break;
    }
    if (taken.subjects + taken.deletions > 0)
      await this.record('received', parent, kind, taken, { from: start, to: after, actor: by });
    return { taken, after };
  }

  private async cursor(kind: BaseKind): Promise<number> {
    await this.db
      .insertInto('cascade.return_cursor')
      .values({ kind })
      .onConflict((oc) => oc.column('kind').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('cascade.return_cursor')
      .select('after')
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    return Number(row.after);
  }

  /**
   * Stores a page with the cursor it moves to, both or neither. False when another process moved
   * the cursor meanwhile (it takes the page instead). A subject of another division is not kept,
   * whatever the city sent: the district holds its own subjects only.
   */
  private async apply(kind: BaseKind, from: number, page: ReturnedPage): Promise<boolean> {
    const division = this.deps.cascade.self.division;
    const rows: Array<{ kind: BaseKind; subject_tag: string; doc: string; seq: number; received_at: Date }> = [];
    const drop: string[] = [];
    for (const c of page.changes) {
      const tag = await this.deps.tag(`${kind}\u0000${c.key}`);
      const ours = !c.gone && c.values !== null && String(c.values.division ?? '').startsWith(division);
      if (!ours) drop.push(tag);
      else {
        const doc = await this.deps.box.seal(Buffer.from(JSON.stringify({ key: c.key, values: c.values })));
        rows.push({ kind, subject_tag: tag, doc, seq: page.last, received_at: this.now() });
      }
    }
    return this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('cascade.return_cursor')
        .set({ after: page.last, pulled_at: this.now() })
        .where('kind', '=', kind)
        .where('after', '=', from)
        .returning('kind')
        .executeTakeFirst();
      if (!moved) return false;
      if (drop.length > 0)
        await trx.deleteFrom('cascade.returned').where('kind', '=', kind).where('subject_tag', 'in', drop).execute();
      if (rows.length > 0)
        await trx
          .insertInto('cascade.returned')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['kind', 'subject_tag']).doUpdateSet((eb) => ({
              doc: eb.ref('excluded.doc'),
              seq: eb.ref('excluded.seq'),
              received_at: eb.ref('excluded.received_at'),
            })),
          )
          .execute();
      return true;
    });
  }

  /** Both nodes write what went where, in counts: no subject's key or values enter the ledger. */
  private async record(
    action: 'sent' | 'received',
    peer: Peer,
    kind: BaseKind,
    n: { subjects: number; deletions: number },
    at: { from: number; to: number; actor: string },
  ): Promise<void> {
    await this.deps.ledger.append({
      kind: 'cascade.returned',
      action,
      base: kind,
      node: peer.nodeId,
      division: action === 'sent' ? peer.division : this.deps.cascade.self.division,
      subjects: n.subjects,
      deletions: n.deletions,
      from: at.from,
      to: at.to,
      actor: at.actor,
      at: this.now().toISOString(),
    });
  }
}

function count(changes: ReadonlyArray<{ gone: boolean; values: unknown }>) {
  const deletions = changes.filter((c) => c.gone).length;
  return { subjects: changes.length - deletions, deletions };
}
