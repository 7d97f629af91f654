// Precompresses the built web app's hashed assets (web/dist/assets) at build time, so that the
// server sends brotli or gzip bytes without compressing per request (src/http/web-assets.ts).
// Writes FILE.br (brotli, best quality) and FILE.gz (gzip level 9) next to each text asset of at
// least MIN_BYTES, and only where they are smaller. Run by `npm run build:web`.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const MIN_BYTES = 1024;
const TEXT = /\.(js|mjs|css|html|svg|json|txt|map)$/;
const dir = process.argv[2] ?? new URL('../web/dist/assets', import.meta.url).pathname;

let plain = 0;
let brotli = 0;
let gzip = 0;
let files = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (name.endsWith('.br') || name.endsWith('.gz')) continue;
  if (!TEXT.test(name) || !statSync(path).isFile()) continue;
  const bytes = readFileSync(path);
  const variants = {
    br: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
    gz: gzipSync(bytes, { level: 9 }),
  };
  for (const [ext, out] of Object.entries(variants)) {
    // A stale variant of an earlier build must not outlive a file that no longer earns one.
    rmSync(`${path}.${ext}`, { force: true });
    if (bytes.length >= MIN_BYTES && out.length < bytes.length) writeFileSync(`${path}.${ext}`, out);
  }
  files++;
  plain += bytes.length;
  brotli += Math.min(bytes.length, variants.br.length);
  gzip += Math.min(bytes.length, variants.gz.length);
}
// scripts/ensure-build.mjs rebuilds when a file under web/ is newer than index.html: written last.
const index = join(dirname(dir), 'index.html');
if (existsSync(index)) utimesSync(index, new Date(), new Date());
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`compress-web: ${files} assets, ${kb(plain)} → brotli ${kb(brotli)}, gzip ${kb(gzip)}`);
