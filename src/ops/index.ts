export { backup, type BackupOptions, type BackupResult, type Progress } from './backup.js';
export { restore, type RestoreOptions, type RestoreResult } from './restore.js';
export {
  HOLD_FILE,
  HOLD_TABLE,
  describeTarget,
  heldMessage,
  readRestoreRecord,
  refuseUnverifiedRestore,
  type OpenHub,
  type OpenedHub,
  type RestoreRecord,
  type Target,
} from './hold.js';
export { HEADER_BYTES, MAGIC, headerOf, readManifest, type Manifest } from './manifest.js';
