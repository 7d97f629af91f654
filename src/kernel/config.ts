import { resolve } from 'node:path';
import { HubError } from './errors.js';

/** Everything the process needs to know about its surroundings, from env and flags. */
export interface HubConfig {
  port: number;
  host: string;
  dataDir: string;
  /** When set, PostgreSQL is used instead of the embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  demo: boolean;
  demoPassword: string | undefined;
  logLevel: string;
  webDir: string;
}

export interface ConfigFlags {
  port?: number | string;
  host?: string;
  data?: string;
  demo?: boolean;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const port = Number(flags.port ?? env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HubError('KRN_CONFIG', `port must be an integer 0–65535, got ${String(flags.port ?? env.PORT)}`);
  }
  return {
    port,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    dataDir: resolve(flags.data ?? env.QDH_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demo: Boolean(flags.demo),
    demoPassword: env.QDH_DEMO_PASSWORD || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    webDir: resolve(env.QDH_WEB_DIR ?? new URL('../../web/dist', import.meta.url).pathname),
  };
}
