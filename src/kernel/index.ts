export { ERROR_CATALOGUE, HubError, invalid, isHubError, type ErrorCode, type FieldProblem } from './errors.js';
export { loadConfig, type HubConfig, type ConfigFlags } from './config.js';
export { createLogger, maskPersonalText, type Logger } from './logger.js';
export * from './citizen-id.js';
export * from './credit-code.js';
export * from './division.js';
export * from './working-days.js';
export { digestJson } from './digest.js';
export * from './crypto/index.js';
