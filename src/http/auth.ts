import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isAllowed, type Actor } from '../access/index.js';
import { HubError, msg } from '../kernel/index.js';
import type { Hub } from '../hub/index.js';
import { isOpenCredential } from '../open/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, from a verified token or API key; null when anonymous. */
    actor: Actor | null;
    /** For citizen accounts only: their own ID number, to find their own data and ledger entries. */
    citizenId: string | null;
  }
}

/**
 * Resolves the caller once per request. A credential that is present but wrong is a 401 at
 * once (never silently anonymous); routes then ask `authorize()` what the actor may do.
 */
export function registerAuth(app: FastifyInstance, hub: Hub): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('citizenId', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const apiKey = request.headers['x-api-key'];
    // The open-data portal's developers present their own keys and sessions (CKAN clients send a
    // key bare in Authorization): those are not the hub's credentials, and the portal's routes check them.
    if (openCredentialOf(request) !== undefined) return;
    if (typeof header === 'string' && header.length > 0) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new HubError('ACC_UNAUTHENTICATED', msg('access.bearerFormat'));
      request.actor = await hub.access.authenticateToken(match[1]!);
    } else if (typeof apiKey === 'string' && apiKey.length > 0) {
      request.actor = await hub.access.authenticateApiKey(apiKey);
    }
    // Looked up only for those the policy lets read their own entries: one query less for the rest.
    if (request.actor && isAllowed(request.actor, 'ledger:read-own-entries', { self: true })) {
      request.citizenId = await hub.access.citizenIdOf(request.actor);
    }
  });
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new HubError('ACC_UNAUTHENTICATED');
  return request.actor;
}

/** A credential of the portal's developers (an API key or a developer session), where a client put it. */
export function openCredentialOf(request: FastifyRequest): string | undefined {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && isOpenCredential(apiKey)) return apiKey;
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const text = header.replace(/^Bearer\s+/i, '').trim();
  return isOpenCredential(text) ? text : undefined;
}
