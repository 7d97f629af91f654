import type { Kysely } from '../db/index.js';
import { lockBase, recomputeAll } from './absorb.js';
import type { BaseKind } from './kinds.js';
import type { BaseTables } from './tables.js';

export interface Authority {
  kind: BaseKind;
  element: string;
  provider: string;
  updatedBy: string;
  updatedAt: string;
}

export async function listAuthorities(db: Kysely<BaseTables>): Promise<Authority[]> {
  const rows = await db.selectFrom('base.authority').selectAll().orderBy('base_kind').orderBy('element').execute();
  return rows.map((r) => ({
    kind: r.base_kind,
    element: r.element,
    provider: r.provider_org,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at.toISOString(),
  }));
}

/**
 * Declares the source of record of one element (or, with provider null, declares none: the first
 * value is then kept). Every subject's value of that element, its conflicts and the base's labels
 * are recomputed in the same transaction, so the base never shows the old authority's choice
 * under the new declaration.
 */
export async function setAuthority(
  db: Kysely<BaseTables>,
  kind: BaseKind,
  element: string,
  provider: string | null,
  by: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockBase(trx, kind);
    if (provider === null) {
      await trx.deleteFrom('base.authority').where('base_kind', '=', kind).where('element', '=', element).execute();
    } else {
      await trx
        .insertInto('base.authority')
        .values({ base_kind: kind, element, provider_org: provider, updated_by: by })
        .onConflict((oc) =>
          oc
            .columns(['base_kind', 'element'])
            .doUpdateSet({ provider_org: provider, updated_by: by, updated_at: new Date() }),
        )
        .execute();
    }
    await recomputeAll(trx, kind, { keys: null, element });
  });
}
