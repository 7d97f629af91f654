import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { createLogger, ERROR_CATALOGUE } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';
import { hostileText, mutatedOf, textOf, valueOf, type Schema } from '../fuzz/arbitraries.js';

type App = Awaited<ReturnType<typeof buildApp>>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/**
 * Requests per operation and engine: enough to reach every schema branch now and then, bounded in
 * time. FUZZ_RUNS=200 FUZZ_SEED=… fuzzes harder and elsewhere, by hand.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_204);
const ROLES = ['operator', 'officer', 'consumer', 'citizen', 'auditor', 'third_party'] as const;
/** Who calls: mostly the roles that may do the most, so that requests get past authorization. */
const CALLERS = ['operator', 'operator', 'operator', 'officer', 'officer', 'consumer', ...ROLES, 'apiKey', 'anonymous'];
/** The routes anyone may call; every other one of the OpenAPI document needs a credential. */
const PUBLIC = [
  'GET /healthz',
  'POST /api/v1/auth/login',
  'GET /api/v1/auth/oidc',
  'GET /api/v1/auth/oidc/start',
  'GET /api/v1/auth/oidc/callback',
  'POST /api/v1/auth/oidc/session',
  'GET /api/v1/ledger/head',
  'GET /api/v1/ledger/heads',
  'GET /api/v1/ledger/heads/recent',
  'GET /api/v1/ledger/key',
  'GET /api/v1/ledger/proof/inclusion',
  'GET /api/v1/ledger/proof/consistency',
  'POST /api/v1/attestations/verify',
  'POST /api/v1/presentations/verify',
  'GET /api/v1/licences/status-lists/{list}',
  'GET /.well-known/jwks.json',
  'GET /.well-known/did.json',
  'GET /api/3/action/{action}',
  'POST /api/3/action/{action}',
  'GET /open/datasets/{name}/{file}',
  'POST /api/v1/open/developers',
  'POST /api/v1/open/developers/login',
  'POST /api/v1/open/developers/logout',
  'GET /api/v1/open/developers/me',
  'POST /api/v1/open/developers/me/keys',
  'DELETE /api/v1/open/developers/me/keys/{id}',
  'GET /api/v1/open/conditional-datasets',
  'GET /api/v1/open/developers/me/applications',
  'POST /api/v1/open/developers/me/applications',
  'GET /api/v1/open/datasets/{name}/ratings',
  'POST /api/v1/open/developers/me/ratings',
  'GET /api/v1/open/developers/me/ratings',
  'POST /api/v1/open/developers/me/error-reports',
  'GET /api/v1/open/developers/me/error-reports',
  'POST /api/v1/open/developers/me/dataset-requests',
  'GET /api/v1/open/developers/me/dataset-requests',
  'GET /api/v1/open/dataset-requests',
  'GET /catalog',
  'GET /catalog.ttl',
  'GET /catalog.rdf',
  'GET /catalog.jsonld',
  'GET /data.json',
  'GET /api/v1/cascade/node',
  'POST /api/v1/cascade/enrol',
  'GET /api/v1/cascade/link/ping',
  'POST /api/v1/cascade/link/witness',
  'POST /api/v1/cascade/link/alerts',
  'GET /api/v1/ledger/witnessed',
  'GET /api/v1/cascade/link/catalog/changes',
  'GET /api/v1/cascade/link/return/{base}',
  'POST /api/v1/cascade/link/push/batches',
  'POST /api/v1/cascade/link/records',
];
const MISSING: Record<string, string>[] = [
  { code: 'ZZZZ-9999', id: '2147483000', key: '11010519491231002X', version: '999', username: 'nobody' },
  { code: 'DS-ZZZZ-9999', id: '00000000-0000-4000-8000-000000000000' },
];
/** Routes that end the session they are called with: each fuzzed call gets a fresh one. */
const ENDS_SESSION = /\/auth\/(logout|password)$/;

