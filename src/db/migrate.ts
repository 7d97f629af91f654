import { sql } from 'kysely';
import type { Database, ModuleMigrations } from './types.js';

/**
 * Applies every module's migrations that have not run yet, each in its own transaction
 * together with its bookkeeping row, so a failed migration leaves nothing half-applied.
 * Modules are migrated in the order given (the composition root knows the dependencies).
 * An advisory lock keeps two starting processes from migrating at once.
 */
export async function migrate(db: Database, modules: readonly ModuleMigrations[]): Promise<string[]> {
  const k = db.kysely;
  await sql`create table if not exists public.qdh_migration (
    module text not null, id text not null, applied_at timestamptz not null default now(),
    primary key (module, id))`.execute(k);
  const applied: string[] = [];
  await k.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(7301)`.execute(conn);
    try {
      for (const m of modules) {
        if (m.renamedFrom === undefined) continue;
        await sql`update public.qdh_migration set module = ${m.module} where module = ${m.renamedFrom}`.execute(conn);
      }
      const done = await sql<{ module: string; id: string }>`select module, id from public.qdh_migration`.execute(conn);
      const seen = new Set(done.rows.map((r) => `${r.module}/${r.id}`));
      for (const m of modules) {
        for (const mig of m.migrations) {
          const key = `${m.module}/${mig.id}`;
          if (seen.has(key)) continue;
          await conn.transaction().execute(async (trx) => {
            await sql.raw(mig.sql).execute(trx);
            await sql`insert into public.qdh_migration (module, id) values (${m.module}, ${mig.id})`.execute(trx);
          });
          applied.push(key);
        }
      }
    } finally {
      await sql`select pg_advisory_unlock(7301)`.execute(conn);
    }
  });
  return applied;
}
