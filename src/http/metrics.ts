import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics: process defaults plus request latency by route pattern (never by raw URL). */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  // The event-loop delay is sampled every 100 ms, not prom-client's 10 ms: a timer firing 100
  // times a second was half of what an idle hub cost (bench/idle.ts).
  collectDefaultMetrics({ register: registry, prefix: 'qdh_', eventLoopMonitoringPrecision: 100 });
  const latency = new Histogram({
    name: 'qdh_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    latency.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return registry;
}
