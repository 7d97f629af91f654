import { findDataElement, type Viewer } from '../catalog/index.js';
import type { Hub } from './index.js';

export interface AssetMap {
  nodes: Array<{ id: string; kind: 'org' | 'resource' | 'field' | 'element' | 'consumer'; label: string }>;
  links: Array<{ source: string; target: string; kind: 'provides' | 'has' | 'binds' | 'element' | 'consumes' }>;
}

/**
 * 数据资产图谱: organization → resources → fields → data elements, and resource → consuming
 * organizations (active grants). It spans catalog and share, so it is composed here. City-wide
 * the fields are left out (a thousand nodes tell nothing); resources link to elements directly,
 * which shows where one data element is held by several providers (一数一源 at a glance).
 */
export async function assetMap(hub: Hub, viewer: Viewer, provider?: string): Promise<AssetMap> {
  const resources = await hub.catalog.listAll({ provider, status: 'published' }, viewer, 2000);
  const orgs = new Map((await hub.access.listOrganizations()).map((o) => [o.code, o.name]));
  const nodes = new Map<string, AssetMap['nodes'][number]>();
  const links: AssetMap['links'] = [];
  const node = (id: string, kind: AssetMap['nodes'][number]['kind'], label: string) => {
    if (!nodes.has(id)) nodes.set(id, { id, kind, label });
    return id;
  };
  const grants = await hub.share.grants.consumersByResource();
  for (const r of resources) {
    const org = node(`org:${r.provider.code}`, 'org', r.provider.name);
    const res = node(`resource:${r.code}`, 'resource', r.name);
    links.push({ source: org, target: res, kind: 'provides' });
    for (const f of r.fields) {
      const element =
        f.element && node(`element:${f.element}`, 'element', findDataElement(f.element)?.name ?? f.element);
      if (!provider) {
        if (element) links.push({ source: res, target: element, kind: 'element' });
        continue;
      }
      const field = node(`field:${r.code}:${f.name}`, 'field', f.label);
      links.push({ source: res, target: field, kind: 'has' });
      if (element) links.push({ source: field, target: element, kind: 'binds' });
    }
    for (const consumer of grants.get(r.code) ?? []) {
      const c = node(`consumer:${consumer}`, 'consumer', orgs.get(consumer) ?? consumer);
      links.push({ source: res, target: c, kind: 'consumes' });
    }
  }
  const unique = new Map(links.map((l) => [`${l.source}>${l.target}`, l]));
  return { nodes: [...nodes.values()], links: [...unique.values()] };
}
