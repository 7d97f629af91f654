import type { FastifyRequest } from 'fastify';
import { HubError } from '../kernel/index.js';

/**
 * The one file of a multipart upload that is read whole into memory, refused with a clear 422
 * when missing or over `maxBytes` (streamed uploads, like ingest's, do not come here).
 */
export async function readUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ filename: string; data: Buffer }> {
  if (!request.isMultipart()) throw new HubError('KRN_BAD_REQUEST', 'send multipart/form-data with a file');
  const part = await request.file({ limits: { fileSize: maxBytes } });
  if (!part)
    throw new HubError('KRN_VALIDATION', 'file: required', { problems: [{ field: 'body/file', reason: 'required' }] });
  const data = await part.toBuffer().catch((e: unknown) => {
    const limit = `at most ${Math.round(maxBytes / 2 ** 20)} MiB`;
    throw new HubError('KRN_VALIDATION', `file: ${limit}`, {
      problems: [{ field: 'body/file', reason: limit }],
      cause: e,
    });
  });
  return { filename: part.filename, data };
}
