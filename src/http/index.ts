export { buildApp, type AppOptions } from './app.js';
export { openHub, MIGRATIONS, type Hub, type OpenHubOptions } from '../hub/index.js';
export { startHub, type StartOptions, type RunningHub } from './start.js';
