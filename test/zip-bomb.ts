import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { inspectZip, readZipEntry, zipFromBuffer } from '../src/kernel/index.js';

/**
 * Hostile workbooks, small on disk: a real exceljs workbook with parts replaced or added. Parts
 * are given as deflated bytes with their true size; `declared` makes the directory lie about it.
 */
export interface Part {
  name: string;
  deflated: Buffer;
  size: number;
  crc?: number;
  declared?: number;
}

/** `repeat` copies of `unit` between `head` and `tail`, deflated as a stream: never held inflated. */
export async function deflatedText(head: string, unit: string, repeat: number, tail: string): Promise<Part> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const perBlock = Math.max(1, Math.floor((1 << 20) / unit.length));
  const block = Buffer.from(unit.repeat(perBlock));
  let crc = 0;
  let size = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(Buffer.from(head));
  for (let left = repeat; left > 0; left -= perBlock)
    await write(left >= perBlock ? block : Buffer.from(unit.repeat(left)));
  await write(Buffer.from(tail));
  await new Promise((r) => {
    deflate.once('end', r);
    deflate.end();
  });
  return { name: '', deflated: Buffer.concat(out), size, crc };
}

/** A workbook whose first sheet has `rows` (strings in shared strings), with `parts` replacing or added. */
export async function hostileWorkbook(rows: string[][], parts: Part[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('data').addRows(rows);
  const original = Buffer.from(await wb.xlsx.writeBuffer());
  const zip = zipFromBuffer(original);
  const byName = new Map<string, Part>();
  for (const entry of await inspectZip(zip)) {
    const chunks: Buffer[] = [];
    for await (const c of await readZipEntry(zip, entry)) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    byName.set(entry.name, { name: entry.name, deflated: deflateRawSync(data), size: data.length, crc: crc32(data) });
  }
  for (const p of parts) byName.set(p.name, p);
  return writeZip([...byName.values()]);
}

function writeZip(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = p.declared ?? p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc ?? 0, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(p.crc ?? 0, 16);
    dir.writeUInt32LE(p.deflated.length, 20);
    dir.writeUInt32LE(size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, p.deflated);
    central.push(dir, name);
    offset += 30 + name.length + p.deflated.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBytes, end]);
}
