import { Type } from 'typebox';
import { authorize, isAllowed, type Actor } from '../../access/index.js';
import type { Resource } from '../../catalog/index.js';
import { checkSource, connectionOrg, type SourceSpec } from '../../ingest/index.js';
import type { Hub } from '../../hub/index.js';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const ResourceCode = Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$', description: 'resource code' });
export const MaxAttempts = Type.Integer({ minimum: 1, maximum: 10, description: 'runs before the job stays failed' });

/**
 * The resource codes whose jobs and schedules the caller may see: one named resource (if it
 * may read it), every one (operators: undefined), or its own organization's.
 */
export async function visibleResources(hub: Hub, actor: Actor | null, code?: string): Promise<string[] | undefined> {
  if (code) {
    await ownedResource(hub, actor, 'ingest:read', code);
    return [code];
  }
  if (isAllowed(actor, 'ingest:list-all')) return undefined;
  const org = actor?.org?.code;
  authorize(actor, 'ingest:read', org ? { ownerOrg: org } : {});
  const own = await hub.catalog.listAll({ provider: org }, { org: org!, all: false }, 5000);
  return own.map((r) => r.code);
}

/** The resource, once the caller may do `action` to it. */
export async function ownedResource(
  hub: Hub,
  actor: Actor | null,
  action: 'ingest:read' | 'ingest:run' | 'ingest:schedule',
  code: string,
): Promise<Resource> {
  const resource = await hub.catalog.get(code);
  authorize(actor, action, { ownerOrg: resource.provider.code });
  return resource;
}

/** A source the caller may use: a spec that passes the checks, and a named connection it may use. */
export function checkSpecFor(actor: Actor, spec: SourceSpec): void {
  checkSource(spec);
  if (spec.connection) authorize(actor, 'ingest:use-connection', { ownerOrg: connectionOrg(spec) });
}