interface Operation {
  method: Method;
  path: string;
  secured: boolean;
  params: { name: string; in: 'path' | 'query'; schema: Schema; required: boolean }[];
  json?: Schema;
  takesBody: boolean;
}

interface Fuzzed {
  as: string;
  url: string;
  body?: { type: string; payload: string | Buffer };
}

/** Bodies a JSON schema does not describe: broken JSON, other types, broken and real-looking multipart. */
const OTHER_BODIES = fc.constantFrom(
  { type: 'application/json', payload: '{"a":' },
  { type: 'application/json', payload: '{"name":"\\u0000","username":"a\\u0000"}' },
  { type: 'application/json', payload: '[1e999]' },
  { type: 'text/plain', payload: 'hello' },
  { type: 'application/octet-stream', payload: Buffer.from([0, 255, 254, 0, 10]) },
  { type: 'multipart/form-data', payload: '--x\r\n' },
  { type: 'multipart/form-data; boundary=zz', payload: 'garbage' },
  {
    type: 'multipart/form-data; boundary=zz',
    payload:
      '--zz\r\nContent-Disposition: form-data; name="resource"\r\n\r\nZZZZ-0001\r\n' +
      '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\n1,\u0000\r\n--zz--\r\n',
  },
);

/**
 * Every operation of the OpenAPI document, fuzzed from its own parameter and body schemas with
 * hostile values mixed in (NUL, lone surrogates, huge numbers, wrong types, long text, missing
 * fields, broken bodies), anonymously and as each demo role: no answer may be a 5xx, and every
 * error is an RFC 9457 problem with a catalogued code. Anonymous callers get 401 from every
 * route that is not public, whether the id in the path exists or not.
 */
