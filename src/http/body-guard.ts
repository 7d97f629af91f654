import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError, type UploadLimits, english, msg } from '../kernel/index.js';

/**
 * Every request body, parsed whole (JSON) or streamed (multipart uploads), must keep arriving:
 * a body cut short under a full Content-Length, or one trickling in, would otherwise hold its
 * connection and its job for the life of the process (Fastify's requestTimeout is off, and it
 * would count the time a streamed upload waits for the database as the client's).
 *
 * Only time the hub spends waiting for the client counts: while the body is being consumed and
 * not held back by back-pressure. It may pause at most `bodyIdleMs`, and its waiting time may
 * not exceed `bodyIdleMs` plus what its bytes so far earn at `bodyMinRate`. Past that, the body
 * stream fails with a 408 problem: its consumer stops (an upload's job fails) and the error
 * handler answers, closing the connection since the rest of the body is never read.
 */
export function guardBodies(app: FastifyInstance, limits: Pick<UploadLimits, 'bodyIdleMs' | 'bodyMinRate'>): void {
  app.addHook('onRequest', async (request) => {
    if (hasBody(request.raw)) watch(request, limits);
  });
}

function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function watch(request: FastifyRequest, limits: Pick<UploadLimits, 'bodyIdleMs' | 'bodyMinRate'>): void {
  const raw = request.raw;
  const socket = raw.socket;
  // The socket's byte count, not a 'data' listener: listening would start the body flowing unread.
  const start = socket.bytesRead;
  let seen = start;
  let idle = 0;
  let waited = 0;
  let last = Date.now();
  const timer = setInterval(
    () => {
      const now = Date.now();
      const step = now - last;
      last = now;
      if (raw.complete || raw.destroyed) return stop();
      if (socket.bytesRead !== seen) {
        seen = socket.bytesRead;
        idle = 0;
      }
      // Not consumed yet, or paused by back-pressure: the hub is the slow one.
      if (raw.readableFlowing !== true) return;
      idle += step;
      waited += step;
      const earned = limits.bodyIdleMs + ((seen - start) / limits.bodyMinRate) * 1000;
      if (idle >= limits.bodyIdleMs || waited >= earned) timeOut(idle >= limits.bodyIdleMs);
    },
    Math.min(1000, Math.max(10, limits.bodyIdleMs / 4)),
  );
  timer.unref();
  const stop = () => clearInterval(timer);
  raw.once('end', stop);
  raw.once('close', stop);

  function timeOut(stalled: boolean): void {
    stop();
    const why = stalled
      ? msg('http.bodyIdle', { seconds: limits.bodyIdleMs / 1000 })
      : msg('http.bodySlow', { rate: limits.bodyMinRate });
    const error = new HubError('KRN_REQUEST_TIMEOUT', msg('http.sendPromptly', { why }), {
      headers: { connection: 'close' },
    });
    request.log.warn({ bytes: seen - start }, english(why));
    // An error event, not destroy(): destroying an unfinished request destroys its socket, and
    // the 408 could not be sent. The body's consumers (Fastify's parser, @fastify/multipart)
    // listen for it and stop; with no consumer listening, there is no one to answer either.
    if (raw.listenerCount('error') > 0) raw.emit('error', error);
    else raw.destroy(error);
  }
}
