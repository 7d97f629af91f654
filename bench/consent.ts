/**
 * npm run bench:consent — a third party's consented fetches against the hub's plain data-service
 * path, in the same run, on the same database, each in a hub process of its own
 * (bench/share-server.ts) driven by autocannon (bench/http-load.ts):
 *  (a) the data service: 民政局's API key → grant → quota → one record → ledger → JSON;
 *  (b) the consent: the bank's API key → the consent counted in one statement (active, begun,
 *      unexpired, room in its frequency) → the same record → only the consented fields → ledger.
 * Both read the same CONSENT_SUBJECTS (200) residents of the demo city (CONSENT_PEOPLE, 5 000),
 * the same three fields of 人口基础信息. Each consent allows a million fetches a day, so the count
 * is taken and written on every call but never refuses. Then one consent is revoked from this
 * process, and the server's very next fetch of it must be refused.
 */
import { availableParallelism } from 'node:os';
import type { Actor } from '../src/access/index.js';
import { seedDemo } from '../src/demo/index.js';
import { openHub, type Hub } from '../src/http/index.js';
import { CONNECTIONS, POOL, SECONDS, WARMUP, line, phase, startServer } from './http-load.js';
import { createDatabase, fmt } from './lib.js';

const PEOPLE = Number(process.env.CONSENT_PEOPLE ?? 5000);
const SUBJECTS = Number(process.env.CONSENT_SUBJECTS ?? 200);
const RESOURCE = 'JNGAJ-0001';
const FIELDS = ['name', 'gender', 'birth_date'];
const PURPOSE = 'credit_service';

async function actor(hub: Hub, username: string): Promise<Actor> {
  return hub.access.actorOf(username);
}

/** The bank's consents, one per resident, each approved; and the data service's grant for the same fields. */
async function prepare(hub: Hub): Promise<{ keys: string[]; consents: string[] }> {
  const resource = await hub.catalog.get(RESOURCE);
  const page = await hub.records.page(resource.id, 1, SUBJECTS);
  const keys = page.map((d) => String(d[resource.keyField]));
  const bank = await actor(hub, 'third_party');
  const citizen = await actor(hub, 'citizen');
  const operator = await actor(hub, 'operator');
  const consents: string[] = [];
  for (const key of keys) {
    const row = await hub.consents.consents.request(bank, {
      subject: { kind: 'person', id: key },
      purpose: PURPOSE,
      terms: {
        data: [{ resource: RESOURCE, fields: FIELDS }],
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        fetchType: 'periodic',
        frequency: { unit: 'day', max: 1000 },
        dataLifeDays: 1,
        range: { from: '2000-01-01', to: '2099-12-31' },
      },
    });
    // The subjects' approval, taken at the store: the bench has one citizen account, not two hundred.
    await hub.consents.consents.decide(citizen, row, 'approve');
    consents.push(row.id);
  }
  await hub.share.createGrant(operator, {
    consumer: 'JNMZJ',
    resource: RESOURCE,
    fields: FIELDS,
    purposes: ['social_assistance'],
    dailyQuota: 100_000_000,
  });
  return { keys, consents };
}

/** A revocation committed here is seen by the server's next fetch: answers the two statuses. */
async function revocationSeen(hub: Hub, url: string, consent: string, apiKey: string): Promise<[number, number]> {
  const { server, stop } = await startServer('hub', url, 0, 4);
  try {
    const fetchOnce = async () =>
      (await fetch(`${server.url}/api/v1/consents/${consent}/data`, { headers: { 'x-api-key': apiKey } })).status;
    const before = await fetchOnce();
    const row = await hub.consents.consents.get(consent);
    await hub.consents.consents.decide(await actor(hub, 'citizen'), row, 'revoke');
    return [before, await fetchOnce()];
  } finally {
    await stop();
  }
}

const target = await createDatabase('consent');
try {
  const hub = await openHub({ databaseUrl: target.url, poolSize: POOL });
  await seedDemo(hub, { password: 'bench-password', people: PEOPLE });
  const { keys, consents } = await prepare(hub);
  const consumerKey = (await hub.access.createApiKey(await hub.access.findUserId('consumer'), 'bench')).key;
  const bankKey = (await hub.access.createApiKey(await hub.access.findUserId('third_party'), 'bench')).key;
  const resourceId = (await hub.catalog.get(RESOURCE)).id;

  const service = await phase(
    'hub',
    1,
    target.url,
    resourceId,
    (k) => `/api/v1/services/DS-${RESOURCE}/records?purpose=social_assistance&key=${k}`,
    keys,
    { 'x-api-key': consumerKey },
  );
  const consented = await phase('hub', 1, target.url, resourceId, (id) => `/api/v1/consents/${id}/data`, consents, {
    'x-api-key': bankKey,
  });
  const [before, after] = await revocationSeen(hub, target.url, consents[0]!, bankKey);
  await hub.close();

  console.log(
    `${CONNECTIONS} connections, ${WARMUP} s warm-up + ${SECONDS} s each, pool ${POOL}, ` +
      `${fmt(SUBJECTS)} subjects of ${fmt(PEOPLE)} residents, ${availableParallelism()} cores:`,
  );
  console.log(line('(a) data service lookup ', service));
  console.log(line('(b) consented fetch     ', consented));
  console.log(
    `  ratio b/a ${fmt(consented.rps / service.rps, 2)} (goal ≥ 0.8); p99 b/a ${fmt(consented.p99 / service.p99, 2)}; ` +
      `errors in (b): ${consented.errors}; ledger entries during (b): ${fmt(consented.ledgerEntries)} for ${fmt(consented.calls)} calls`,
  );
  console.log(
    `  revocation: fetch before ${before}, revoked in another process, next fetch ${after} ` +
      `(${before === 200 && after === 403 ? 'seen on the next call' : 'NOT SEEN'})`,
  );
  if (consented.errors > 0 || before !== 200 || after !== 403) process.exitCode = 1;
} finally {
  await target.drop();
}
