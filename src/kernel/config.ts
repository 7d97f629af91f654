import { resolve } from 'node:path';
import { HubError } from './errors.js';
import { msg } from './messages/index.js';

/** Everything the process needs to know about its surroundings, from env and flags. */
export interface HubConfig {
  port: number;
  host: string;
  dataDir: string;
  /** When set, PostgreSQL is used instead of the embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  /** PostgreSQL streaming replicas that reads which may be a moment stale go to (docs/replicas.md). */
  databaseReadUrls: string[];
  /** How stale a replica's data may be before reads leave it for the primary (ms). */
  replicaMaxLagMs: number;
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
    throw new HubError('KRN_CONFIG', msg('config.port', { value: String(flags.port ?? env.PORT) }));
  }
  return {
    port,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    dataDir: resolve(flags.data ?? env.QDH_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    ...readReplicas(env),
    demo: Boolean(flags.demo),
    demoPassword: env.QDH_DEMO_PASSWORD || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    webDir: resolve(env.QDH_WEB_DIR ?? new URL('../../web/dist', import.meta.url).pathname),
  };
}

/** Default of QDH_REPLICA_MAX_LAG_MS: replicas' data is at most this old when reads use them. */
export const REPLICA_MAX_LAG_MS = 5000;

/** DATABASE_READ_URLS (comma-separated postgres:// URLs) and QDH_REPLICA_MAX_LAG_MS. */
function readReplicas(env: NodeJS.ProcessEnv): { databaseReadUrls: string[]; replicaMaxLagMs: number } {
  const urls = (env.DATABASE_READ_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of urls) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new HubError('KRN_CONFIG', msg('config.readUrl'));
  }
  if (urls.length > 0 && !env.DATABASE_URL) throw new HubError('KRN_CONFIG', msg('config.readUrlsWithoutPrimary'));
  const lag = env.QDH_REPLICA_MAX_LAG_MS;
  const replicaMaxLagMs = lag === undefined || lag === '' ? REPLICA_MAX_LAG_MS : Number(lag);
  if (!(replicaMaxLagMs > 0)) {
    throw new HubError('KRN_CONFIG', msg('config.positive', { name: 'QDH_REPLICA_MAX_LAG_MS', value: String(lag) }));
  }
  return { databaseReadUrls: urls, replicaMaxLagMs };
}
