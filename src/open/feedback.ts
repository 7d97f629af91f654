import type { Actor } from '../access/index.js';
import { authorize, isAllowed } from '../access/index.js';
import { sql, type Kysely } from '../db/index.js';
import { HubError, digestJson, isHubError } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import type { OpenDatasets } from './datasets.js';
import type { Developer } from './developers.js';
import type { CommentState, OpenTables } from './tables.js';

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

/** One of a developer's own ratings, with where its comment stands (developer centre). */
export interface OwnRating extends Rating {
  dataset: string;
  /** The dataset's title; its name when it is no longer open. */
  title: string;
  state: CommentState;
  /** Why the comment was not published (rejected), for its author only. */
  reason: string | null;
}

/** A comment waiting for an operator's review (审核), oldest first. */
export interface PendingComment {
  id: number;
  /** The rated dataset's code. */
  dataset: string;
  title: string;
  author: string;
  rating: number;
  comment: string;
  createdAt: string;
}

export type Moderation = { approve: true } | { approve: false; reason: string };

/** What moderation needs of the hub's ledger: its decision commits with its entry. */
type ModerationLedger = Pick<Ledger, 'appendWithin' | 'suite'>;

export interface DatasetRatings {
  average: number | null;
  count: number;
  items: Rating[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Ratings and comments (好差评) on open datasets (docs/open.md): a developer account rates a
 * dataset 1–5 with a comment (one each, replaced when given again, which clears the answer). A
 * comment is reviewed before it is shown (先审后发): the platform's operators publish or reject it
 * — not the providing department, which must not suppress criticism of its own data — each
 * decision on the ledger. The number counts in the average at once; the providing department
 * answers a published comment in public. Shown on the dataset page.
 */
export class OpenFeedback {
  constructor(
    private readonly db: Kysely<OpenTables>,
    private readonly datasets: OpenDatasets,
    private readonly ledger: ModerationLedger,
    private readonly now: () => Date,
  ) {}

  async rate(developer: Developer, input: { dataset: string; rating: number; comment: string }): Promise<Rating> {
    const ds = await this.datasets.find(input.dataset);
    const comment = input.comment.trim();
    // A number carries no content; a text is reviewed before anyone else reads it.
    const review = {
      comment_state: comment === '' ? ('published' as const) : ('pending' as const),
      moderation_reason: null,
      moderated_by: null,
      moderated_at: null,
    };
    const row = await this.db
      .insertInto('open.rating')
      .values({
        resource_id: ds.entry,
        resource_code: ds.code,
        provider_org: ds.resource.provider.code,
        developer_id: developer.id,
        rating: input.rating,
        comment,
        created_at: this.now(),
        answer: null,
        answered_by: null,
        answered_at: null,
        ...review,
      })
      .onConflict((oc) =>
        oc.columns(['resource_id', 'developer_id']).doUpdateSet({
          rating: input.rating,
          comment,
          provider_org: ds.resource.provider.code,
          created_at: this.now(),
          answer: null,
          answered_by: null,
          answered_at: null,
          ...review,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toRating(row), author: developer.name };
  }

  /**
   * A dataset's ratings whose comment is published (or empty), newest first, with the average
   * and count of every rating (public): a number counts at once, a text only once reviewed.
   */
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
        .where('r.comment_state', '=', 'published')
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

  /**
   * The ratings of the caller's organization's datasets (every one for an operator) that may be
   * answered — their comment published or empty — unanswered first.
   */
  async forProvider(actor: Actor): Promise<Array<Rating & { dataset: string }>> {
    authorize(actor, 'catalog:publish', { ownerOrg: actor.org?.code });
    let q = this.db
      .selectFrom('open.rating as r')
      .innerJoin('open.developer as d', 'd.id', 'r.developer_id')
      .selectAll('r')
      .select('d.name as author')
      .where('r.comment_state', '=', 'published')
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
   * A comment not published yet (or rejected) is not there to answer: OPN_RATING_NOT_FOUND.
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
      .where('comment_state', '=', 'published')
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

  /** The developer's own ratings, newest first, each with its comment's review state and reason. */
  async mine(developer: Developer): Promise<OwnRating[]> {
    const rows = await this.db
      .selectFrom('open.rating')
      .selectAll()
      .where('developer_id', '=', developer.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(500)
      .execute();
    const titles = await this.titlesOf(rows.map((r) => r.resource_code));
    return rows.map((r) => ({
      ...toRating(r),
      author: developer.name,
      dataset: r.resource_code.toLowerCase(),
      title: titles.get(r.resource_code) ?? r.resource_code.toLowerCase(),
      state: r.comment_state,
      reason: r.comment_state === 'rejected' ? r.moderation_reason : null,
    }));
  }

  /** The comments waiting for review, oldest first (the platform's operators). */
  async pending(actor: Actor): Promise<PendingComment[]> {
    authorize(actor, 'open:moderate');
    const rows = await this.db
      .selectFrom('open.rating as r')
      .innerJoin('open.developer as d', 'd.id', 'r.developer_id')
      .select(['r.id', 'r.resource_code', 'r.rating', 'r.comment', 'r.created_at', 'd.name as author'])
      .where('r.comment_state', '=', 'pending')
      .orderBy('r.created_at', 'asc')
      .orderBy('r.id', 'asc')
      .limit(200)
      .execute();
    const titles = await this.titlesOf(rows.map((r) => r.resource_code));
    return rows.map((r) => ({
      id: r.id,
      dataset: r.resource_code,
      title: titles.get(r.resource_code) ?? r.resource_code.toLowerCase(),
      author: r.author,
      rating: r.rating,
      comment: r.comment,
      createdAt: iso(r.created_at)!,
    }));
  }

  /**
   * An operator publishes a comment or rejects it with a reason its author reads. Any comment
   * may be decided again (a published one taken down); an empty one has nothing to review and,
   * like an unknown id, is OPN_RATING_NOT_FOUND. The decision and its ledger entry commit together.
   */
  async moderate(actor: Actor, id: number, decision: Moderation): Promise<OwnRating> {
    authorize(actor, 'open:moderate');
    const state: CommentState = decision.approve ? 'published' : 'rejected';
    const at = this.now();
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('open.rating')
        .set({
          comment_state: state,
          moderation_reason: decision.approve ? null : decision.reason.trim(),
          moderated_by: actor.username,
          moderated_at: at,
        })
        .where('id', '=', id)
        .where('comment', '<>', '')
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new HubError('OPN_RATING_NOT_FOUND');
      await this.ledger.appendWithin(trx, [
        {
          kind: 'open.comment.moderated',
          action: decision.approve ? 'approve' : 'reject',
          rating: updated.id,
          resource: updated.resource_code,
          provider: updated.provider_org,
          state,
          // The comment itself stays off the ledger (a person's words); its digest proves which text was decided.
          digest: digestJson(this.ledger.suite, updated.comment),
          actor: actor.username,
          org: actor.org?.code ?? null,
          at: at.toISOString(),
        },
      ]);
      return updated;
    });
    const [author, titles] = await Promise.all([
      this.db.selectFrom('open.developer').select('name').where('id', '=', row.developer_id).executeTakeFirstOrThrow(),
      this.titlesOf([row.resource_code]),
    ]);
    return {
      ...toRating(row),
      author: author.name,
      dataset: row.resource_code.toLowerCase(),
      title: titles.get(row.resource_code) ?? row.resource_code.toLowerCase(),
      state: row.comment_state,
      reason: row.moderation_reason,
    };
  }

  /** The titles of the datasets still open (one closed since shows its name). */
  private async titlesOf(codes: string[]): Promise<Map<string, string>> {
    const titles = new Map<string, string>();
    for (const code of new Set(codes)) {
      const ds = await this.datasets.find(code).catch((e: unknown) => {
        if (isHubError(e) && e.code === 'OPN_NOT_FOUND') return null;
        throw e;
      });
      if (ds) titles.set(code, ds.resource.name);
    }
    return titles;
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
