import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../kernel/index.js';
import { HubError, uploadLimitsFromEnv, type UploadLimits, msg } from '../kernel/index.js';
import { guardBodies } from './body-guard.js';
import { consentRoutes } from './routes/consents.js';
import { attestationRoutes } from './routes/attestations.js';
import { licenceRoutes } from './routes/licences.js';
import { cockpitRoutes } from './routes/cockpit.js';
import { cascadeRoutes, witnessedRoutes } from './routes/cascade.js';
import { cascadeCatalogRoutes } from './routes/cascade-catalog.js';
import { cascadeReturnRoutes } from './routes/cascade-return.js';
import { cascadePushRoutes } from './routes/cascade-push.js';
import { cascadeRecordsRoutes } from './routes/cascade-records.js';
import { licencePublicRoutes } from './routes/licence-public.js';
import { openCkanRoutes } from './routes/open-ckan.js';
import { openPublicRoutes } from './routes/open-public.js';
import { openDeveloperRoutes } from './routes/open-developers.js';
import { openFeedbackRoutes } from './routes/open-feedback.js';
import { openDcatRoutes } from './routes/open-dcat.js';
import { meRoutes } from './routes/me.js';
import { usageDigestRoutes } from './routes/me-digest.js';
import { ledgerRoutes, namesFrom } from './routes/ledger.js';
import { registerAuth } from './auth.js';
import type { Hub } from '../hub/index.js';
import { registerMetrics } from './metrics.js';
import { sendProblem } from './problem.js';
import { registerPublic, requireActorUnlessPublic } from './public-routes.js';
import { checkRoutePolicy } from './route-policy.js';
import { edgeOptionsFromEnv, registerSecurityHeaders, type EdgeOptions } from './security-headers.js';
import { rejectUnstorableText } from './storable-text.js';
import { registerWebAssets } from './web-assets.js';
import { authRoutes } from './routes/auth.js';
import { oidcRoutes } from './routes/oidc.js';
import { adminRoutes } from './routes/admin.js';
import { catalogRoutes } from './routes/catalog.js';
import { catalogToolRoutes } from './routes/catalog-tools.js';
import { baseRoutes } from './routes/base.js';
import { demandRoutes } from './routes/demands.js';
import { enterpriseRoutes } from './routes/enterprises.js';
import { grantRoutes } from './routes/grants.js';
import { purposeRoutes } from './routes/purposes.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { serviceRoutes } from './routes/services.js';
import { ingestRoutes } from './routes/ingest.js';
import { platformRoutes } from './routes/platform.js';
import { qualityRoutes } from './routes/quality.js';
import { authorize } from '../access/index.js';

/** corsOrigins and trustProxy default to QDH_CORS_ORIGINS and QDH_TRUST_PROXY. */
export interface AppOptions extends EdgeOptions {
  logger: Logger;
  /** Directory of the built web app (web/dist); the API runs without it. */
  webDir?: string;
  version?: string;
  /** A demo hub: service listings offer a sample key to try. */
  demo?: boolean;
  /** Body timeouts and upload bounds; default: QDH_BODY_IDLE_SECONDS, QDH_UPLOAD_MAX_ROWS … (docs/ingest.md). */
  limits?: UploadLimits;
}

