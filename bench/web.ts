/**
 * npm run bench:web — the web app from opening /login to the first page after logging in, in
 * Debian's Chromium, as the hub serves it (src/http/web-assets.ts: brotli or gzip, hashed assets
 * cached as immutable) against the baseline of the same pages served uncompressed and uncached
 * (Accept-Encoding: identity, browser cache disabled — what the hub sent before issue #14).
 *
 * Three variants, each WEB_RUNS (7) times in a fresh browser context, medians printed:
 *  - baseline: uncompressed, no cache;
 *  - cold:     compressed, empty cache (a first visit);
 *  - warm:     compressed, the assets in the cache from an earlier visit (immutable: not asked again).
 * On loopback, and on an emulated office link of WEB_MBPS (20) Mbit/s and WEB_RTT_MS (40) ms,
 * where the bytes matter. Bytes are what crossed the wire (encoded) and what the page got.
 * Needs a built web app (npm run build:web, or QDH_WEB_DIR) and /usr/bin/chromium.
 */
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { seedDemo } from '../src/demo/index.js';
import { buildApp, openHub } from '../src/http/index.js';
import { createLogger } from '../src/kernel/index.js';
import { fmt, summarize } from './lib.js';

const RUNS = Number(process.env.WEB_RUNS ?? 7);
const MBPS = Number(process.env.WEB_MBPS ?? 20);
const RTT_MS = Number(process.env.WEB_RTT_MS ?? 40);
const WEB_DIR = resolve(process.env.QDH_WEB_DIR ?? 'web/dist');
const PASSWORD = 'bench-web-password';
const USER = 'operator';

type Variant = 'baseline' | 'cold' | 'warm';
interface Link {
  name: string;
  emulate: boolean;
}
interface Sample {
  /** Opening /login until the form shows. */
  loginShown: number;
  /** Submitting until the first page is rendered. */
  firstPage: number;
  /** Both: what a user waits for. */
  total: number;
  encoded: number;
  decoded: number;
}

/** One visit: open /login, log in, wait for the first page; the clock stops when its content shows. */
async function visit(context: BrowserContext, url: string, variant: Variant, link: Link): Promise<Sample> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (variant === 'baseline') {
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  }
  if (link.emulate) {
    const bytesPerSecond = (MBPS * 1_000_000) / 8;
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: RTT_MS,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
  }
  let encoded = 0;
  let decoded = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (encoded += e.encodedDataLength));
  cdp.on('Network.dataReceived', (e: { dataLength: number }) => (decoded += e.dataLength));

  const t0 = performance.now();
  await page.goto(`${url}/login`);
  await page.getByTestId('login-submit').waitFor();
  const t1 = performance.now();
  await page.getByTestId('username').fill(USER);
  await page.getByTestId('password').fill(PASSWORD);
  const t2 = performance.now();
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  // The home page is a lazy chunk: rendered when its frame (ui/page.tsx) shows.
  await page.locator('.qdh-page').first().waitFor();
  const t3 = performance.now();
  // A later visit of this context starts logged out again.
  await page.evaluate('localStorage.clear()');
  await page.close();
  return { loginShown: t1 - t0, firstPage: t3 - t2, total: t1 - t0 + (t3 - t2), encoded, decoded };
}

async function measure(browser: Browser, url: string, variant: Variant, link: Link): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    try {
      // The warm visit follows one that filled the cache; only the second is measured.
      if (variant === 'warm') await visit(context, url, 'cold', link);
      samples.push(await visit(context, url, variant, link));
    } finally {
      await context.close();
    }
  }
  return samples;
}

const median = (xs: number[]) => summarize(xs).median;
const kb = (n: number) => `${fmt(n / 1024)} KB`;

async function main() {
  const hub = await openHub({ dataDir: 'memory://', logger: createLogger('warn') });
  await seedDemo(hub, { password: PASSWORD, people: 500 });
  const app = await buildApp(hub, { logger: createLogger('warn'), webDir: WEB_DIR, demo: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    console.log(`web app ${WEB_DIR}, ${RUNS} runs per variant, user ${USER}; medians in ms\n`);
    const links: Link[] = [
      { name: 'loopback', emulate: false },
      { name: `${MBPS} Mbit/s, ${RTT_MS} ms`, emulate: true },
    ];
    for (const link of links) {
      console.log(`— ${link.name}`);
      console.log('variant    login shown  → first page    total   wire bytes   page bytes   vs baseline');
      let baseline = 0;
      for (const variant of ['baseline', 'cold', 'warm'] as const) {
        const s = await measure(browser, url, variant, link);
        const total = median(s.map((x) => x.total));
        if (variant === 'baseline') baseline = total;
        console.log(
          [
            variant.padEnd(9),
            fmt(median(s.map((x) => x.loginShown))).padStart(12),
            fmt(median(s.map((x) => x.firstPage))).padStart(13),
            fmt(total).padStart(8),
            kb(median(s.map((x) => x.encoded))).padStart(12),
            kb(median(s.map((x) => x.decoded))).padStart(12),
            `${(total / baseline).toFixed(2)}×`.padStart(13),
          ].join(' '),
        );
      }
      console.log('');
    }
  } finally {
    await browser.close();
    await app.close();
    await hub.close();
  }
}

await main();
