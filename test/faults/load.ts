/** A steady load of data-service calls, each one remembered: what was asked, what came back, how fast. */
import { people } from '../../src/demo/people.js';
import { api, login } from './harness.js';

/** The seed the demo city's residents are generated with (src/demo/index.ts). */
const DEMO_SEED = 2026;

export const SERVICE = 'DS-JNGAJ-0001';
export const RESOURCE = 'JNGAJ-0001';
export const PURPOSE = 'social_assistance';

export interface Call {
  key: string;
  status: number;
  ms: number;
  at: number;
  code?: string;
  retryAfter: string | null;
}

/** The consumer's API key for data-service calls, under a grant with a quota no test reaches. */
export async function serviceCaller(hub: string, password?: string): Promise<string> {
  const operator = await login(hub, 'operator', password);
  const grant = await api(hub, operator, '/api/v1/grants', {
    body: {
      consumer: 'JNMZJ',
      resource: RESOURCE,
      fields: ['citizen_id', 'name', 'gender', 'birth_date', 'division'],
      masked: ['birth_date'],
      purposes: [PURPOSE],
      dailyQuota: 100_000_000,
    },
  });
  if (grant.status !== 201) throw new Error(`grant: ${grant.status} ${JSON.stringify(grant.body)}`);
  const consumer = await login(hub, 'consumer', password);
  const key = await api(hub, consumer, '/api/v1/auth/api-keys', { body: { name: 'fault suite' } });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${JSON.stringify(key.body)}`);
  return (key.body as { key: string }).key;
}

/** The keys (citizen IDs) of the demo city's `count` residents: its generator yields the same ones again. */
export function residentKeys(count: number): string[] {
  return Array.from(people(count, DEMO_SEED), (p) => p.citizen_id);
}

/** How the calls ended, e.g. `200×812 503:KRN_UNAVAILABLE×40`: for a failure's message. */
export function tally(calls: Call[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const k = c.code ? `${c.status}:${c.code}` : String(c.status);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k}×${n}`).join(' ');
}

export async function call(hub: string, apiKey: string, key: string): Promise<Call> {
  const t0 = performance.now();
  const at = Date.now();
  try {
    const res = await fetch(
      `${hub}/api/v1/services/${SERVICE}/records?purpose=${PURPOSE}&key=${encodeURIComponent(key)}`,
      { headers: { 'x-api-key': apiKey }, signal: AbortSignal.timeout(30_000) },
    );
    const body = (await res.json().catch(() => ({}))) as { code?: string };
    return {
      key,
      status: res.status,
      ms: performance.now() - t0,
      at,
      ...(body.code ? { code: body.code } : {}),
      retryAfter: res.headers.get('retry-after'),
    };
  } catch {
    // No answer at all (the hub's process is gone, or it hung past the timeout).
    return { key, status: 0, ms: performance.now() - t0, at, retryAfter: null };
  }
}

/**
 * `workers` callers, each calling one after another over its own share of the keys (so that one
 * key is never asked twice at the same moment) until `stop()`; every call is in `calls`.
 */
export function steadyLoad(hub: string, apiKey: string, keys: string[], workers = 6) {
  const calls: Call[] = [];
  let stopped = false;
  const loops = Array.from({ length: workers }, async (_, w) => {
    const mine = keys.filter((_, i) => i % workers === w);
    for (let i = 0; !stopped; i++) {
      const c = await call(hub, apiKey, mine[i % mine.length]!);
      calls.push(c);
      // A refused call comes back at once: a short pause keeps the loop from spinning.
      if (c.status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
  });
  return {
    calls,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
