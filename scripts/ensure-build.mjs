// Builds the server and the web app only when their sources are newer than the last build,
// so that `npm start` builds on a fresh clone and starts in seconds afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest file under `dir`, leaving out `skip` (a build's own output is not its source). */
function newest(dir, skip = new Set()) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip.has(p)) continue;
    t = Math.max(t, e.isDirectory() ? newest(p, skip) : statSync(p).mtimeMs);
  }
  return t;
}
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function buildIf(stale, script) {
  if (!stale) return;
  console.log(`> npm run ${script}`);
  // A build is for production whoever asks for it: under a test runner NODE_ENV is `test`, and
  // Vite would then bundle React's and antd's development code, warnings and all.
  const r = spawnSync('npm', ['run', script], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

buildIf(newest('src') > mtime('dist/cli/main.js'), 'build:server');
const webSources = newest('web', new Set([join('web', 'dist'), join('web', 'src', 'api', 'schema.d.ts')]));
buildIf(webSources > mtime('web/dist/index.html') || !existsSync('web/dist/index.html'), 'build:web');
