export { purposeMigrations, GOVERNANCE, PURPOSE_CODE } from './migrations.js';
export { Purposes, type Purpose } from './registry.js';
export { AuthorizedPurposes } from './authorized-purposes.js';
export type { PurposeTables } from './tables.js';