describe.each(engines())('routes under fuzzing on $name', (engine) => {
  let hub: Hub;
  let app: App;
  let ops: Operation[];
  const tokens: Record<string, string> = {};
  const known: Record<string, string[]> = {};

  beforeAll(async () => {
    if (engine.skip) return;
    hub = await openHub({ ...(await engine.seededDatabase()) });
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    for (const role of ROLES) tokens[role] = await login(role);
    tokens.apiKey = (await call('consumer', 'POST', '/api/v1/auth/api-keys', { name: 'fuzz' })).json().key;
    ops = operations((await app.inject({ url: '/api/openapi.json' })).json());
    await collectKnownValues();
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
  });

  async function login(username: string): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    return res.json().token;
  }

  function call(as: string, method: Method, url: string, payload?: object) {
    return app.inject({ method, url, payload, headers: credentials(as) });
  }

  function credentials(as: string): Record<string, string> {
    if (as === 'anonymous') return {};
    if (as === 'apiKey') return { 'x-api-key': tokens.apiKey! };
    return { authorization: `Bearer ${tokens[as]}` };
  }

  /** Ids and codes that exist, so that fuzzing reaches past "not found" now and then. */
  async function collectKnownValues(): Promise<void> {
    const list = async (url: string, pick: (x: Record<string, unknown>) => unknown) => {
      const body = (await call('operator', 'GET', url)).json();
      const items = (Array.isArray(body) ? body : (body.items ?? [])) as Record<string, unknown>[];
      return items.slice(0, 3).map((x) => String(pick(x)));
    };
    const services = (await call('consumer', 'GET', '/api/v1/services')).json() as {
      code: string;
      sampleKey?: string;
    }[];
    known.code = ['JNGAJ-0001', 'JNGAJ', ...services.slice(0, 2).map((s) => s.code)];
    known.key = services.flatMap((s) => (s.sampleKey ? [s.sampleKey] : [])).slice(0, 2);
    known.id = ['1', '2', ...(await list('/api/v1/ingest/jobs', (x) => x.id))];
    known.version = ['1'];
  }

  it.skipIf(engine.skip)(
    'answers 401 to anonymous callers of every non-public route, existing ids or not',
    async () => {
      const open: string[] = [];
      for (const op of ops) {
        const answers = await Promise.all(
          [...existingValues(), ...MISSING].map((values) =>
            app.inject({ method: op.method, url: fill(op.path, values), ...(op.takesBody ? { payload: {} } : {}) }),
          ),
        );
        if (!op.secured) {
          open.push(`${op.method} ${op.path}`);
          continue;
        }
        for (const res of answers) {
          expect(res.statusCode, `${op.method} ${op.path}`).toBe(401);
          expect(res.json().code).toBe('ACC_UNAUTHENTICATED');
        }
        const bodies = new Set(answers.map((res) => res.body.replace(/"instance":"[^"]*"/, '')));
        expect(bodies.size, `${op.method} ${op.path}`).toBe(1);
      }
      expect(open.sort()).toEqual(PUBLIC.sort());
    },
  );

  /** Every id and code known to exist, one at a time. */
  function existingValues(): Record<string, string>[] {
    const depth = Math.max(...Object.values(known).map((v) => v.length));
    return [...Array(depth).keys()].map((i) =>
      Object.fromEntries(Object.entries(known).map(([k, v]) => [k, v[i] ?? v[0]!])),
    );
  }

  it.skipIf(engine.skip)('answers the reported inputs with a 4xx problem naming the field', async () => {
    const nul = await call('operator', 'POST', '/api/v1/auth/api-keys', { name: 'key\u0000' });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ code: 'KRN_BAD_REQUEST', errors: [{ field: 'body/name' }] });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'operator\u0000', password: 'x' },
    });
    expect(login.statusCode).toBe(400);
    expect(login.json().errors[0].field).toBe('body/username');
    const query = await call('operator', 'GET', '/api/v1/catalog/export?q=%00');
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0].field).toBe('querystring/q');
    expect((await call('operator', 'GET', '/api/v1/monitoring/usage?service=%00')).statusCode).toBe(400);
    const huge = await call('operator', 'GET', '/api/v1/demands/99999999999999999999');
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].field).toBe('params/id');
  });

  it.skipIf(engine.skip)('answers every generated and hostile request without a 5xx', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const result = await fc.check(
        fc.asyncProperty(requestOf(op), async (req) => {
          const problem = await check(op, req);
          if (problem) throw new Error(problem);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      if (result.failed)
        failures.push(
          String(result.errorInstance instanceof Error ? result.errorInstance.message : result.counterexample),
        );
    }
    expect(failures).toEqual([]);
  });

  /**
   * Three kinds of request: valid by the schemas (to reach the services), valid but for one
   * hostile value (to reach them with it), and hostile throughout (to test the edge).
   */
  function requestOf(op: Operation): fc.Arbitrary<Fuzzed> {
    const as = fc.constantFrom<string>(...CALLERS);
    return fc
      .oneof(
        fc.record({ as, params: paramsOf(op, 0), body: bodyOf(op, 0) }),
        fc.integer({ min: 0, max: op.params.length }).chain((n) =>
          // n < params: one parameter is hostile; n = params: one leaf of the body is.
          fc.record({ as, params: paramsOf(op, 0, n), body: bodyOf(op, n === op.params.length ? 1 : 0) }),
        ),
        fc.record({ as, params: paramsOf(op, 2), body: bodyOf(op, 2) }),
      )
      .map(({ as, params, body }) => ({ as, url: urlOf(op, params), ...(body ? { body } : {}) }));
  }

  /** Parameter texts: known or schema values, one hostile (the `hostileAt`-th), or hostile at random. */
  function paramsOf(op: Operation, level: 0 | 2, hostileAt = -1): fc.Arbitrary<(string | undefined)[]> {
    return fc.tuple(
      ...op.params.map((p, i) => {
        const existing = p.in === 'path' ? (known[p.name] ?? []) : [];
        const text =
          i === hostileAt ? hostileText : level === 0 ? textOf(p.schema, existing, 0) : textOf(p.schema, existing);
        return p.in === 'query' && !p.required && i !== hostileAt ? fc.option(text, { nil: undefined }) : text;
      }),
    );
  }

  function bodyOf(op: Operation, level: 0 | 1 | 2): fc.Arbitrary<Fuzzed['body']> {
    if (!op.takesBody) return fc.constant(undefined);
    if (!op.json) return OTHER_BODIES;
    if (level === 0) return valueOf(op.json, 0).map(asJson);
    if (level === 1) return mutatedOf(op.json).map(asJson);
    return fc.oneof(valueOf(op.json).map(asJson), OTHER_BODIES);
  }

  /** What is wrong with the answer to `req`, if anything. */
  async function check(op: Operation, req: Fuzzed): Promise<string | undefined> {
    const headers =
      ENDS_SESSION.test(op.path) && req.as !== 'anonymous'
        ? { authorization: `Bearer ${await login('auditor')}` }
        : credentials(req.as);
    const res = await app.inject({
      method: op.method,
      url: req.url,
      headers: { ...headers, ...(req.body ? { 'content-type': req.body.type } : {}) },
      // Its own address, so that failed logins here slow down no other test's logins.
      remoteAddress: '192.0.2.7',
      ...(req.body ? { payload: req.body.payload } : {}),
    });
    const sent = req.body ? ` with ${req.body.type} ${String(req.body.payload).slice(0, 120)}` : '';
    const said = `${op.method} ${req.url.slice(0, 120)} as ${req.as}${sent} → ${res.statusCode} ${res.body.slice(0, 200)}`;
    if (res.statusCode >= 500) return said;
    if (res.statusCode < 400) return undefined;
    // CKAN's Action API answers its errors as CKAN does (docs/open.md), not as problems.
    // The router's own refusals (an overlong path) come before any route, as problems.
    if (
      op.path.startsWith('/api/3/action/') &&
      !String(res.headers['content-type']).startsWith('application/problem+json')
    ) {
      const body = res.json() as { success?: unknown; error?: { __type?: unknown } };
      return body.success === false && typeof body.error?.__type === 'string' ? undefined : `not CKAN's error: ${said}`;
    }
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) return `not a problem: ${said}`;
    const code = res.json().code as string;
    if (!(code in ERROR_CATALOGUE)) return `uncatalogued code: ${said}`;
    return undefined;
  }
});

