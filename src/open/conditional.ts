import type { Actor } from '../access/index.js';
import { authorize, isAllowed } from '../access/index.js';
import type { Kysely, Selectable } from '../db/index.js';
import { HubError, digestJson, isHubError, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { ConditionalReader } from './actions.js';
import type { OpenDataset, OpenDatasets } from './datasets.js';
import type { Developer, KeyHolder } from './developers.js';
import type { ApplicationState, OpenTables } from './tables.js';

export interface ApplicationInput {
  /** The conditional dataset: its name (code in lower case) or code. */
  dataset: string;
  purpose: string;
  use: string;
  security: string;
}

export type Decision = { approve: true; terms: string; expiresAt: string } | { approve: false; reason: string };

export interface Application {
  id: number;
  developer: number;
  dataset: { name: string; code: string };
  provider: string;
  purpose: string;
  use: string;
  security: string;
  state: ApplicationState;
  terms: string | null;
  expiresAt: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** What the ledger entry of a use needs of the hub's ledger. */
type UseLedger = Pick<Ledger, 'append' | 'suite'>;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const notFound = () => new HubError('OPN_APPLICATION_NOT_FOUND');

/**
 * Conditional open (有条件开放, docs/open.md): a developer applies for a published conditional
 * entry, stating purpose, use and security measures; the providing department's officers approve
 * with terms and an expiry, or refuse with a reason. An approved applicant's API key then reads
 * the entry's records through the data API — the same public field rules, masking as ever — each
 * use on the ledger (`share.read`, op `open.conditional`) and counted; past the expiry the next
 * call is refused, and that refusal is on the ledger too.
 */
export class ConditionalOpen {
  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly datasets: OpenDatasets,
    private readonly ledger: UseLedger,
    private readonly now: () => Date,
  ) {}

  async apply(developer: Developer, input: ApplicationInput): Promise<Application> {
    const ds = await this.datasets.findConditional(input.dataset);
    const pending = await this.db
      .selectFrom('open.application')
      .select('id')
      .where('developer_id', '=', developer.id)
      .where('resource_id', '=', ds.entry)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (pending) throw new HubError('OPN_APPLICATION_PENDING');
    const row = await this.db
      .insertInto('open.application')
      .values({
        developer_id: developer.id,
        resource_id: ds.entry,
        resource_code: ds.code,
        provider_org: ds.resource.provider.code,
        purpose: input.purpose.trim(),
        use: input.use.trim(),
        security: input.security.trim(),
        terms: null,
        expires_at: null,
        reason: null,
        decided_by: null,
        decided_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApplication(row);
  }

  /** A developer's own applications, newest first. */
  async mine(developer: Developer): Promise<Application[]> {
    const rows = await this.db
      .selectFrom('open.application')
      .selectAll()
      .where('developer_id', '=', developer.id)
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return rows.map(toApplication);
  }

  /**
   * The applications a hub user answers: those for the caller's organization's entries (an
   * officer's), every one for an operator. With the applicant's name and email, which the
   * provider needs to judge and to reach them.
   */
  async forProvider(
    actor: Actor,
    state?: ApplicationState,
  ): Promise<Array<Application & { applicant: { name: string; email: string } }>> {
    authorize(actor, 'catalog:publish', { ownerOrg: actor.org?.code });
    const all = isAllowed(actor, 'catalog:review');
    if (!all && !actor.org) return [];
    let q = this.db
      .selectFrom('open.application as a')
      .innerJoin('open.developer as d', 'd.id', 'a.developer_id')
      .selectAll('a')
      .select(['d.name as applicant_name', 'd.email as applicant_email'])
      .orderBy('a.id', 'desc')
      .limit(500);
    if (!all) q = q.where('a.provider_org', '=', actor.org!.code);
    if (state) q = q.where('a.state', '=', state);
    const rows = await q.execute();
    return rows.map((r) => ({ ...toApplication(r), applicant: { name: r.applicant_name, email: r.applicant_email } }));
  }

  /**
   * The provider's answer. `resource` is the entry the caller's policy was checked against (the
   * route's target): an application of another entry is answered as none.
   */
  async decide(actor: Actor, id: number, resource: string, decision: Decision): Promise<Application> {
    // The department the catalog names as the entry's provider answers for it (public knowledge),
    // asked before the application is looked for, so another department learns nothing of it.
    const ds = await this.datasets.findConditional(resource);
    authorize(actor, 'catalog:publish', { ownerOrg: ds.resource.provider.code });
    const row = await this.db
      .selectFrom('open.application')
      .selectAll()
      .where('id', '=', id)
      .where('resource_code', '=', ds.code)
      .executeTakeFirst();
    if (!row) throw notFound();
    if (row.state !== 'pending') throw new HubError('OPN_APPLICATION_DECIDED');
    if (decision.approve && Date.parse(decision.expiresAt) <= this.now().getTime())
      throw new HubError('OPN_APPLICATION_EXPIRY', msg('open.expiryPast'));
    const decided = await this.db
      .updateTable('open.application')
      .set({
        state: decision.approve ? 'approved' : 'refused',
        terms: decision.approve ? decision.terms.trim() : null,
        expires_at: decision.approve ? new Date(decision.expiresAt) : null,
        reason: decision.approve ? null : decision.reason.trim(),
        decided_by: actor.username,
        decided_at: this.now(),
      })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!decided) throw new HubError('OPN_APPLICATION_DECIDED');
    return toApplication(decided);
  }

  /**
   * The conditional dataset a key's holder may read now, by the name or id a data API call gave,
   * or null when it names no conditional entry the holder applied for (the caller answers "not
   * found", as for any entry that is not open). Past the expiry of the holder's last approval:
   * OPN_APPLICATION_EXPIRED, on the ledger.
   */
  async readable(holder: KeyHolder, nameOrId: string): Promise<{ dataset: OpenDataset; application: number } | null> {
    let ds: OpenDataset;
    try {
      ds = await this.datasets.findConditional(nameOrId);
    } catch (e) {
      if (isHubError(e) && e.code === 'OPN_NOT_FOUND') return null;
      throw e;
    }
    const row = await this.db
      .selectFrom('open.application')
      .select(['id', 'expires_at'])
      .where('developer_id', '=', holder.developerId)
      .where('resource_id', '=', ds.entry)
      .where('state', '=', 'approved')
      .orderBy('expires_at', 'desc')
      .executeTakeFirst();
    if (!row) return null;
    if (new Date(row.expires_at!).getTime() <= this.now().getTime()) {
      await this.record(holder, ds, row.id, { outcome: 'denied', reason: 'no_grant' });
      throw new HubError('OPN_APPLICATION_EXPIRED', msg('open.applicationExpired', { date: iso(row.expires_at)! }));
    }
    return { dataset: ds, application: row.id };
  }

  /** The data API's way to the conditional datasets a key's holder was approved for. */
  readerFor(holder: KeyHolder): ConditionalReader {
    return {
      find: (id) => this.readable(holder, id),
      used: (dataset, application, answer) => this.recordUse(holder, dataset, application, answer),
    };
  }

  /** A use of a conditional dataset on the ledger, before its answer leaves (DESIGN.md's recorded read). */
  async recordUse(
    holder: KeyHolder,
    ds: OpenDataset,
    application: number,
    answer?: { rows: number; value: unknown },
  ): Promise<void> {
    await this.record(holder, ds, application, {
      outcome: 'allowed',
      ...(answer && { rows: answer.rows, resultDigest: digestJson(this.ledger.suite, answer.value) }),
    });
  }

  private async record(
    holder: KeyHolder,
    ds: OpenDataset,
    application: number,
    outcome: { outcome: 'allowed' | 'denied'; reason?: 'no_grant'; rows?: number; resultDigest?: string },
  ): Promise<void> {
    await this.ledger.append({
      kind: 'share.read',
      op: 'open.conditional',
      at: this.now().toISOString(),
      actor: `developer:${holder.developerId}`,
      org: null,
      resource: ds.code,
      purpose: `open.application:${application}`,
      subject: null,
      ...outcome,
    });
  }
}

function toApplication(row: Selectable<OpenTables['open.application']>): Application {
  return {
    id: row.id,
    developer: row.developer_id,
    dataset: { name: row.resource_code.toLowerCase(), code: row.resource_code },
    provider: row.provider_org,
    purpose: row.purpose,
    use: row.use,
    security: row.security,
    state: row.state,
    terms: row.terms,
    expiresAt: iso(row.expires_at),
    reason: row.reason,
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    createdAt: iso(row.created_at)!,
  };
}
