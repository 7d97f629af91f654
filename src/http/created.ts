import type { FastifyReply } from 'fastify';

/** Answers 201 Created with what the request made: the one way routes that create say so. */
export function created<T>(reply: FastifyReply, made: T): T {
  reply.status(201);
  return made;
}
