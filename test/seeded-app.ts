import { buildApp, openHub, type Hub } from '../src/http/index.js';
import type { Response } from 'light-my-request';
import { createLogger } from '../src/kernel/index.js';
import type { OpenLimits } from '../src/open/index.js';
import { SEEDED_PASSWORD, type Engine } from './databases.js';

export type App = Awaited<ReturnType<typeof buildApp>>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A suite's hub and app on its own copy of the seeded demo city, with demo users logged in. */
export interface SeededApp {
  hub: Hub;
  app: App;
  /** Each logged-in user's bearer token, by user name. */
  tokens: Record<string, string>;
  /** `method url` as `user`; a url without a leading `/api/` is taken under `/api/v1`. */
  call(user: string, method: Method, url: string, payload?: object): Promise<Response>;
  close(): Promise<void>;
}

/**
 * What most integration suites start with, written once: open the engine's seeded copy, build the
 * app, log the named demo users in. Signed heads come every `headIntervalMs` so suites that read
 * proofs do not wait for the default interval; `now` is the clock of tokens and access (openHub).
 */
export async function openSeededApp(
  engine: Engine,
  usernames: readonly string[],
  opts: { demo?: boolean; headIntervalMs?: number; now?: () => Date; openLimits?: Partial<OpenLimits> } = {},
): Promise<SeededApp> {
  const hub = await openHub({
    ...(await engine.seededDatabase()),
    headIntervalMs: opts.headIntervalMs ?? 100,
    ...(opts.now && { now: opts.now }),
    ...(opts.openLimits && { openLimits: opts.openLimits }),
  });
  let app: App | undefined;
  try {
    app = await buildApp(hub, { logger: createLogger('silent'), demo: opts.demo ?? true });
    const tokens: Record<string, string> = {};
    for (const username of usernames) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: SEEDED_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login of ${username} answered ${res.statusCode}: ${res.body}`);
      tokens[username] = res.json().token;
    }
    const served = app;
    return {
      hub,
      app: served,
      tokens,
      call: (user, method, url, payload) =>
        served.inject({
          method,
          url: url.startsWith('/api/') ? url : `/api/v1${url}`,
          payload,
          headers: { authorization: `Bearer ${tokens[user]}` },
        }),
      close: async () => {
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
