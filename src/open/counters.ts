import { sql, type Kysely } from '../db/index.js';
import { Tally } from '../kernel/index.js';
import type { OpenEvent, OpenTables } from './tables.js';

export type DatasetCounts = Record<'views' | 'downloads' | 'calls', number>;
const FIELD: Record<OpenEvent, keyof DatasetCounts> = { view: 'views', download: 'downloads', call: 'calls' };

/**
 * Views, downloads and data API calls per open dataset, counted in memory and added together a
 * moment later (kernel's Tally): a public read costs no write of its own.
 */
export class OpenCounters {
  private readonly tally: Tally<{ resource: number; event: OpenEvent }>;

  constructor(private readonly db: Kysely<OpenTables>) {
    this.tally = new Tally(async (counts) => {
      await db
        .insertInto('open.dataset_count')
        .values(counts.map(({ key, n }) => ({ resource_id: key.resource, event: key.event, count: n })))
        .onConflict((oc) =>
          oc.columns(['resource_id', 'event']).doUpdateSet({ count: sql`open.dataset_count.count + excluded.count` }),
        )
        .execute();
    });
  }

  add(resource: number, event: OpenEvent): void {
    this.tally.add(`${resource}|${event}`, { resource, event });
  }

  flush(): Promise<void> {
    return this.tally.flush();
  }

  /** The counts of several datasets (written ones: at most a moment behind). */
  async of(resources: number[]): Promise<Map<number, DatasetCounts>> {
    const out = new Map<number, DatasetCounts>(resources.map((r) => [r, { views: 0, downloads: 0, calls: 0 }]));
    if (resources.length === 0) return out;
    const rows = await this.db
      .selectFrom('open.dataset_count')
      .selectAll()
      .where('resource_id', 'in', resources)
      .execute();
    for (const r of rows) out.get(r.resource_id)![FIELD[r.event]] = Number(r.count);
    return out;
  }

  /** The most viewed, downloaded or called datasets' entry ids, most first. */
  async top(event: OpenEvent, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('open.dataset_count')
      .select('resource_id')
      .where('event', '=', event)
      .orderBy('count', 'desc')
      .orderBy('resource_id')
      .limit(limit)
      .execute();
    return rows.map((r) => r.resource_id);
  }
}
