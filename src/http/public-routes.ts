import type { FastifyInstance, FastifyPluginAsync, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { HubError } from '../kernel/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anyone may call this route: login, health, the ledger's verifiable heads and proofs, docs, web app. */
    public?: boolean;
  }
}

/**
 * Deny by default: a route not marked `config: { public: true }` answers 401 to an anonymous
 * caller before its schema or handler runs, so the answer cannot differ between an id that
 * exists and one that does not. Runs after the credential hook of `registerAuth`.
 */
export function requireActorUnlessPublic(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.actor === null && !isPublicRoute(request)) throw new HubError('ACC_UNAUTHENTICATED');
  });
}

/**
 * Unmatched URLs are public (the 404 names only the URL, and the web app's client-side routes
 * arrive this way); so is OPTIONS, which only the CORS preflight answers and which browsers
 * send without credentials.
 */
export function isPublicRoute(request: FastifyRequest): boolean {
  return request.is404 || request.method === 'OPTIONS' || request.routeOptions.config.public === true;
}

/** Registers a third-party plugin whose every route is public (the docs UI, the web app's files). */
export async function registerPublic<O extends object>(
  app: FastifyInstance,
  plugin: FastifyPluginAsync<O> | FastifyPluginCallback<O>,
  opts: O,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await scope.register(plugin, opts);
  });
}
