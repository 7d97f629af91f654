import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { registerPublic } from './public-routes.js';

/** Vite names files under assets/ by their content hash: a changed file is a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files, so a browser must ask again every time (it may revalidate). */
export const NO_CACHE = 'no-cache';

/**
 * The built web app (web/dist), issue #14: files under assets/ are served compressed — brotli or
 * gzip, as the request's Accept-Encoding prefers, from the `.br` and `.gz` files that
 * scripts/compress-web.mjs writes at build time — and cached for a year as immutable; index.html
 * and the other files are revalidated on every use. `Vary: Accept-Encoding` on every file
 * (@fastify/static's preCompressed adds it). Returns false when there is no built app.
 */
export async function registerWebAssets(app: FastifyInstance, dir: string | undefined): Promise<boolean> {
  const root = dir === undefined ? undefined : resolve(dir);
  if (root === undefined || !existsSync(join(root, 'index.html'))) return false;
  const setHeaders = (reply: FastifyReply, path: string) => {
    reply.header('cache-control', isHashedAsset(root, path) ? IMMUTABLE : NO_CACHE);
  };
  const common = { root, preCompressed: true, cacheControl: false, setHeaders };
  // Twice: the public file routes in their own scope, and reply.sendFile at the root for the fallback.
  await registerPublic(app, fastifyStatic, { ...common, wildcard: false, decorateReply: false });
  await app.register(fastifyStatic, { ...common, serve: false });
  return true;
}

function isHashedAsset(root: string, path: string): boolean {
  return relative(root, path).startsWith(`assets${sep}`);
}
