import { Transform, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { StringDecoder } from 'node:string_decoder';
import { HubError, fieldProblem } from './errors.js';
import { msg, type Message } from './messages/index.js';
import type { UploadLimits } from './limits.js';
import { inspectZip, readZipEntry, zipFromBuffer, type ZipEntry, type ZipSource } from './zip.js';

/**
 * exceljs, loaded on first use: it is ~0.4 s of every process's start (each `qdh` command, each
 * hub), and most of them never touch a workbook.
 */
export async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

export const tooLarge = (reason: Message) =>
  new HubError('KRN_PAYLOAD_TOO_LARGE', msg('file.tooLarge', { reason }), { problems: [fieldProblem('file', reason)] });

/** Refuses, before anything inflates, parts declared larger than `each` or together than `total`. */
export function checkDeclared(entries: ZipEntry[], total: number, each = total): void {
  let sum = 0;
  for (const e of entries) {
    if (e.size > each) throw tooLarge(msg('file.partTooLarge', { part: e.name, size: e.size, max: each }));
    sum += e.size;
  }
  if (sum > total) throw tooLarge(msg('file.workbookTooLarge', { size: sum, max: total }));
}

/**
 * An XML part as UTF-8 text, with no run between two '<' longer than `maxTextBytes`: an XML
 * parser holds a whole text node or tag in memory, so a 300 MB shared string would be 300 MB
 * (and twice that as a JS string) however the part streams. Declarations (`<!`: comments,
 * CDATA, DTDs) may hide '<' inside one token and are not something spreadsheets write.
 */
export function boundedXml(name: string, maxTextBytes: number): Transform {
  const decoder = new StringDecoder('utf8');
  let run = 0;
  let afterLt = false;
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      if (afterLt && chunk[0] === 0x21) return done(refused(msg('file.partDeclaration', { part: name })));
      let from = 0;
      for (let lt = chunk.indexOf(0x3c); lt !== -1; lt = chunk.indexOf(0x3c, lt + 1)) {
        if (run + lt - from > maxTextBytes) break;
        if (chunk[lt + 1] === 0x21) return done(refused(msg('file.partDeclaration', { part: name })));
        run = 0;
        from = lt + 1;
      }
      run += chunk.length - from;
      if (run > maxTextBytes) return done(refused(msg('file.partLongText', { part: name, max: maxTextBytes })));
      afterLt = chunk[chunk.length - 1] === 0x3c;
      done(null, decoder.write(chunk));
    },
    flush(done) {
      done(null, decoder.end());
    },
  });
}

function refused(why: Message): HubError {
  return new HubError('KRN_VALIDATION', msg('file.tooLarge', { reason: why }), {
    problems: [fieldProblem('file', why)],
  });
}

/** One part, inflated through its size check and, for XML, the text bound. */
export async function readPart(zip: ZipSource, entry: ZipEntry, maxTextBytes: number): Promise<Readable> {
  const bytes = await readZipEntry(zip, entry);
  if (!/\.(xml|rels)$/i.test(entry.name)) return bytes;
  const text = boundedXml(entry.name, maxTextBytes);
  bytes.on('error', (e) => text.destroy(e));
  return bytes.pipe(text);
}

/**
 * A workbook that will be read whole into memory (the catalog's): every part inflated once,
 * counted and checked, before a library that trusts the file builds its model from it.
 */
export async function checkWorkbook(
  data: Buffer,
  limits: Pick<UploadLimits, 'maxInMemoryBytes' | 'xlsxMaxTextBytes'>,
): Promise<void> {
  const zip = zipFromBuffer(data);
  const entries = await inspectZip(zip);
  checkDeclared(entries, limits.maxInMemoryBytes);
  for (const entry of entries) {
    for await (const chunk of await readPart(zip, entry, limits.xlsxMaxTextBytes)) void chunk;
  }
}
