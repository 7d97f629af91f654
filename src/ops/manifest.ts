import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { HubError, msg, type SuiteName } from '../kernel/index.js';
import type { SignedTreeHead } from '../ledger/index.js';

/**
 * A backup file is a fixed-size text header followed by the payload, as it came from the engine:
 *
 *   bytes 0 … 65535   `QDH-BACKUP 1\n`, the manifest as one line of JSON, then `\n` up to 64 KiB
 *   bytes 65536 …     the payload: a `pg_dump -Fc` archive (PostgreSQL) or PGlite's data
 *                     directory as a gzipped tar (`dumpDataDir`); manifest.payload says which
 *
 * The header comes first so that a restore knows what it holds before reading the rest, and has a
 * fixed size so that a backup is written in one pass: the payload streams in after a blank header,
 * which is filled once the payload's size and digest are known. Both parts read with plain tools:
 * `head -c 65536 FILE | sed -n 2p` prints the manifest, `tail -c +65537 FILE` the payload.
 */
export const MAGIC = 'QDH-BACKUP 1\n';
export const HEADER_BYTES = 65_536;

export type Engine = 'pglite' | 'postgres';

export interface Manifest {
  format: 'qdh-backup';
  version: 1;
  engine: Engine;
  /** The version of the hub that wrote it (package.json). */
  hubVersion: string;
  createdAt: string;
  /** Applied migrations, `module/id`, as in public.qdh_migration. */
  migrations: string[];
  ledger: {
    suite: SuiteName;
    /** The signing key's public half: a restored ledger must carry the same one. */
    publicKeyPem: string;
    /** Signed at the backup (or the latest, when nothing was appended since): it is in the payload. */
    head: SignedTreeHead;
  };
  /** PostgreSQL: the server's and pg_dump's versions; PGlite: its package version. */
  source: { server?: string; tool?: string };
  payload: { kind: 'pg_dump-custom' | 'pglite-datadir-tgz'; bytes: number; sha256: string };
}

/** The header bytes for `manifest`, padded to HEADER_BYTES. */
export function headerOf(manifest: Manifest): Buffer {
  const text = Buffer.from(`${MAGIC}${JSON.stringify(manifest)}\n`, 'utf8');
  if (text.length > HEADER_BYTES) throw new Error(`manifest of ${text.length} bytes does not fit the header`);
  return Buffer.concat([text, Buffer.alloc(HEADER_BYTES - text.length, '\n')]);
}

/**
 * Reads and checks a backup's header and size: a file that is not a backup, a manifest that
 * cannot be read and a file shorter or longer than its manifest says are refused here, before
 * anything of the target is touched.
 */
export async function readManifest(file: string): Promise<Manifest> {
  const size = (await stat(file)).size;
  const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
  const fd = await open(file, 'r');
  try {
    await fd.read(head, 0, head.length, 0);
  } finally {
    await fd.close();
  }
  if (!head.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)))
    throw new HubError('OPS_BAD_BACKUP', msg('ops.notABackup', { file }));
  if (size < HEADER_BYTES)
    throw new HubError('OPS_BAD_BACKUP', msg('ops.wrongSize', { file, expected: HEADER_BYTES, actual: size }));
  const line = head.subarray(MAGIC.length, head.indexOf(10, MAGIC.length)).toString('utf8');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(line) as Manifest;
  } catch (e) {
    throw new HubError('OPS_BAD_BACKUP', msg('ops.badManifest', { file, reason: (e as Error).message }));
  }
  const problem = shapeProblem(manifest);
  if (problem) throw new HubError('OPS_BAD_BACKUP', msg('ops.badManifest', { file, reason: problem }));
  const expected = HEADER_BYTES + manifest.payload.bytes;
  if (size !== expected) throw new HubError('OPS_BAD_BACKUP', msg('ops.wrongSize', { file, expected, actual: size }));
  return manifest;
}

/** What is missing from a parsed manifest, or undefined: a hand-edited header fails here, not midway. */
function shapeProblem(m: Manifest): string | undefined {
  if (typeof m !== 'object' || m === null) return 'not an object';
  if (m.format !== 'qdh-backup' || m.version !== 1) return `format ${String(m.format)} ${String(m.version)}`;
  if (m.engine !== 'pglite' && m.engine !== 'postgres') return `engine ${String(m.engine)}`;
  if (!Array.isArray(m.migrations)) return 'no migrations';
  const head = m.ledger?.head;
  if (typeof m.ledger?.publicKeyPem !== 'string' || typeof head?.treeSize !== 'number') return 'no ledger head';
  if (typeof head.rootHash !== 'string' || typeof head.signature !== 'string') return 'no ledger head';
  const p = m.payload;
  if (!p || !Number.isSafeInteger(p.bytes) || p.bytes < 0 || !/^[0-9a-f]{64}$/.test(p.sha256 ?? ''))
    return 'no payload size or digest';
  return undefined;
}

/** Streams the payload through SHA-256 and refuses a file whose payload is not what its manifest says. */
export async function checkPayload(
  file: string,
  manifest: Manifest,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of payloadStream(file)) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.(done, manifest.payload.bytes);
  }
  if (hash.digest('hex') !== manifest.payload.sha256)
    throw new HubError('OPS_BAD_BACKUP', msg('ops.digestMismatch', { file }));
}

export const payloadStream = (file: string) => createReadStream(file, { start: HEADER_BYTES, highWaterMark: 1 << 20 });