/** The Fastify application: every module's routes under /api/v1, docs, health, metrics, web app. */
export async function buildApp(hub: Hub, opts: AppOptions): Promise<FastifyInstance> {
  const edge = { ...edgeOptionsFromEnv(process.env), ...opts };
  const limits = opts.limits ?? uploadLimitsFromEnv();
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    trustProxy: edge.trustProxy ?? false,
    requestIdHeader: 'x-request-id',
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
    // The router's own refusals (a malformed or overlong path) are problems like every other error.
    frameworkErrors: (error, request, reply) => sendProblem(error, request, reply),
  });

  // Before any route is added: a route without an entry in ROUTE_POLICY stops the start.
  checkRoutePolicy(app);
  app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(error, request, reply));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Before the credential hooks, so that a 401 carries the security and CORS headers too.
  await registerSecurityHeaders(app, edge);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '泉城数据中枢 Quancheng Data Hub API',
        version: opts.version ?? '0.1.0',
        description: "Jinan's unified public-data hub. Errors are RFC 9457 problems (application/problem+json).",
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
  });
  await registerPublic(app, fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(fastifyMultipart, { limits: { fileSize: 2 * 1024 * 1024 * 1024, files: 1 } });
  // First of the request hooks: a body is watched even when the request is refused before it is read.
  guardBodies(app, limits);
  registerAuth(app, hub);
  requireActorUnlessPublic(app);
  rejectUnstorableText(app);
  registerMetrics(app);

  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['platform'], summary: 'Liveness and which database is in use' } },
    async () => {
      const head = await hub.ledger.latestHead();
      return {
        status: 'ok',
        database: { kind: hub.db.kind, url: hub.db.describe },
        ledger: { suite: hub.ledger.suite, treeSize: head.treeSize },
      };
    },
  );
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  await app.register(authRoutes(hub), { prefix: '/api/v1/auth' });
  await app.register(oidcRoutes(hub), { prefix: '/api/v1/auth' });
  await app.register(adminRoutes(hub), { prefix: '/api/v1/admin' });
  await app.register(platformRoutes(hub), { prefix: '/api/v1' });
  await app.register(catalogRoutes(hub), { prefix: '/api/v1/catalog' });
  await app.register(catalogToolRoutes(hub, limits), { prefix: '/api/v1/catalog' });
  await app.register(ingestRoutes(hub, limits), { prefix: '/api/v1/ingest' });
  await app.register(baseRoutes(hub), { prefix: '/api/v1/base' });
  await app.register(grantRoutes(hub), { prefix: '/api/v1/grants' });
  await app.register(purposeRoutes(hub), { prefix: '/api/v1/purposes' });
  await app.register(serviceRoutes(hub, { demo: opts.demo ?? false }), { prefix: '/api/v1/services' });
  await app.register(monitoringRoutes(hub), { prefix: '/api/v1/monitoring' });
  await app.register(demandRoutes(hub), { prefix: '/api/v1' });
  await app.register(qualityRoutes(hub), { prefix: '/api/v1' });
  await app.register(
    ledgerRoutes({
      ledger: hub.ledger,
      requireAuditor: (request) => authorize(request.actor, 'ledger:read-entries'),
      subjectOf: (request) => request.citizenId ?? undefined,
      requireSubjectSearch: (request) => authorize(request.actor, 'ledger:search-subject'),
      names: namesFrom(hub),
    }),
    { prefix: '/api/v1/ledger' },
  );
  await app.register(meRoutes(hub), { prefix: '/api/v1/me' });
  await app.register(usageDigestRoutes(hub), { prefix: '/api/v1/me' });
  await app.register(consentRoutes(hub), { prefix: '/api/v1/consents' });
  await app.register(attestationRoutes(hub), { prefix: '/api/v1/attestations' });
  await app.register(enterpriseRoutes(hub), { prefix: '/api/v1' });
  await app.register(licenceRoutes(hub), { prefix: '/api/v1' });
  await app.register(cockpitRoutes(hub), { prefix: '/api/v1' });
  await app.register(cascadeRoutes(hub), { prefix: '/api/v1/cascade' });
  await app.register(witnessedRoutes(hub), { prefix: '/api/v1/ledger' });
  await app.register(cascadeCatalogRoutes(hub), { prefix: '/api/v1/cascade' });
  await app.register(cascadeReturnRoutes(hub), { prefix: '/api/v1/cascade' });
  await app.register(cascadePushRoutes(hub), { prefix: '/api/v1/cascade' });
  await app.register(cascadeRecordsRoutes(hub), { prefix: '/api/v1/cascade' });
  await app.register(licencePublicRoutes(hub));
  await app.register(openCkanRoutes(hub));
  await app.register(openPublicRoutes(hub));
  await app.register(openDeveloperRoutes(hub), { prefix: '/api/v1/open' });
  await app.register(openFeedbackRoutes(hub), { prefix: '/api/v1/open' });
  await app.register(openDcatRoutes(hub));
  await registerWeb(app, opts.webDir);
  return app;
}

/** Serves the single-page app; unknown non-API GETs get index.html so client-side routes work. */
async function registerWeb(app: FastifyInstance, dir: string | undefined): Promise<void> {
  // Compressed, immutable hashed assets and a revalidated index.html (src/http/web-assets.ts).
  const hasWeb = await registerWebAssets(app, dir);
  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(api|healthz|metrics)(\/|$)/.test(request.url);
    if (hasWeb && request.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return sendProblem(
      new HubError('KRN_NOT_FOUND', msg('http.noRoute', { method: request.method, path: request.url.split('?')[0]! })),
      request,
      reply,
    );
  });
}
