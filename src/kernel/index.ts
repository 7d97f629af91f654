export {
  ERROR_CATALOGUE,
  HubError,
  detailIn,
  reasonIn as problemReasonIn,
  fieldProblem,
  invalid,
  invalidAs,
  isHubError,
  withProblems,
  type ErrorCode,
  type FieldProblem,
} from './errors.js';
export * from './messages/index.js';
export { loadConfig, REPLICA_MAX_LAG_MS, type HubConfig, type ConfigFlags } from './config.js';
export { createLogger, maskPersonalText, type Logger } from './logger.js';
export { DEFAULT_UPLOAD_LIMITS, uploadLimitsFromEnv, type UploadLimits } from './limits.js';
export { inspectZip, readZipEntry, zipFromBuffer, zipFromFile, type ZipEntry, type ZipSource } from './zip.js';
export { boundedXml, checkDeclared, checkWorkbook, excel, readPart, tooLarge } from './xlsx-bounds.js';
export * from './citizen-id.js';
export * from './credit-code.js';
export * from './division.js';
export * from './working-days.js';
export { digestJson } from './digest.js';
export { announce, lockForTransaction, lockKey, runAlone, type SharedDatabase } from './cluster.js';
export { writeCsv, neutralizeCsvCell, restoreCsvCell } from './csv.js';
export * from './crypto/index.js';
export { mod37_36CheckChar, isMod37_36Valid, MOD37_36_ALPHABET } from './mod37-36.js';
export { Tally } from './tally.js';
