import type { Hub } from '../hub/index.js';
import type { Author } from '../catalog/index.js';
import { demoCatalogEntries, type DemoEntry } from './catalog-entries.js';

/**
 * The demo city's catalog: every department registers its entries through the same workflow
 * a real officer would (register → submit → approve → publish), so history, tasks and
 * indicators show real steps. A few stay submitted, returned or draft for the review queue.
 */
export async function seedCatalog(hub: Hub, officers: Map<string, Author>, operator: Author): Promise<number> {
  let count = 0;
  for (const entry of demoCatalogEntries()) {
    const officer = officers.get(entry.provider);
    if (!officer) continue;
    const resource = await hub.catalog.register(entry.provider, officer, {
      ...entry.input,
      mount: mountOf(entry, count),
    });
    await advance(hub, resource.code, entry.status, officer, operator);
    count++;
  }
  return count;
}

/** Most entries mount a table or a service of their department; a few mount nothing yet. */
function mountOf(entry: DemoEntry, i: number) {
  if (i % 9 === 8) return { kind: 'records' as const };
  if (entry.input.format === 'api') {
    return {
      kind: 'service' as const,
      target: `gateway/${entry.provider.toLowerCase()}/${String(i).padStart(4, '0')}`,
    };
  }
  return { kind: 'table' as const, target: `ods_${entry.provider.toLowerCase()}.t_${String(i).padStart(4, '0')}` };
}

export async function advance(
  hub: Hub,
  code: string,
  status: DemoEntry['status'],
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
