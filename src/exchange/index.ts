export { exchangeMigrations } from './migrations.js';
export { ExchangeService, type Grant, type GrantInput, type Lookup } from './service.js';
export { maskValue, projectRecord } from './masking.js';
