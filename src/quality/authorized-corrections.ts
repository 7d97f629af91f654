import { authorize, isAllowed, type Actor } from '../access/index.js';
import { HubError } from '../kernel/index.js';
import { GOVERNANCE } from '../purpose/index.js';
import { recordedRead, type ReadLedger, type Subject } from '../share/index.js';
import {
  PORTAL_REPORTER,
  type Correction,
  type CorrectionOutcome,
  type Reporter,
  type Viewer,
} from './correction-view.js';
import {
  rejectReason,
  type CorrectionFilter,
  type CorrectionInput,
  type CorrectionPage,
  type Corrections,
} from './corrections.js';

/**
 * Corrections as callers reach them: each method finds from the access policy what the actor may
 * see and report, checks the step, then calls the `Corrections` method of the same name.
 */
export class AuthorizedCorrections {
  constructor(
    private readonly corrections: Corrections,
    /** A citizen account's own ID number; null for other accounts. */
    private readonly citizenIdOf: (actor: Actor) => Promise<string | null>,
    private readonly ledger: ReadLedger,
  ) {}

  async report(actor: Actor | null, input: CorrectionInput): Promise<Correction> {
    authorize(actor, 'quality:report');
    const ownRecords = isAllowed(actor, 'quality:report-own-record', { self: true });
    const reporter: Reporter = {
      ...(await this.viewer(actor, ownRecords)),
      anyRecord: isAllowed(actor, 'quality:report-any-record'),
      ownRecords,
      underGrant: (provider) => isAllowed(actor, 'quality:report-granted', { ownerOrg: provider }),
    };
    return this.corrections.report(reporter, input);
  }

  /**
   * A developer's error report, filed by the open-data portal (docs/open.md): the portal's routes
   * checked the developer's session and that the dataset, field and record are public; `note`
   * names the developer by the name they signed up with.
   */
  fromPortal(input: CorrectionInput): Promise<Correction> {
    return this.corrections.report(PORTAL_REPORTER, input);
  }

  /** Where the portal's reports stand, for the developers who made them. */
  portalOutcomes(ids: number[]): Promise<CorrectionOutcome[]> {
    return this.corrections.outcomes(ids);
  }

  async accept(actor: Actor | null, id: number, opts: { value?: string | undefined } = {}): Promise<Correction> {
    const viewer = await this.decider(actor, id);
    return this.corrections.accept(viewer, id, opts);
  }

  async reject(actor: Actor | null, id: number, reason: string): Promise<Correction> {
    const a = signedIn(actor);
    const text = rejectReason(reason);
    return this.corrections.reject(await this.decider(a, id), id, text);
  }

  async get(actor: Actor | null, id: number): Promise<Correction> {
    const viewer = await this.viewer(signedIn(actor));
    const [one] = await this.shown(viewer, async () => [await this.corrections.get(viewer, id)]);
    return one!;
  }

  async list(actor: Actor | null, filter: CorrectionFilter = {}): Promise<CorrectionPage> {
    const viewer = await this.viewer(signedIn(actor));
    let page: CorrectionPage | undefined;
    await this.shown(viewer, async () => (page = await this.corrections.list(viewer, filter)).items);
    return page!;
  }

  /** Work that needs no caller: flagging overdue corrections. */
  flagOverdue(now?: Date): Promise<number> {
    return this.corrections.flagOverdue(now);
  }

  /** Work that needs no caller: sealing the corrections of an earlier version, at start. */
  sealAtRest(): Promise<number> {
    return this.corrections.sealAtRest();
  }

  /**
   * Corrections read through share's recorded read: a record key shown in clear (to its provider,
   * its reporter or its subject) is a read of that subject, one ledger entry each before the
   * answer leaves; a page showing none is one entry for the page.
   */
  private shown(viewer: Viewer, fetch: () => Promise<Correction[]>): Promise<Correction[]> {
    const request = {
      actor: viewer.actor,
      action: 'quality:read-corrections' as const,
      op: 'correction.view' as const,
      resource: 'quality:corrections',
      purpose: GOVERNANCE,
      subjects: null,
    };
    return recordedRead(this.ledger, request, {
      admit: async () => ({ context: null }),
      fetch,
      // Masked already, as each viewer may see it (correction-view.ts).
      mask: (items) => items,
      rows: (items) => items.length,
      subjectsOf: (items) =>
        items.filter((c) => !c.masked && c.key !== '').map((c): Subject => ({ key: c.key, resource: c.resource.code })),
    });
  }

  /** Only the provider's data officers decide; a correction the caller may not see is a 404 first. */
  private async decider(actor: Actor | null, id: number): Promise<Viewer> {
    const viewer = await this.viewer(signedIn(actor));
    authorize(viewer.actor, 'quality:decide', { ownerOrg: await this.corrections.provider(viewer, id) });
    return viewer;
  }

  private async viewer(actor: Actor, reportsOwn = false): Promise<Viewer> {
    const own = reportsOwn || isAllowed(actor, 'quality:read-own-corrections', { self: true });
    return {
      actor,
      citizenId: own ? await this.citizenIdOf(actor) : null,
      seesAll: isAllowed(actor, 'quality:read-all-corrections'),
    };
  }
}

function signedIn(actor: Actor | null): Actor {
  if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
  return actor;
}
