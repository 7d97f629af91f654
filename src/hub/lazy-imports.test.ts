import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Libraries only a few requests or commands use, and that take a tenth of a second or more to
 * load: every hub and every `qdh` command loads what `src/` imports statically, so these are
 * imported where they are used (`await import(…)`), and loaded by the processes that need them.
 * Loading them all cost each command about 0.6 s of its 2.1 s (npm test runs some fifty).
 */
const HEAVY = ['exceljs', 'pdfkit', 'jsonld', 'node-sql-parser', 'qrcode'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the hub’s start', () => {
  it('loads no heavy library that only some requests use', () => {
    const eager = sources('src').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*? from '([^']+)';/gms)]
        .map((m) => m[1]!)
        .filter((pkg) => HEAVY.includes(pkg))
        .map((pkg) => `${file}: ${pkg}`),
    );
    expect(eager).toEqual([]);
  });
});
