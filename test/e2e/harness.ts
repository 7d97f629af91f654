import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD } from '../databases.js';

/**
 * What every browser test file shares: Debian's Chromium (never a downloaded one), a hub serving
 * the built web app on a copy of the run's seeded demo city, and the waits that replace sleeps.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const OUT = resolve('test-output');
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true')
  throw new Error(`CI=true but ${CHROMIUM} is missing (apt-get install chromium)`);
if (!haveChromium) console.warn(`[e2e] ${CHROMIUM} not found: browser test skipped (apt-get install chromium)`);

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1440, height: 900 };
/** The narrowest phone the hub must work on (Android's common 360 × 780 screens). */
export const NARROW = { width: 360, height: 780 };

/** The document's scrolled width and the window's: wider than the window is a page that overflows. */
export async function widthOf(page: Page): Promise<{ scroll: number; window: number }> {
  const [scroll, window] = (await page.evaluate('[document.scrollingElement.scrollWidth, window.innerWidth]')) as [
    number,
    number,
  ];
  return { scroll, window };
}

/** Product names and formats that stay Latin in a Chinese interface (the page sweep's list). */
export const PRODUCT_NAMES = [
  'OpenAPI',
  'API Key',
  'JSON',
  'CSV',
  'XLSX',
  'Excel',
  'HTTP',
  'HTTPS',
  'URL',
  'SM2',
  'SM3',
  'SHA-256',
  'Merkle',
];

/**
 * The visible text of the page that looks English: two consecutive Latin words of three letters or
 * more, outside code, kbd, pre and elements marked data-allow-latin, once the `allowed` names are
 * taken out. Run in the page as an expression (this Node project does not load the DOM's types).
 */
export async function englishIn(page: Page, allowed: readonly string[] = PRODUCT_NAMES): Promise<string[]> {
  const names = new RegExp(`\\b(${allowed.join('|')})\\b`, 'g');
  return (await page.evaluate(`(() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('code, kbd, pre, script, style, [data-allow-latin]')) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const text = node.textContent.replace(${names.toString()}, ' ');
      if (/\\b[A-Za-z]{3,}\\s+[A-Za-z]{3,}\\b/.test(text)) found.push(node.textContent.trim().slice(0, 80));
    }
    return [...new Set(found)];
  })()`)) as string[];
}

export interface BrowserCity {
  url: string;
  browser: Browser;
  hub: Hub;
  close(): Promise<void>;
}

/**
 * A hub as `startHub` serves it with `demo: true`, on a copy of the run's seeded demo city (seeding is
 * most of the cost of a hub with the demo), and a Chromium that does not reach for the network.
 */
export async function startBrowserCity(): Promise<BrowserCity> {
  mkdirSync(OUT, { recursive: true });
  const pglite = engines().find((e) => e.name === 'pglite')!;
  const hub: Hub = await openHub({ ...(await pglite.seededDatabase()), logger: createLogger('warn') });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    // QDH_WEB_DIR: a web build of one's own, for running a browser test while others rebuild web/dist.
    const webDir = resolve(process.env.QDH_WEB_DIR ?? 'web/dist');
    app = await buildApp(hub, { logger: createLogger('warn'), webDir, demo: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    hub.startWorker();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
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
    const address = app.server.address() as { port: number };
    const served = app;
    return {
      url: `http://127.0.0.1:${address.port}`,
      browser,
      hub,
      close: async () => {
        await browser.close();
        await served.close();
        await hub.close();
      },
    };
  } catch (e) {
    await app?.close();
    await hub.close();
    throw e;
  }
}

/**
 * A screenshot into test-output/ for people to look at, taken only when QDH_SCREENSHOTS is set
 * (`npm run test:screens`): no test reads it, and dozens of full-page captures cost minutes of
 * the run on a two-core machine.
 */
export async function shot(page: Page, file: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (!process.env.QDH_SCREENSHOTS) return;
  const path = join(OUT, file);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, ...opts });
}

/** A page whose uncaught errors and console errors are collected, for a test to fail on. */
export interface WatchedPage extends Page {
  problems: string[];
}

