import type { Actor } from '../access/index.js';
import { authorize, isAllowed } from '../access/index.js';
import { sql, type Kysely } from '../db/index.js';
import { HubError } from '../kernel/index.js';
import type { OpenDatasets } from './datasets.js';
import type { Developer } from './developers.js';
import type { OpenTables } from './tables.js';

export interface Rating {
  id: number;
  /** The developer's name as they gave it (never their email). */
  author: string;
  rating: number;
  comment: string;
  createdAt: string;
  /** The provider's answer, shown with it. */
  answer: string | null;
  answeredAt: string | null;
}

export interface DatasetRatings {
  average: number | null;
  count: number;
  items: Rating[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Ratings and comments (好差评) on open datasets (docs/open.md): a developer account rates a
 * dataset 1–5 with a comment (one each, replaced when given again, which clears the answer); the
 * providing department answers in public. Shown on the dataset page.
 */
export class OpenFeedback {
  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly datasets: OpenDatasets,
    private readonly now: () => Date,
  ) {}

  async rate(developer: Developer, input: { dataset: string; rating: number; comment: string }): Promise<Rating> {
    const ds = await this.datasets.find(input.dataset);
    const row = await this.db
      .insertInto('open.rating')
      .values({
        resource_id: ds.entry,
        resource_code: ds.code,
        provider_org: ds.resource.provider.code,
        developer_id: developer.id,
        rating: input.rating,
        comment: input.comment.trim(),
        created_at: this.now(),
        answer: null,
        answered_by: null,
        answered_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['resource_id', 'developer_id']).doUpdateSet({
          rating: input.rating,
          comment: input.comment.trim(),
          provider_org: ds.resource.provider.code,
          created_at: this.now(),
          answer: null,
          answered_by: null,
          answered_at: null,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toRating(row), author: developer.name };
  }

  /** A dataset's ratings, newest first, with the average (public). */
  async of(name: string, limit = 50): Promise<DatasetRatings> {
    const ds = await this.datasets.find(name);
    const [summary, rows] = await Promise.all([
      this.db
        .selectFrom('open.rating')
        .select([sql<string | null>`avg(rating)`.as('average'), sql<string>`count(*)`.as('count')])
        .where('resource_id', '=', ds.entry)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('open.rating as r')
        .innerJoin('open.developer as d', 'd.id', 'r.developer_id')
        .selectAll('r')
        .select('d.name as author')
        .where('r.resource_id', '=', ds.entry)
        .orderBy('r.created_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(limit)
        .execute(),
    ]);
    return {
      average: summary.average === null ? null : Math.round(Number(summary.average) * 10) / 10,
      count: Number(summary.count),
      items: rows.map((r) => ({ ...toRating(r), author: r.author })),
    };
  }

  /** The ratings of the caller's organization's datasets (every one for an operator), unanswered first. */
  async forProvider(actor: Actor): Promise<Array<Rating & { dataset: string }>> {
    authorize(actor, 'catalog:publish', { ownerOrg: actor.org?.code });
    let q = this.db
      .selectFrom('open.rating as r')
      .innerJoin('open.developer as d', 'd.id', 'r.developer_id')
      .selectAll('r')
      .select('d.name as author')
      .orderBy(sql`r.answer is null`, 'desc')
      .orderBy('r.id', 'desc')
      .limit(500);
    if (!isAllowed(actor, 'catalog:review')) {
      if (!actor.org) return [];
      q = q.where('r.provider_org', '=', actor.org.code);
    }
    return (await q.execute()).map((r) => ({ ...toRating(r), author: r.author, dataset: r.resource_code }));
  }

  /**
   * The provider's public answer; `resource` is the rated dataset's code. The department the
   * catalog names as the open entry's provider answers for it, asked before the rating is looked for.
   */
  async answer(actor: Actor, id: number, resource: string, text: string): Promise<Rating> {
    // Whoever answers for no department's datasets is refused before anything is looked up.
    authorize(actor, 'catalog:publish', { ownerOrg: actor.org?.code });
    const ds = await this.datasets.find(resource);
    authorize(actor, 'catalog:publish', { ownerOrg: ds.resource.provider.code });
    const row = await this.db
      .updateTable('open.rating')
      .set({ answer: text.trim(), answered_by: actor.username, answered_at: this.now() })
      .where('id', '=', id)
      .where('resource_id', '=', ds.entry)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new HubError('OPN_RATING_NOT_FOUND');
    const author = await this.db
      .selectFrom('open.developer')
      .select('name')
      .where('id', '=', row.developer_id)
      .executeTakeFirstOrThrow();
    return { ...toRating(row), author: author.name };
  }
}

function toRating(row: {
  id: number;
  rating: number;
  comment: string;
  created_at: Date;
  answer: string | null;
  answered_at: Date | null;
}): Omit<Rating, 'author'> {
  return {
    id: row.id,
    rating: row.rating,
    comment: row.comment,
    createdAt: iso(row.created_at)!,
    answer: row.answer,
    answeredAt: iso(row.answered_at),
  };
}
