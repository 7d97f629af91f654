import type { paths } from './schema';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<C> = C extends { content: { 'application/json': infer T } } ? T : never;

/** What a route answers on success (200 or 201), as the server's schema says. */
export type Answer<P extends keyof paths, M extends Method = 'get'> =
  Operation<P, M> extends { responses: infer R }
    ? R extends { 200: infer C }
      ? Json<C>
      : R extends { 201: infer C }
        ? Json<C>
        : never
    : never;

/** The JSON body a route takes. */
export type Body<P extends keyof paths, M extends Method = 'post'> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** One element of a list answer. */
export type Item<T> = T extends ReadonlyArray<infer E> ? E : never;