export async function newPage(
  city: BrowserCity,
  opts: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<WatchedPage> {
  const page = (await city.browser.newPage({
    viewport: opts.viewport ?? DESKTOP,
    locale: opts.locale ?? 'zh-CN',
    // The app then turns antd's and ECharts' motion off (web/src/ui/motion.ts): a click never lands
    // on a dialog still zooming in, which was every browser flake of the last sessions.
    reducedMotion: 'reduce',
  })) as WatchedPage;
  // A step that waits for something which never comes fails on its own line, not on the test's timeout.
  page.setDefaultTimeout(20_000);
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  return page;
}

/** Logs `username` in with the demo password, on a new watched page. */
export async function login(
  city: BrowserCity,
  username: string,
  opts: { viewport?: { width: number; height: number }; locale?: string } = {},
): Promise<WatchedPage> {
  const page = await newPage(city, opts);
  await page.goto(`${city.url}/login`);
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(SEEDED_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  return page;
}

/**
 * Waits until the page looks as it will stay: fonts loaded, no CSS animation or transition
 * running (antd's drawers and menus), and every chart canvas drawing the same pixels twice in a
 * row (ECharts animates on the canvas, out of reach of the Web Animations API).
 * `timeout` bounds each of the two waits.
 */
export async function settled(page: Page, timeout = 20_000): Promise<void> {
  // Strings, not functions: they run in the page, whose DOM types this Node project does not load.
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  // Polled from here: waitForFunction would eval the string inside the page, which its CSP forbids.
  await expect
    .poll(() => page.evaluate("document.getAnimations().every((a) => a.playState !== 'running')"), { timeout })
    .toBe(true);
  let before = '';
  await expect
    .poll(
      async () => {
        // An expression, not a function: a function given as a string is returned, not called.
        const now: unknown = await page.evaluate(
          "[...document.querySelectorAll('canvas')].map((c) => c.toDataURL()).join('|')",
        );
        if (typeof now !== 'string') throw new Error(`the page's canvases could not be read: ${String(now)}`);
        const still = now === before;
        before = now;
        return still;
      },
      { interval: 250, timeout },
    )
    .toBe(true);
}

/**
 * Picks the option `text` of the antd Select carrying `testId`, typing it first where the select
 * searches. On a loaded machine a click can land while the dropdown is still moving and take
 * nothing: the pick is tried again (up to three times) until the select shows the text.
 */
export async function pick(page: Page, testId: string, text: string) {
  const select = page.getByTestId(testId);
  // antd 6 shows a single select's value in -content-value (as text of -content-has-value when it
  // has a search box), a multiple one's in -selection-item.
  const chosen = select.locator(
    '.ant-select-content-value, .ant-select-content-has-value, .ant-select-selection-item',
    { hasText: text },
  );
  const open = page.locator('.ant-select-dropdown:visible');
  for (let attempt = 1; attempt <= 3; attempt++) {
    // A retry opens the dropdown only if it closed: a click on an open one would close it.
    if (attempt === 1 || (await open.count()) === 0) await select.click();
    const input = select.locator('input');
    if (await input.isEditable()) await input.fill(text);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').getByText(text, { exact: true }).click();
    try {
      await chosen.first().waitFor({ timeout: 3_000 });
      return;
    } catch {
      // Not taken: try again; the caller's own checks catch a last miss.
    }
  }
}

/**
 * The hub's API as `username`, for the fixtures a page is about: each call must succeed, else the
 * test fails on that call with the problem the hub answered.
 */
export async function apiAs(city: BrowserCity, username: string) {
  const res = await fetch(`${city.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: SEEDED_PASSWORD }),
  });
  const { token } = (await res.json()) as { token: string };
  return async (method: 'GET' | 'POST' | 'PUT', path: string, body?: object) => {
    const answer = await fetch(`${city.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await answer.json()) as Record<string, unknown>;
    expect(answer.ok, `${method} ${path}: ${JSON.stringify(json)}`).toBe(true);
    return json;
  };
}
