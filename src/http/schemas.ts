import { Type } from 'typebox';

/**
 * A row id in a path: the tables' `serial` keys are PostgreSQL integers, so a larger number can
 * name no row and is refused by the schema instead of reaching the database as an out-of-range value.
 */
export const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

/** `{ id }` path parameters. */
export const IdParams = Type.Object({ id: Id });
