import type { FastifyRequest } from 'fastify';
import { HubError, invalid, msg } from '../kernel/index.js';
import { asClientError, firstFile } from './multipart.js';

/**
 * The one file of a multipart upload that is read whole into memory, refused with a clear 422
 * when missing or over `maxBytes` (streamed uploads, like ingest's, do not come here).
 */
export async function readUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ filename: string; data: Buffer }> {
  if (!request.isMultipart()) throw new HubError('KRN_BAD_REQUEST', msg('http.sendMultipartFile'));
  const part = await firstFile(request);
  if (!part) throw invalid('body/file', msg('kernel.required'));
  const data = await readAtMost(part.file, maxBytes);
  return { filename: part.filename, data };
}

/** The whole stream, or a 422 as soon as it passes `maxBytes` (the rest is drained, not kept). */
async function readAtMost(file: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of file) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        throw invalid('body/file', msg('file.atMostMiB', { max: Math.round(maxBytes / 2 ** 20) }));
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    throw asClientError(e);
  }
  return Buffer.concat(chunks);
}
