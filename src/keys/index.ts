export { keysMigrations } from './migrations.js';
export { KeyStore, type DataKey, type KeyStatus, type KeyStoreOptions, type SecretBox } from './key-store.js';
export { LocalKek, configuredKeks, parseKek, type KeyEncryptionKey } from './kek.js';
export type { KeysTables } from './tables.js';
