import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { HubError } from './errors.js';
import { msg } from './messages/index.js';

/**
 * Reading a zip (an XLSX workbook) without trusting it. The central directory is read first,
 * as Excel reads it, so every entry's declared size can be refused before anything inflates;
 * then an entry inflates only through a counter that stops it at its declared size, so a
 * directory that lies gains nothing. Entries never asked for are never inflated.
 */
export interface ZipSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** The bytes from `start` up to, not including, `end`. */
  stream(start: number, end: number): Readable;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** The uncompressed size the directory declares; reading checks it. */
  size: number;
  headerOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 10_000;

export function zipFromBuffer(data: Buffer): ZipSource {
  return {
    size: data.length,
    read: async (position, length) => data.subarray(position, position + length),
    stream: (start, end) => Readable.from([data.subarray(start, end)]),
  };
}

export async function zipFromFile(path: string): Promise<ZipSource & { close(): Promise<void> }> {
  const file = await open(path, 'r');
  const { size } = await file.stat();
  return {
    size,
    read: async (position, length) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      await file.read(buffer, 0, buffer.length, position);
      return buffer;
    },
    stream: (start, end) => createReadStream(path, { start, end: end - 1 }),
    close: () => file.close(),
  };
}

const corrupt = (why: string) => new HubError('KRN_BAD_REQUEST', msg('file.notZip', { why }));

/** The entries the central directory lists. */
export async function inspectZip(zip: ZipSource): Promise<ZipEntry[]> {
  const tailLength = Math.min(zip.size, 22 + 65_535);
  const tail = await zip.read(zip.size - tailLength, tailLength);
  let at = tail.length - 22;
  while (at >= 0 && tail.readUInt32LE(at) !== EOCD) at--;
  if (at < 0) throw corrupt('no central directory');
  const count = tail.readUInt16LE(at + 10);
  const dirSize = tail.readUInt32LE(at + 12);
  const dirOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) {
    throw new HubError('KRN_PAYLOAD_TOO_LARGE', msg('file.zip64'));
  }
  if (count > MAX_ENTRIES)
    throw new HubError('KRN_PAYLOAD_TOO_LARGE', msg('file.tooManyEntries', { max: MAX_ENTRIES }));
  if (dirOffset + dirSize > zip.size) throw corrupt('directory out of bounds');
  const dir = await zip.read(dirOffset, dirSize);
  const entries: ZipEntry[] = [];
  for (let p = 0, i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) throw corrupt('bad directory entry');
    const nameLength = dir.readUInt16LE(p + 28);
    const entry = {
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      size: dir.readUInt32LE(p + 24),
      headerOffset: dir.readUInt32LE(p + 42),
    };
    if ((dir.readUInt16LE(p + 8) & 1) !== 0) throw corrupt(`${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) throw corrupt(`${entry.name}: compression method ${entry.method}`);
    entries.push(entry);
    p += 46 + nameLength + dir.readUInt16LE(p + 30) + dir.readUInt16LE(p + 32);
  }
  return entries;
}

/**
 * One entry's bytes, inflated; the stream fails as soon as it passes the declared size, and
 * at its end unless it met it exactly. Callers refuse declared sizes over their bounds first.
 */
export async function readZipEntry(zip: ZipSource, entry: ZipEntry): Promise<Readable> {
  const header = await zip.read(entry.headerOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw corrupt(`${entry.name}: bad local header`);
  const start = entry.headerOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > zip.size) throw corrupt(`${entry.name}: out of bounds`);
  const raw = zip.stream(start, start + entry.compressedSize);
  const counted = countTo(entry);
  const source = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  // pipe() does not forward errors: each stage's failure ends the stream the caller reads.
  raw.on('error', (e) => counted.destroy(corrupt(`${entry.name}: ${e.message}`)));
  source.on('error', (e) => counted.destroy(corrupt(`${entry.name}: ${e.message}`)));
  counted.on('close', () => raw.destroy());
  return source.pipe(counted);
}

function countTo(entry: ZipEntry): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > entry.size) return done(corrupt(`${entry.name} inflates past its declared ${entry.size} bytes`));
      done(null, chunk);
    },
    flush(done) {
      done(seen === entry.size ? null : corrupt(`${entry.name}: ${seen} bytes, ${entry.size} declared`));
    },
  });
}
