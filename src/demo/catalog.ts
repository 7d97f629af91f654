import type { Hub } from '../hub/index.js';
import type { Author, Resource, ResourceContent } from '../catalog/index.js';
import { readDemoCatalog, type DemoDepartment, type DemoStatus } from './catalog-files.js';

/**
 * The demo city's catalog: each department imports its workbook from `workbooks/catalog/` through
 * the import path an officer uses (one all-or-nothing batch of drafts), then every resource
 * goes through the same workflow a real one would (submit → approve → publish), so history,
 * tasks and indicators show real steps. A few stay submitted, returned or draft for the review
 * queue, as the files' 状态 column says.
 */
export async function seedCatalog(hub: Hub, officers: Map<string, Author>, operator: Author): Promise<number> {
  let count = 0;
  for (const { provider, registrations } of await readDemoCatalog()) {
    const officer = officers.get(provider);
    if (!officer) throw new Error(`demo catalog: ${provider} has no data officer`);
    const contents = registrations.map((r) => ({ ...r.content, mount: mountOf(provider, r.content, count++) }));
    const resources = await hub.catalog.registerAll(provider, officer, contents);
    for (const [i, resource] of resources.entries()) {
      await advance(hub, resource.code, registrations[i]!.status, officer, operator);
    }
  }
  return count;
}

/**
 * Imports one resource of the files (`readDemoCatalog(WITH_DATA_DIR)`) as its provider's officer
 * would, and takes it as far as the files' 状态 says: a resource the demo then loads data into.
 */
export async function importOne(
  hub: Hub,
  files: DemoDepartment[],
  name: string,
  officers: Map<string, Author>,
  operator: Author,
): Promise<Resource> {
  const provider = files.find((d) => d.registrations.some((r) => r.content.name === name));
  const registration = provider?.registrations.find((r) => r.content.name === name);
  const officer = provider && officers.get(provider.provider);
  if (!provider || !registration || !officer) throw new Error(`demo catalog: no resource ${name} with an officer`);
  const [resource] = await hub.catalog.registerAll(provider.provider, officer, [registration.content]);
  await advance(hub, resource!.code, registration.status, officer, operator);
  return resource!;
}

/**
 * The template has no mount column (a mount is set where the data lives, not in a workbook):
 * most entries mount a table or a service of their department; a few mount nothing yet.
 */
function mountOf(provider: string, content: ResourceContent, i: number): ResourceContent['mount'] {
  if (i % 9 === 8) return { kind: 'records' };
  const serial = String(i).padStart(4, '0');
  if (content.format === 'api') return { kind: 'service', target: `gateway/${provider.toLowerCase()}/${serial}` };
  return { kind: 'table', target: `ods_${provider.toLowerCase()}.t_${serial}` };
}

export async function advance(
  hub: Hub,
  code: string,
  status: DemoStatus,
  officer: Author,
  operator: Author,
): Promise<void> {
  if (status === 'draft') return;
  await hub.catalog.transition(code, officer, 'submit');
  if (status === 'submitted') return;
  if (status === 'returned') {
    await hub.catalog.transition(code, operator, 'return', '请补充共享条件的法律依据，并核对信息项敏感级。');
    return;
  }
  await hub.catalog.transition(code, operator, 'approve');
  await hub.catalog.transition(code, operator, 'publish');
}
