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
import { decodeProtectedHeader } from 'jose';
import { seedDemo } from '../src/demo/index.js';
import { openHub, type Hub } from '../src/http/index.js';
import { CONNECTIONS, POOL, SECONDS, WARMUP, line, phase } from './http-load.js';
import { createDatabase, fmt } from './lib.js';

const PEOPLE = Number(process.env.LICENCE_PEOPLE ?? 5000);
const SUBJECTS = Number(process.env.LICENCE_SUBJECTS ?? 200);
const RESOURCE = 'JNGAJ-0001';
const PRESENTATIONS = 40;
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

/**
 * Tokens of 亮证 presentations of the demo citizen's licences (valid for ten minutes, longer than
 * the bench), and the public key that signed them, for the bare server.
 */
async function preparePresentations(hub: Hub): Promise<{ tokens: string[]; jwk: object }> {
  const citizen = await hub.access.actorOf('citizen');
  const held = await hub.licences.mine(citizen);
  const person = held.filter((l) => l.holder_kind === 'person');
  const tokens: string[] = [];
  for (let i = 0; i < PRESENTATIONS; i++) {
    const made = await hub.licences.present(citizen, person[i % person.length]!.id, {
      ttl: 600,
      verifyUrl: 'http://127.0.0.1/verify',
    });
    tokens.push(made.token);
  }
  const checked = await hub.licences.presentations.verify(tokens[0]!);
  if (!checked.valid) throw new Error(`the bench's presentation does not verify: ${checked.reason}`);
  // The bench's tokens are of one issuer's key: the bare server checks them all with it.
  const kid = decodeProtectedHeader(tokens[0]!).kid;
  const key = (await hub.licenceKeys.published()).find((k) => k.keyId === kid)!;
  return { tokens: tokens.filter((t) => decodeProtectedHeader(t).kid === kid), jwk: { ...key.jwk, alg: key.alg } };
}

const target = await createDatabase('licence');
try {
  const hub = await openHub({ databaseUrl: target.url, poolSize: POOL });
  await seedDemo(hub, { password: 'bench-password', people: PEOPLE });
  const keys = await prepareAttestations(hub);
  const { tokens, jwk } = await preparePresentations(hub);
  process.env.QDH_BENCH_JWK = JSON.stringify(jwk);
  const consumerKey = (await hub.access.createApiKey(await hub.access.findUserId('consumer'), 'bench')).key;
  const resourceId = (await hub.catalog.get(RESOURCE)).id;
  await hub.close();

  const json = { 'content-type': 'application/json' };
  const byToken = (path: string) => (token: string) => ({
    path,
    method: 'POST' as const,
    body: JSON.stringify({ token }),
  });
  const bare = await phase('verify', 1, target.url, resourceId, byToken('/v'), tokens, json);
  const verified = await phase('hub', 1, target.url, resourceId, byToken('/api/v1/presentations/verify'), tokens, json);

  const headers = { 'x-api-key': consumerKey, ...json };
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
  console.log(line('(1a) bare signature check', bare));
  console.log(line('(1b) presentation verify ', verified));
  console.log(
    `  ratio 1b/1a ${fmt(verified.rps / bare.rps, 2)} (goal ≥ 0.5); p99 1b/1a ${fmt(verified.p99 / bare.p99, 2)}; ` +
      `errors ${bare.errors} / ${verified.errors}; ${fmt(tokens.length)} tokens of one issuer key (${(jwk as { alg: string }).alg})`,
  );
  console.log(line('(2a) data service lookup ', service));
  console.log(line('(2b) attestation answer  ', attested));
  console.log(
    `  ratio 2b/2a ${fmt(attested.rps / service.rps, 2)} (goal ≥ 0.5); p99 2b/2a ${fmt(attested.p99 / service.p99, 2)}; ` +
      `errors ${service.errors} / ${attested.errors}; ledger entries during (2b): ${fmt(attested.ledgerEntries)} for ${fmt(attested.calls)} answers`,
  );
  if ([bare, verified, service, attested].some((p) => p.errors > 0)) process.exitCode = 1;
} finally {
  await target.drop();
}
