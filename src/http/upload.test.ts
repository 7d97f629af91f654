import fastifyMultipart from '@fastify/multipart';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { sendProblem } from './problem.js';
import { readUpload } from './upload.js';

describe('readUpload', () => {
  it('reads one file, and refuses a missing or too large one with 422 naming body/file', async () => {
    const app = Fastify();
    await app.register(fastifyMultipart);
    app.setErrorHandler((error: Error, request, reply) => sendProblem(error, request, reply));
    app.post('/u', async (request) => {
      const { filename, data } = await readUpload(request, 16);
      return { filename, size: data.length };
    });
    const send = (content: string, withFile = true) => {
      const b = '----u';
      const part = withFile
        ? `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${content}\r\n`
        : `--${b}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n`;
      return app.inject({
        method: 'POST',
        url: '/u',
        payload: `${part}--${b}--\r\n`,
        headers: { 'content-type': `multipart/form-data; boundary=${b}` },
      });
    };
    expect((await send('0123456789')).json()).toEqual({ filename: 'a.csv', size: 10 });
    const big = await send('0123456789abcdefghij');
    expect(big.statusCode).toBe(422);
    expect(big.json().errors[0].field).toBe('body/file');
    expect((await send('', false)).statusCode).toBe(422);
    expect((await app.inject({ method: 'POST', url: '/u', payload: {} })).statusCode).toBe(400);
    await app.close();
  });
});
