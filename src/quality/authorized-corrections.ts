import { authorize, isAllowed, type Actor } from '../access/index.js';
import { HubError } from '../kernel/index.js';
import type { Correction, Reporter, Viewer } from './correction-view.js';
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
    return this.corrections.get(await this.viewer(signedIn(actor)), id);
  }

  async list(actor: Actor | null, filter: CorrectionFilter = {}): Promise<CorrectionPage> {
    return this.corrections.list(await this.viewer(signedIn(actor)), filter);
  }

  /** Work that needs no caller: flagging overdue corrections. */
  flagOverdue(now?: Date): Promise<number> {
    return this.corrections.flagOverdue(now);
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
