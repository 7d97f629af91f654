import { authorize, isAllowed, type Actor } from '../access/index.js';
import type { CatalogService } from '../catalog/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { Purposes } from '../purpose/index.js';
import type { ShareService } from './service.js';
import { serviceOpenApi, type DataService } from './services.js';

/** A data service as one caller sees it: the fields, the masked ones, the purposes it may state. */
export interface CallableService extends DataService {
  fields: string[];
  masked: string[];
  purposes: Array<{ code: string; name: string }>;
  sampleKey?: string;
}

/**
 * The data services' directory as callers reach it: listing, publishing and each service's own
 * OpenAPI document, the access policy asked first. Calls of a service (lookup, batch, filter,
 * export) go through the share's one recorded read, which authorizes them itself.
 */
export class AuthorizedServices {
  constructor(
    private readonly share: ShareService,
    private readonly catalog: CatalogService,
    private readonly purposes: Purposes,
  ) {}

  /**
   * The services the caller may call, with what it sees of each. `samples`: add a sample key
   * (demo hubs), only to a caller who sees the key plainly — a sample key is a real subject's key.
   */
  async list(actor: Actor | null, samples: boolean): Promise<CallableService[]> {
    authorize(actor, 'service:list');
    const registered = await this.purposes.list();
    const out: CallableService[] = [];
    for (const s of await this.share.services.list()) {
      const vis = await this.share.visibility(actor, await this.catalog.get(s.resource.code));
      if (!vis && !isAllowed(actor, 'service:list-all')) continue;
      const seesKey = vis?.visible.has(s.keyField) && !vis.masked.has(s.keyField);
      const sample = samples && seesKey ? await this.share.sampleKey(actor, s.resource.code) : undefined;
      const stated = vis ? registered.filter((p) => vis.purposes?.has(p.code) ?? true) : [];
      out.push({
        ...s,
        fields: [...(vis?.visible ?? [])],
        masked: [...(vis?.masked ?? [])],
        purposes: stated.map(({ code, name }) => ({ code, name })),
        ...(sample ? { sampleKey: sample } : {}),
      });
    }
    return out;
  }

  async publish(actor: Actor | null, resourceCode: string): Promise<DataService> {
    const resource = await this.catalog.get(resourceCode);
    authorize(actor, 'service:publish', { ownerOrg: resource.provider.code });
    return this.share.services.publish(resource.code, actor.username);
  }

  /** The service's own OpenAPI document with the fields the caller sees; 403 without a grant. */
  async openApi(actor: Actor | null, code: string): Promise<ReturnType<typeof serviceOpenApi>> {
    authorize(actor, 'service:list');
    const resource = await this.share.services.resourceOf(code);
    const service = (await this.share.services.list([resource.code]))[0]!;
    const vis = await this.share.visibility(actor, resource);
    if (!vis) throw new HubError('SHR_NO_GRANT', msg('share.noActiveGrantOn', { code: resource.code }));
    return serviceOpenApi(service, resource, vis.visible, vis.masked, vis.purposes);
  }
}
