import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { HubError } from '../kernel/index.js';
import { rejectUnstorableText } from './storable-text.js';

const app = Fastify();
rejectUnstorableText(app);
app.setErrorHandler((e, _req, reply) =>
  e instanceof HubError ? reply.code(e.status).send({ errors: e.problems }) : reply.code(500).send(),
);
app.post('/x', async () => ({ ok: true }));
afterAll(() => app.close());

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/x', payload: payload as object });

describe('rejectUnstorableText', () => {
  it('passes a large body of storable cells', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => [`${i}`, '济南市历下区', 'a/b~c', '😀']);
    expect((await post({ fields: ['a', 'b', 'c', 'd'], rows })).statusCode).toBe(200);
  });

  it('names the cell of a NUL or a lone surrogate by its JSON pointer, escaped', async () => {
    const rows = [
      ['ok', 'ok'],
      ['ok', 'bad\u0000'],
    ];
    const res = await post({ rows, 'a/b~c': { deep: ['x', '\uD800'] } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toEqual([
      'body/rows/1/1',
      'body/a~1b~0c/deep/1',
    ]);
  });

  it('names an object key that cannot be stored, without the character itself', async () => {
    const res = await post({ ['k\u0000ey']: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toEqual(['body']);
  });
});
