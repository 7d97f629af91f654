// Builds the server and the web app only when their sources are newer than the last build,
// so that `npm start` builds on a fresh clone and starts in seconds afterwards.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function buildIf(stale, script) {
  if (!stale) return;
  console.log(`> npm run ${script}`);
  const r = spawnSync('npm', ['run', script], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

buildIf(newest('src') > mtime('dist/cli/main.js'), 'build:server');
buildIf(newest('web') > mtime('web/dist/index.html') || !existsSync('web/dist/index.html'), 'build:web');
