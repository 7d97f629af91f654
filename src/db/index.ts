export { connect, type ConnectOptions } from './connect.js';
export { migrate } from './migrate.js';
export { json } from './json.js';
export { copyText } from './copy.js';
export { connectionLost, transactionRetrying } from './retry.js';
export type { Database, DatabaseKind, Migration, ModuleMigrations } from './types.js';
export {
  sql,
  createQueryId,
  type Kysely,
  type Transaction,
  type Selectable,
  type Insertable,
  type Generated,
  type SelectQueryBuilder,
  type RawBuilder,
  type CompiledQuery,
  type ExpressionBuilder,
} from 'kysely';
