import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Peer } from '../cascade/index.js';
import type { Hub } from '../hub/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The node that signed the request, on the routes between nodes (src/http/node-signed.ts). */
    peer: Peer | null;
    rawBody: Buffer | undefined;
  }
}

/**
 * The routes between cascade nodes (docs/cascade.md). No person calls them, so they take no
 * user credential (marked public for the session check) and instead every request must carry a
 * known node's signatures over its method, path, date, nonce and the exact body bytes — checked
 * here, before validation, for every route of the scope.
 */
export function nodeSigned(hub: Hub, routes: FastifyPluginAsyncTypebox): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.decorateRequest('peer', null);
    app.decorateRequest('rawBody', undefined);
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    // The signature covers the bytes as sent: keep them, then parse.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      parseJson(request, (body as Buffer).toString('utf8'), done);
    });
    app.addHook('preValidation', async (request) => {
      request.peer = await hub.cascade.verify({
        method: request.method,
        path: request.url,
        headers: request.headers,
        body: request.rawBody ?? Buffer.alloc(0),
      });
    });
    await app.register(routes);
  };
}
