import { sql, type RawBuilder } from 'kysely';

/**
 * A JSON value as a jsonb parameter. node-postgres would send a JS array as a PostgreSQL
 * array literal and PGlite guesses differently again; sending text and casting is the same on both.
 */
export function json<T>(value: T): RawBuilder<T> {
  return sql<T>`cast(${JSON.stringify(value)} as jsonb)`;
}
