/**
 * #15 "a 10-minute soak at 80 % of the measured maximum rate of the sharing benchmark: 0 errors,
 * memory flat (print RSS every minute), p99 steady".
 *
 * A hub process serves the sharing benchmark's call (bench/share.ts: API key → grant → quota →
 * read → mask → durable ledger append → usage) from a copy of the seeded demo city on the run's
 * PostgreSQL. autocannon first drives it flat out for MAX_SECONDS to measure its maximum rate,
 * then at 80 % of that (autocannon's overallRate) for QDH_SOAK_MINUTES, one minute at a time:
 * each minute's errors, p99 and the hub's RSS are printed and checked.
 *
 * It runs only when QDH_SOAK_MINUTES is set (`npm run test:faults` sets 10); under `npm test`
 * it is skipped with a message saying so.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { beforeAll, describe, expect, it } from 'vitest';
import { engines, SEEDED_PASSWORD, SEEDED_PEOPLE } from '../databases.js';
import { SETUP_MS, startHubProcess, type HubProcess } from './harness.js';
import { PURPOSE, residentKeys, SERVICE, serviceCaller } from './load.js';

const MINUTES = Number(process.env.QDH_SOAK_MINUTES ?? 0);
const CONNECTIONS = 32;
const MAX_SECONDS = 15;
/** The last minute's RSS may exceed the second minute's by this factor at most (warm-up is the first). */
const RSS_BOUND = 1.3;
/** The last minute's p99 may be this many times the second minute's, plus P99_SLACK_MS, at most. */
const P99_BOUND = 2;
const P99_SLACK_MS = 25;

const postgres = engines().find((e) => e.name === 'postgres')!;

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function drive(url: string, apiKey: string, keys: string[], seconds: number, overallRate?: number) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    headers: { 'x-api-key': apiKey },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: `/api/v1/services/${SERVICE}/records?purpose=${PURPOSE}&key=${keys[randomInt(keys.length)]!}`,
        }),
      },
    ],
  });
  return {
    // From the total: autocannon's per-second average is whole calls, too coarse at a low rate.
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

let seededUrl: string | undefined;

// The run's demo city is seeded once (minutes on a busy machine): not inside the soak's own time.
beforeAll(async () => {
  if (MINUTES && !postgres.skip) seededUrl = (await postgres.seededDatabase()).databaseUrl;
}, SETUP_MS);

describe('soak', () => {
  it(
    `serves ${MINUTES || 10} minutes at 80 % of its maximum rate with no error, flat memory and a steady p99`,
    async (ctx) => {
      if (!MINUTES) return ctx.skip('the soak runs only under `npm run test:faults` (QDH_SOAK_MINUTES=10)');
      if (!seededUrl) return ctx.skip('no PostgreSQL server for the soak');
      let hub: HubProcess | undefined;
      try {
        hub = await startHubProcess(seededUrl, { password: SEEDED_PASSWORD });
        const apiKey = await serviceCaller(hub.url, SEEDED_PASSWORD);
        const keys = residentKeys(SEEDED_PEOPLE);
        const pid = hub.child.pid!;

        const max = await drive(hub.url, apiKey, keys, MAX_SECONDS);
        const rate = Math.floor(0.8 * max.rps);
        console.log(
          `[soak] maximum: ${Math.round(max.rps)} calls/s (p50 ${max.p50} ms, p99 ${max.p99} ms, errors ${max.errors}); ` +
            `soaking ${MINUTES} min at ${rate} calls/s with ${CONNECTIONS} connections; RSS ${rssMb(pid)} MB`,
        );
        const minutes: Array<{ rps: number; p99: number; errors: number; rss: number }> = [];
        for (let m = 1; m <= MINUTES; m++) {
          const r = await drive(hub.url, apiKey, keys, 60, rate);
          const rss = rssMb(pid);
          minutes.push({ rps: r.rps, p99: r.p99, errors: r.errors, rss });
          console.log(
            `[soak] minute ${m}: ${Math.round(r.rps)} calls/s, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}, RSS ${rss} MB`,
          );
        }
        expect(minutes.map((m) => m.errors)).toEqual(new Array(MINUTES).fill(0));
        const second = minutes[Math.min(1, minutes.length - 1)]!;
        const last = minutes[minutes.length - 1]!;
        expect(last.rss, 'RSS of the last minute against the second').toBeLessThanOrEqual(second.rss * RSS_BOUND);
        expect(last.p99, 'p99 of the last minute against the second').toBeLessThanOrEqual(
          second.p99 * P99_BOUND + P99_SLACK_MS,
        );
        // The rate held: the hub kept up with the 80 % all along.
        for (const m of minutes) expect(m.rps).toBeGreaterThan(0.85 * rate);
      } finally {
        await hub?.stop();
      }
    },
    (MINUTES + 5) * 60_000,
  );
});
