import { authorize, isAllowed, type Actor } from '../access/index.js';
import type { CatalogService, Resource } from '../catalog/index.js';
import { HubError } from '../kernel/index.js';
import { checkSource, connectionOrg, namedConnections, type SourceContext, type SourceSpec } from './sources.js';

/** What an ingest step does to a resource, as the access policy names it. */
export type IngestAction =
  'ingest:read' | 'ingest:run' | 'ingest:schedule' | 'ingest:upload' | 'ingest:decide-held' | 'records:browse';

/**
 * Ingest as callers reach it (HTTP, CLI): which resources' jobs and schedules a caller may see or
 * run, and which sources it may name, all from the access policy. The ingest service and the job
 * queue themselves take resources already admitted here.
 */
export class IngestScope {
  constructor(private readonly catalog: Pick<CatalogService, 'get' | 'listAll'>) {}

  /**
   * The resource codes whose jobs and schedules the caller may see: one named resource (if it
   * may read it), every one (operators: undefined), or its own organization's.
   */
  async resources(actor: Actor | null, code?: string): Promise<string[] | undefined> {
    if (code) {
      await this.resource(actor, 'ingest:read', code);
      return [code];
    }
    if (isAllowed(actor, 'ingest:list-all')) return undefined;
    const org = actor?.org?.code;
    authorize(actor, 'ingest:read', org ? { ownerOrg: org } : {});
    const own = await this.catalog.listAll({ provider: org }, { org: org!, all: false }, 5000);
    return own.map((r) => r.code);
  }

  /** The resource, once the caller may do `action` to it. */
  async resource(actor: Actor | null, action: IngestAction, code: string): Promise<Resource> {
    const resource = await this.catalog.get(code);
    authorize(actor, action, { ownerOrg: resource.provider.code });
    return resource;
  }

  /**
   * Whether the caller may release or discard the held loads of these resources (by code): the
   * jobs page shows the buttons only to them. Each resource is read once.
   */
  async mayDecide(actor: Actor | null, codes: string[]): Promise<Set<string>> {
    const allowed = new Set<string>();
    // Someone who may not decide even for their own organization's resources needs no lookups.
    if (!isAllowed(actor, 'ingest:decide-held', { ownerOrg: actor?.org?.code })) return allowed;
    for (const code of new Set(codes)) {
      const resource = await this.catalog.get(code).catch(() => undefined);
      if (resource && isAllowed(actor, 'ingest:decide-held', { ownerOrg: resource.provider.code })) allowed.add(code);
    }
    return allowed;
  }

  /**
   * A source the caller may use: a spec that passes the checks, and a named connection it may use.
   * `ctx` as checkSource takes it: the command line, run by the server's holder, skips the host list.
   */
  checkSource(actor: Actor | null, spec: SourceSpec, ctx: SourceContext = {}): void {
    checkSource(spec, ctx);
    if (spec.connection) authorize(actor, 'ingest:use-connection', { ownerOrg: connectionOrg(spec) });
  }

  /** The named connections the caller may load from (any signed-in caller asks; most see none). */
  connections(actor: Actor | null): ReturnType<typeof namedConnections> {
    if (actor === null) throw new HubError('ACC_UNAUTHENTICATED');
    return namedConnections().filter((c) =>
      isAllowed(actor, 'ingest:use-connection', { ownerOrg: c.org ?? undefined }),
    );
  }
}
