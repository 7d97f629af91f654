import type { Kysely } from 'kysely';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The hub's handle on its database. `kysely` knows no tables: each module narrows it with
 * `db.kysely.withTables<ItsTables>()`, so a module's table types live with the module that
 * owns those tables (one PostgreSQL schema per module).
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** Human description for /healthz: never contains a password. */
  readonly describe: string;
  readonly kysely: Kysely<object>;
  close(): Promise<void>;
}

/** One SQL migration: `id` orders it inside its module; `sql` runs unchanged on PGlite and PostgreSQL. */
export interface Migration {
  id: string;
  sql: string;
}

export interface ModuleMigrations {
  module: string;
  migrations: readonly Migration[];
}
