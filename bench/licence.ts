/**
 * npm run bench:licence — issue #17's two figures, each against its baseline in the same run, on
 * the same database, every server in a process of its own (bench/share-server.ts) driven by
 * autocannon (bench/http-load.ts):
 *  (1) presentation verifications: POST /api/v1/presentations/verify of a 亮证 token (signature,
 *      validity, revocation, the licence's names) against a bare Fastify server that only checks
 *      the same token's signature with the same key (jose) — goal ≥ 0.5;
 *  (2) attestation answers: POST /api/v1/attestations (policy, legal basis, the rule over the
 *      subject's one record, a signed statement, the ledger) against the plain data-service
 *      lookup of the same record of the same residents — goal ≥ 0.5.
 * LICENCE_PEOPLE (5 000) residents in the demo city, LICENCE_SUBJECTS (200) of them asked about.
 */
import { availableParallelism } from 'node:os';
import { seedDemo } from '../src/demo/index.js';
import { openHub, type Hub } from '../src/http/index.js';
import { CONNECTIONS, POOL, SECONDS, WARMUP, line, phase } from './http-load.js';
import { createDatabase, fmt } from './lib.js';

const PEOPLE = Number(process.env.LICENCE_PEOPLE ?? 5000);
const SUBJECTS = Number(process.env.LICENCE_SUBJECTS ?? 200);
const RESOURCE = 'JNGAJ-0001';
const ITEM = 'bench_registered';

/**
 * An item whose rule reads what the data service returns, one record of 人口基础信息, so that
 * both sides of (2) read the same row; and the grant the data service's side needs.
 */
async function prepareAttestations(hub: Hub): Promise<string[]> {
  const operator = await hub.access.actorOf('operator');
  await hub.attest.create(operator, {
    code: ITEM,
    name: { 'zh-CN': '户籍登记核验', en: 'Registered resident' },
    provider: 'JNGAJ',
    subjectKind: 'person',
    rule: { exists: { resource: RESOURCE, where: { field: 'gender', op: 'in', value: ['男', '女'] } } },
  });
  await hub.share.createGrant(operator, {
    consumer: 'JNMZJ',
    resource: RESOURCE,
    fields: ['name', 'gender', 'birth_date'],
    purposes: ['social_assistance'],
    dailyQuota: 100_000_000,
  });
  const resource = await hub.catalog.get(RESOURCE);
  const page = await hub.records.page(resource.id, 1, SUBJECTS);
  return page.map((d) => String(d[resource.keyField]));
}

const target = await createDatabase('licence');
try {
  const hub = await openHub({ databaseUrl: target.url, poolSize: POOL });
  await seedDemo(hub, { password: 'bench-password', people: PEOPLE });
  const keys = await prepareAttestations(hub);
  const consumerKey = (await hub.access.createApiKey(await hub.access.findUserId('consumer'), 'bench')).key;
  const resourceId = (await hub.catalog.get(RESOURCE)).id;
  await hub.close();

  const headers = { 'x-api-key': consumerKey, 'content-type': 'application/json' };
  const service = await phase(
    'hub',
    1,
    target.url,
    resourceId,
    (k) => `/api/v1/services/DS-${RESOURCE}/records?purpose=social_assistance&key=${k}`,
    keys,
    headers,
  );
  const attested = await phase(
    'hub',
    1,
    target.url,
    resourceId,
    (k) => ({
      path: '/api/v1/attestations',
      method: 'POST',
      body: JSON.stringify({
        item: ITEM,
        subject: k,
        purpose: 'social_assistance',
        legalBasis: '《社会救助暂行办法》第十一条',
      }),
    }),
    keys,
    headers,
  );

  console.log(
    `${CONNECTIONS} connections, ${WARMUP} s warm-up + ${SECONDS} s each, pool ${POOL}, ` +
      `${fmt(SUBJECTS)} subjects of ${fmt(PEOPLE)} residents, ${availableParallelism()} cores:`,
  );
  console.log(line('(2a) data service lookup ', service));
  console.log(line('(2b) attestation answer  ', attested));
  console.log(
    `  ratio 2b/2a ${fmt(attested.rps / service.rps, 2)} (goal ≥ 0.5); p99 2b/2a ${fmt(attested.p99 / service.p99, 2)}; ` +
      `errors ${service.errors} / ${attested.errors}; ledger entries during (2b): ${fmt(attested.ledgerEntries)} for ${fmt(attested.calls)} answers`,
  );
  if (service.errors > 0 || attested.errors > 0) process.exitCode = 1;
} finally {
  await target.drop();
}