function asJson(value: unknown): { type: string; payload: string } {
  return { type: 'application/json', payload: JSON.stringify(value) ?? 'null' };
}

function urlOf(op: Operation, texts: (string | undefined)[]): string {
  const path: Record<string, string> = {};
  const query: string[] = [];
  op.params.forEach((p, i) => {
    const text = texts[i];
    if (text === undefined) return;
    if (p.in === 'path') path[p.name] = text;
    else query.push(`${p.name}=${encode(text)}`);
  });
  return query.length > 0 ? `${fill(op.path, path)}?${query.join('&')}` : fill(op.path, path);
}

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encode(values[name] ?? '1'));
}

/** Percent-encoding that also sends a lone surrogate, as the bytes a careless client would send. */
function encode(text: string): string {
  return (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) ?? [])
    .map((c) => (c.length === 1 && /[\uD800-\uDFFF]/.test(c) ? wtf8(c.charCodeAt(0)) : encodeURIComponent(c)))
    .join('');
}

function wtf8(unit: number): string {
  return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
    .map((b) => `%${b.toString(16).toUpperCase()}`)
    .join('');
}

interface OpenApiOperation {
  security?: unknown[];
  parameters?: { name: string; in: string; schema: Schema; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
}

function operations(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      method: method.toUpperCase() as Method,
      path,
      secured: (op.security?.length ?? 0) > 0,
      params: (op.parameters ?? [])
        .filter((p) => p.in === 'path' || p.in === 'query')
        .map((p) => ({ name: p.name, in: p.in as 'path' | 'query', schema: p.schema, required: p.required ?? false })),
      json: op.requestBody?.content?.['application/json']?.schema,
      takesBody: ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase()),
    })),
  );
}
