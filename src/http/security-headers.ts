import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { isPublicRoute } from './public-routes.js';

export interface EdgeOptions {
  /** Origins (scheme://host[:port]) whose pages may call the API; none by default. */
  corsOrigins?: string[];
  /** Fastify's trustProxy: whom to believe for X-Forwarded-Proto/-For; nobody by default. */
  trustProxy?: boolean | string[];
}

/** QDH_CORS_ORIGINS (comma-separated origins) and QDH_TRUST_PROXY (true, or comma-separated addresses/CIDRs). */
export function edgeOptionsFromEnv(env: NodeJS.ProcessEnv): EdgeOptions {
  const proxy = env.QDH_TRUST_PROXY?.trim() ?? '';
  return {
    corsOrigins: commaList(env.QDH_CORS_ORIGINS ?? ''),
    trustProxy: proxy === '' || proxy === 'false' ? false : proxy === 'true' ? true : commaList(proxy),
  };
}

function commaList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/**
 * The built web app is Vite's external module scripts only; Ant Design and Swagger UI insert
 * <style> elements at run time, hence 'unsafe-inline' for styles (never for scripts).
 * upgrade-insecure-requests is left out: it breaks a hub served over plain HTTP on a LAN address.
 */
const CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** HSTS only where the browser reached us over TLS; over plain HTTP the header is ignored or, worse, sticks. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every answer, CORS denied unless the origin is configured, and
 * `Cache-Control: no-store` on everything but public reads, so no shared or browser cache keeps
 * personal data or tokens.
 */
export async function registerSecurityHeaders(app: FastifyInstance, opts: EdgeOptions): Promise<void> {
  const security = await helmetHeaders();
  const allowed = new Set(opts.corsOrigins ?? []);
  await app.register(fastifyCors, {
    origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition'],
    maxAge: 600,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(security);
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
  app.addHook('onSend', async (request, reply) => {
    const publicRead = (request.method === 'GET' || request.method === 'HEAD') && isPublicRoute(request);
    if (!publicRead) reply.header('cache-control', 'no-store');
  });
}

const HELMET = {
  contentSecurityPolicy: CSP,
  hsts: false,
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
} as const;
/** What every answer carries anyway, not helmet's. */
const NOT_HELMET = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);

/**
 * The headers helmet sets with HELMET, asked of it once at start. @fastify/helmet builds helmet's
 * middleware anew on every request (a tenth of a data-service call's CPU, bench:share); with no
 * nonces and one policy for every route, its headers are the same for every answer.
 */
async function helmetHeaders(): Promise<Record<string, string>> {
  const probe = Fastify();
  await probe.register(fastifyHelmet, HELMET);
  probe.get('/', async () => '');
  const answer = await probe.inject('/');
  await probe.close();
  return Object.fromEntries(
    Object.entries(answer.headers)
      .filter(([name]) => !NOT_HELMET.has(name))
      .map(([name, value]) => [name, String(value)]),
  );
}
