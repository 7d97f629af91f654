import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowed, ROLES, type Actor, type Role, type Target } from '../../src/access/index.js';
import { buildApp, openHub, type Hub } from '../../src/http/index.js';
import { checkRoutePolicy, ROUTE_POLICY, type RoutePolicy, type TargetSource } from '../../src/http/route-policy.js';
import { enterprises } from '../../src/demo/people.js';
import { checkCitizenId, createLogger } from '../../src/kernel/index.js';
import { engines, SEEDED_PASSWORD as PASSWORD } from '../databases.js';

type App = Awaited<ReturnType<typeof buildApp>>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** The resources the demo seeds with records: 人口 (公安局), 法人 (市场监管局), 社保 (人社局). */
const PERSON = 'JNGAJ-0001';
const ENTERPRISE = 'JNSCJG-0001';
const INSURANCE = 'JNRSJ-0001';
/** Named source connections of two departments and of the operators alone, for the connections list. */
const CONNECTIONS = {
  QDH_SOURCE_MATRIXGA: 'postgres://nobody@127.0.0.1:1/none',
  QDH_SOURCE_MATRIXGA_ORG: 'JNGAJ',
  QDH_SOURCE_MATRIXRS: 'https://source.example/rsj',
  QDH_SOURCE_MATRIXRS_ORG: 'JNRSJ',
  QDH_SOURCE_MATRIXOPS: 'https://source.example/ops',
};
/** An enterprise of the demo's registry that the demo binds to nobody. */
const UNBOUND_FIRM = [...enterprises(2)][1]!.credit_code;
/** An id no fixture has: an allowed caller hears 404, a denied one must hear 403 first. */
const NONE = 999_999;

/** One thing a request can point at, and the organizations that answer for it. */
interface Fixture {
  owners: string[];
  /** For `subject`: the person the key names is this citizen account. */
  self?: string;
  value: string;
}

/** What a request for one case is built from: the fixture the target source chose, if any. */
interface Case {
  op: string;
  role: Role;
  scope: 'any' | 'own' | 'other';
  fixture: Fixture | undefined;
  expected: 'allowed' | 'denied' | 'hidden';
  policy: RoutePolicy;
}

interface Req {
  query?: Record<string, string | number>;
  body?: unknown;
  form?: Array<{ name: string; value: string; filename?: string }>;
  /** A token of its own: the request revokes the caller's session or its other tokens. */
  fresh?: true;
}

/**
 * #12: every operation of /api/openapi.json, for each role (the demo account of that name) and an
 * anonymous caller, aimed at a target of the caller's own organization and of another: the
 * answer must be what the policy says — 401 anonymous, 403 ACC_FORBIDDEN where `isAllowed`
 * denies, neither where it allows. Routes and their rules are declared in src/http/route-policy.ts.
 */
describe.each(engines())('authorization matrix on $name', (engine) => {
  let hub: Hub;
  let app: App;
  const tokens = new Map<Role, string>();
  const actors = new Map<Role, Actor>();
  const pools = new Map<TargetSource, Fixture[]>();
  let operations: string[] = [];
  let personKey = '';
  /** The URL and body of the last request sent, for the clear-ID check. */
  let lastSent = '';

  beforeAll(async () => {
    if (engine.skip) return;
    Object.assign(process.env, CONNECTIONS);
    hub = await openHub({ ...(await engine.seededDatabase()) });
    app = await buildApp(hub, { logger: createLogger('silent'), demo: true });
    for (const role of ROLES) {
      tokens.set(role, await login(role));
      actors.set(role, await hub.access.actorOf(role));
    }
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    await makeFixtures();
  });
  afterAll(async () => {
    for (const name of Object.keys(CONNECTIONS)) delete process.env[name];
    await app?.close();
    await hub?.close();
  });

  const login = async (username: string): Promise<string> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    return res.json().token as string;
  };
  const call = (role: Role, method: Method, url: string, payload?: object) =>
    app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens.get(role)}` } });

  /** Targets of several organizations for each kind of target, made through the API where it can. */
  async function makeFixtures(): Promise<void> {
    const platform = actors.get('operator')!.org!.code;
    const resources: Fixture[] = [PERSON, ENTERPRISE, INSURANCE].map((code) => ({
      owners: [code.split('-')[0]!],
      value: code,
    }));
    for (const org of [platform, actors.get('consumer')!.org!.code]) {
      const list = await call('operator', 'GET', `/api/v1/catalog/resources?provider=${org}&status=published`);
      const code = (list.json().items as Array<{ code: string }>)[0]?.code;
      if (code) resources.push({ owners: [org], value: code });
    }
    pools.set('resource', resources);
    pools.set(
      'org',
      ['JNGAJ', 'JNSCJG', 'JNMZJ', platform].map((org) => ({ owners: [org], value: org })),
    );

    const people = await call('officer', 'GET', `/api/v1/catalog/resources/${PERSON}/records?pageSize=5`);
    const citizenKey = (await hub.access.citizenIdOf(actors.get('citizen')!))!;
    personKey = (people.json().items as Array<{ citizen_id: string }>)
      .map((p) => p.citizen_id)
      .find((k) => k !== citizenKey)!;
    pools.set('subject', [
      { owners: [], self: 'citizen', value: citizenKey },
      { owners: [], value: personKey },
    ]);

    // The demo binds its first enterprise to the demo citizen; the second is in the registry, bound to nobody.
    const bound = (await call('operator', 'GET', '/api/v1/enterprises')).json().items as Array<{
      creditCode: string;
      representative: { username: string };
    }>;
    const represented = bound.find((e) => e.representative.username === 'citizen')!.creditCode;
    pools.set('enterprise', [
      { owners: [], self: 'citizen', value: represented },
      { owners: [], value: UNBOUND_FIRM },
    ]);

    const jobs: Fixture[] = [];
    for (const code of [PERSON, ENTERPRISE]) {
      const list = await call('operator', 'GET', `/api/v1/ingest/jobs?resource=${code}`);
      jobs.push({ owners: [code.split('-')[0]!], value: String(list.json().items[0].id) });
    }
    pools.set('job', jobs);
    pools.set('schedule', [await schedule(PERSON), await schedule(ENTERPRISE)]);

    const tokenOfRsj = await login('officer_rsj');
    const demand = async (token: string, consumer: string, resource: string) => {
      const fields = (await hub.catalog.get(resource)).fields.map((f) => f.name).slice(0, 2);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/demands',
        headers: { authorization: `Bearer ${token}` },
        payload: { resource, fields, purposes: ['social_assistance'], purpose: '矩阵测试' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const provider = resource.split('-')[0]!;
      return { owners: [consumer, provider], provider, value: String(res.json().id) };
    };
    const demands = [
      await demand(tokens.get('consumer')!, actors.get('consumer')!.org!.code, PERSON),
      await demand(tokenOfRsj, 'JNRSJ', ENTERPRISE),
    ];
    pools.set('demand', demands);
    pools.set(
      'demand-provider',
      demands.map((d) => ({ owners: [d.provider], value: d.value })),
    );

    const correction = async (by: Role, resource: string, key: string) => {
      const r = await hub.catalog.get(resource);
      const field = r.fields.find((f) => f.name !== r.keyField)!.name;
      const body = {
        resource,
        key,
        field: resource === PERSON ? 'name' : field,
        claimedValue: '矩阵',
        proposedValue: '矩阵测试',
      };
      const res = await call(by, 'POST', '/api/v1/corrections', body);
      expect(res.statusCode, res.body).toBe(201);
      return { owners: [resource.split('-')[0]!], value: String(res.json().id) };
    };
    const enterprises = await call('operator', 'GET', `/api/v1/catalog/resources/${ENTERPRISE}/records?pageSize=1`);
    const firm = (await hub.catalog.get(ENTERPRISE)).keyField;
    const consent = await call('third_party', 'POST', '/api/v1/consents/', {
      subject: { kind: 'person', id: citizenKey },
      purpose: 'credit_service',
      data: [{ resource: PERSON, fields: ['name'] }],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      fetchType: 'periodic',
      frequency: { unit: 'day', max: 100 },
      dataLifeDays: 1,
      range: { from: '2000-01-01', to: '2099-12-31' },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    pools.set('consent', [
      { owners: [actors.get('third_party')!.org!.code], self: 'citizen', value: consent.json().id },
    ]);
    pools.set('correction', [
      await correction('consumer', PERSON, personKey),
      await correction('operator', ENTERPRISE, String(enterprises.json().items[0][firm])),
    ]);
  }

  /** A schedule made without the API, so that its source need not reach out. */
  async function schedule(resource: string): Promise<Fixture> {
    const s = await hub.schedules.create({
      resource,
      spec: { kind: 'http', url: 'https://source.example/people' },
      cron: '30 2 * * *',
      createdBy: actors.get('operator')!.userId,
    });
    return { owners: [resource.split('-')[0]!], value: String(s.id) };
  }

  function targetOf(source: TargetSource, actor: Actor, fixture: Fixture | undefined): Target {
    if (source === 'none') return {};
    if (source === 'caller') return { ownerOrg: actor.org?.code };
    if (source === 'self') return { self: true };
    if (source === 'subject' || source === 'enterprise') return { self: fixture?.self === actor.username };
    if (source === 'consent') return { ownerOrg: fixture?.owners, self: fixture?.self === actor.username };
    return { ownerOrg: fixture?.owners };
  }

  /** Each role against a target of its own organization and one of another, where such a target exists. */
  function casesOf(op: string): Case[] {
    const policy = ROUTE_POLICY[op]!;
    if ('public' in policy) return [];
    return ROLES.flatMap((role): Case[] => {
      const actor = actors.get(role)!;
      if ('account' in policy) return [{ op, role, scope: 'any', fixture: undefined, expected: 'allowed', policy }];
      const source = policy.target;
      const pool = pools.get(source);
      const scoped: Array<[Case['scope'], Fixture | undefined]> =
        pool === undefined
          ? [[source === 'caller' ? 'own' : 'any', undefined]]
          : (['own', 'other'] as const).map((scope) => [
              scope,
              pool.find((f) => isOwn(f, actor) === (scope === 'own')),
            ]);
      return scoped
        .filter(([, f]) => pool === undefined || f !== undefined)
        .map(([scope, fixture]) => {
          const target = targetOf(source, actor, fixture);
          const allowed = [policy.action].flat().some((action) => isAllowed(actor, action, target));
          const expected = allowed ? 'allowed' : policy.hides ? 'hidden' : 'denied';
          return { op, role, scope, fixture, expected, policy };
        });
    });
  }

  const isOwn = (f: Fixture, actor: Actor) =>
    f.self !== undefined ? f.self === actor.username : actor.org !== null && f.owners.includes(actor.org.code);

  async function send(op: string, role: Role | null, fixture: Fixture | undefined) {
    const [method, template] = op.split(' ') as [Method, string];
    const build = REQUESTS[op];
    const f = fixture?.value ?? defaultFor(op);
    const spec: Req = build ? build(f, { personKey }) : {};
    const url = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(paramOf(op, name, f)));
    const headers: Record<string, string> = {};
    if (role !== null) headers.authorization = `Bearer ${spec.fresh ? await login(role) : tokens.get(role)}`;
    let payload: string | Buffer | object | undefined = spec.body as object | undefined;
    if (spec.form) {
      const boundary = 'authzmatrixboundary';
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      payload = multipart(boundary, spec.form);
    }
    const query = spec.query
      ? `?${new URLSearchParams(Object.entries(spec.query).map(([k, v]): [string, string] => [k, String(v)]))}`
      : '';
    lastSent = `${url}${query} ${payload instanceof Buffer ? payload.toString() : JSON.stringify(payload ?? '')}`;
    return app.inject({ method, url: url + query, headers, ...(payload === undefined ? {} : { payload }) });
  }

  /** A path parameter: the fixture where the route's target lives there, else a value of the right shape. */
  function paramOf(op: string, name: string, fixture: string): string {
    if (op.includes('/services/{code}')) return `DS-${PERSON}`;
    if (op.includes('/base/labels/{code}')) return 'matrix_probe';
    if (op.includes('/attestations/items/{code}')) return 'matrix_probe';
    if (name === 'nodeId') return '370102-000000000000';
    if (name === 'username') return 'no_such_user';
    if (name === 'version') return '1';
    if (name === 'kind') return 'person';
    if (name === 'id' && !/\/(ingest|demands|corrections|consents)\//.test(op)) return String(NONE);
    return fixture;
  }

  /** The fixture a route whose rule looks at no organization is still pointed at. */
  function defaultFor(op: string): string {
    if (op.includes('/demands/{id}')) return pools.get('demand')![0]!.value;
    if (op.includes('{key}')) return personKey;
    return op.includes('/orgs/') ? 'JNGAJ' : PERSON;
  }

  function problemCode(res: { headers: Record<string, unknown>; body: string }): string | undefined {
    if (!String(res.headers['content-type']).includes('json')) return undefined;
    try {
      return (JSON.parse(res.body) as { code?: string }).code;
    } catch {
      return undefined;
    }
  }

  it.skipIf(engine.skip)('has a rule for every operation of the OpenAPI document, and none for no operation', () => {
    const declared = Object.entries(ROUTE_POLICY);
    expect(operations.filter((op) => ROUTE_POLICY[op] === undefined)).toEqual([]);
    // Public routes hidden from the document (metrics, the document itself) are declared too.
    expect(declared.filter(([op, p]) => !operations.includes(op) && !('public' in p)).map(([op]) => op)).toEqual([]);
    expect(
      operations.filter((op) => ROUTE_POLICY[op] !== undefined && REQUESTS[op] === undefined && needsInput(op)),
    ).toEqual([]);
  });

  it.skipIf(engine.skip)('answers an anonymous caller 401 on every route but the public ones', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const res = await send(op, null, undefined);
      const code = problemCode(res);
      const open = 'public' in ROUTE_POLICY[op]!;
      const ok = open
        ? code !== 'ACC_UNAUTHENTICATED' && res.statusCode < 500
        : res.statusCode === 401 && code === 'ACC_UNAUTHENTICATED';
      if (!ok) wrong.push(`${op}: ${res.statusCode} ${code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  });

  it.skipIf(engine.skip)('answers every role as the policy says, on its own organization and on another', async () => {
    // Refusals first and deletions last: an allowed call may change or remove a fixture a later case needs.
    const cases = operations.flatMap(casesOf).sort((a, b) => rank(a) - rank(b));
    expect(cases.length).toBeGreaterThan(operations.length * 3);
    const wrong: string[] = [];
    for (const c of cases) {
      const res = await send(c.op, c.role, c.fixture);
      const code = problemCode(res);
      const refusal = 'action' in c.policy ? (c.policy.deniedAs ?? 'ACC_FORBIDDEN') : 'ACC_FORBIDDEN';
      const ok =
        c.expected === 'allowed'
          ? res.statusCode !== 401 && code !== 'ACC_FORBIDDEN' && res.statusCode < 500
          : (res.statusCode === 403 && code === refusal) || (c.expected === 'hidden' && res.statusCode === 404);
      if (!ok)
        wrong.push(`${c.op} as ${c.role} (${c.scope}): expected ${c.expected}, got ${res.statusCode} ${code ?? ''}`);
      // Personal data leaves only through the recorded read: a route not marked so shows no citizen ID
      // in clear, but for the caller's own and one the request itself carried.
      const own = c.role === 'citizen' ? pools.get('subject')![0]!.value : undefined;
      const leaked =
        res.statusCode < 300 && !('recorded' in c.policy)
          ? clearCitizenIds(res.body).filter((id) => id !== own && !lastSent.includes(id))
          : [];
      if (leaked.length > 0) wrong.push(`${c.op} as ${c.role} (${c.scope}): citizen ID in clear, not a recorded read`);
    }
    expect(wrong).toEqual([]);
  });

  it.skipIf(engine.skip)(
    'narrows each list an `account` route answers to the items the policy lets the caller read',
    async () => {
      // A second grant, between two other departments than the demo's.
      const fields = (await hub.catalog.get(ENTERPRISE)).fields.map((f) => f.name).slice(0, 2);
      const grant = { consumer: 'JNRSJ', resource: ENTERPRISE, fields, purposes: ['social_assistance'] };
      const made = await call('operator', 'POST', '/api/v1/grants/', grant);
      expect(made.statusCode, made.body).toBe(201);
      const wrong: string[] = [];
      for (const [op, list] of Object.entries(ACCOUNT_LISTS)) {
        expect(ROUTE_POLICY[op], op).toEqual({ account: true });
        const url = op.split(' ')[1]!;
        const every = list.items((await call('operator', 'GET', url)).json());
        expect(every.length, `${op}: the fixtures give the operators something to list`).toBeGreaterThan(1);
        let narrowed = 0;
        for (const role of ROLES) {
          const actor = actors.get(role)!;
          const seen = list.items((await call(role, 'GET', url)).json()).map(list.id);
          const expected = every.filter((item) => list.readable(actor, item)).map(list.id);
          if (expected.length < every.length) narrowed++;
          if (JSON.stringify(seen.sort()) !== JSON.stringify(expected.sort()))
            wrong.push(`${op} as ${role}: saw ${seen.join(',')}, the policy allows ${expected.join(',')}`);
        }
        expect(narrowed, `${op}: some role sees less than the operators`).toBeGreaterThan(0);
      }
      expect(wrong).toEqual([]);
    },
  );
});

type Item = Record<string, unknown> & { id: number | string };
/** A list answer: an array, or `{ items }`. */
const listed = (body: unknown) => (Array.isArray(body) ? body : (body as { items: Item[] }).items) as Item[];
const code = (v: unknown) => (v as { code?: string } | null)?.code;

/**
 * The `account` routes that answer a list the service narrows, and the policy rule that decides
 * whether the caller may read each item of it: the list must hold exactly those the operators'
 * whole list holds and the rule allows.
 */
const ACCOUNT_LISTS: Record<
  string,
  { items: (body: unknown) => Item[]; id: (item: Item) => string; readable: (a: Actor, item: Item) => boolean }
> = {
  'GET /api/v1/grants/': {
    items: listed,
    id: (g) => String(g.id),
    readable: (a, g) =>
      isAllowed(a, 'grant:read', { ownerOrg: [code(g.consumer)!, code(g.resource)!.replace(/-\d+$/, '')] }),
  },
  'GET /api/v1/demands': {
    items: listed,
    id: (d) => String(d.id),
    readable: (a, d) => {
      const provider = (d.resource as { provider: { code: string } } | null)?.provider.code ?? code(d.assignedTo);
      return isAllowed(a, 'demand:read', { ownerOrg: [code(d.consumer)!, ...(provider ? [provider] : [])] });
    },
  },
  'GET /api/v1/ingest/connections': {
    items: (body) => listed(body).map((c) => ({ ...c, id: String(c.name) })),
    id: (c) => String(c.id),
    readable: (a, c) => isAllowed(a, 'ingest:use-connection', { ownerOrg: (c.org as string | null) ?? undefined }),
  },
};

/** The valid 18-digit citizen IDs in a text, standing alone (not inside a longer hex or digit run). */
function clearCitizenIds(text: string): string[] {
  return [...text.matchAll(/(?<![\dA-Za-z])\d{17}[\dX](?![\dA-Za-z])/g)]
    .map((m) => m[0])
    .filter((id) => checkCitizenId(id).ok);
}

describe('the route policy check', () => {
  it('stops an app from starting with a route that has no rule, or a rule whose route is gone', async () => {
    const app = Fastify();
    checkRoutePolicy(app);
    app.get('/api/v1/unguarded', async () => 'no rule');
    const started = app.ready();
    await expect(started).rejects.toThrow(/GET \/api\/v1\/unguarded has no entry/);
    await expect(started).rejects.toThrow(/GET \/api\/v1\/stats has no route/);
  });
});

const rank = (c: Case) => (c.op.startsWith('DELETE') ? 2 : 0) + (c.expected === 'allowed' ? 1 : 0);

/** Operations whose request needs a body or query to reach the handler. */
const needsInput = (op: string) =>
  /^(POST|PUT|PATCH) /.test(op) &&
  !/\/(logout|disable|enable|submit|approve|publish|confirm|accept-basis|run|suspend|resume|revoke|acknowledge|release|discard)$/.test(
    op,
  );

function multipart(boundary: string, parts: NonNullable<Req['form']>): Buffer {
  const chunks = parts.map(({ name, value, filename }) => {
    const disposition = `form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}`;
    const type = filename ? 'Content-Type: application/octet-stream\r\n' : '';
    return `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n${value}\r\n`;
  });
  return Buffer.from(`${chunks.join('')}--${boundary}--\r\n`);
}

interface Helpers {
  personKey: string;
}

/** A consent request of the schema's shape, for a purpose that may not be registered. */
function consentRequest(purpose: string) {
  return {
    subject: { kind: 'person', id: '370102199001011231' },
    purpose,
    data: [{ resource: PERSON, fields: ['name'] }],
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    fetchType: 'once',
    dataLifeDays: 1,
    range: { from: '2000-01-01', to: '2099-12-31' },
  };
}

/** A resource as the README's tour registers it: valid, so that the handler runs. */
const RESOURCE_INPUT = {
  name: '矩阵测试养犬登记',
  summary: '',
  category: 'department',
  shareType: 'conditional',
  shareCondition: '仅用于测试',
  openType: 'closed',
  level: 'important',
  keyField: 'owner_id',
  fields: [
    { name: 'owner_id', label: '犬主身份号码', element: 'citizen_id', required: true },
    { name: 'dogs', label: '犬只数量', type: 'integer', required: true },
  ],
};

/**
 * The request of each operation that needs more than its path: bodies and queries that pass the
 * schema, so that authorization decides, and that an allowed caller sees refused for their content
 * (a stale version, an unknown id or purpose) where doing it would change a fixture.
 */
const REQUESTS: Record<string, (fixture: string, h: Helpers) => Req> = {
  'POST /api/v1/auth/login': () => ({ body: { username: 'no_such_user', password: 'x' } }),
  'POST /api/v1/auth/oidc/session': () => ({ body: { code: 'matrix' } }),
  'POST /api/v1/auth/logout': () => ({ fresh: true }),
  'POST /api/v1/auth/password': () => ({ body: { currentPassword: PASSWORD, newPassword: 'x' }, fresh: true }),
  'POST /api/v1/auth/api-keys': () => ({ body: { name: 'matrix' } }),
  'PUT /api/v1/orgs/{code}/officers': () => ({ body: { chief: 'no_such_user', stewards: [] } }),
  'POST /api/v1/admin/users': () => ({ body: { username: 'matrix_probe', displayName: '矩阵', roles: ['auditor'] } }),
  'PATCH /api/v1/admin/users/{username}': () => ({ body: { displayName: '矩阵' } }),
  'POST /api/v1/admin/users/{username}/reset-password': () => ({ body: {} }),
  'POST /api/v1/admin/orgs': () => ({
    body: { code: 'MATRIX', name: '矩阵测试机构', kind: 'department', division: '370102' },
  }),
  'PATCH /api/v1/admin/orgs/{code}': () => ({ body: { division: '370100' } }),
  'POST /api/v1/enterprises': () => ({
    body: { creditCode: UNBOUND_FIRM, name: '矩阵测试企业', representative: 'no_such_user' },
  }),
  'POST /api/v1/enterprises/{creditCode}/agents': () => ({ body: { username: 'no_such_user' } }),
  'POST /api/v1/catalog/resources': () => ({ body: RESOURCE_INPUT }),
  'PUT /api/v1/catalog/resources/{code}': () => ({ body: { ...RESOURCE_INPUT, baseVersion: NONE } }),
  'POST /api/v1/catalog/resources/{code}/return': () => ({ body: { reason: '矩阵测试' } }),
  'POST /api/v1/catalog/suggest': () => ({ body: { category: 'department', keyField: 'id', fields: [] } }),
  'GET /api/v1/catalog/export': () => ({ query: { format: 'csv' } }),
  'POST /api/v1/catalog/import': () => ({ form: [{ name: 'file', value: 'not a workbook', filename: 'c.xlsx' }] }),
  'POST /api/v1/ingest/jobs': (code) => ({
    form: [
      { name: 'resource', value: code },
      { name: 'file', value: '', filename: 'empty.csv' },
    ],
  }),
  'GET /api/v1/ingest/quality-trend': (code) => ({ query: { resource: code } }),
  'GET /api/v1/ingest/lineage': (code) => ({ query: { resource: code, key: 'no_such_key' } }),
  'GET /api/v1/ingest/mapping': (code) => ({ query: { resource: code } }),
  'PUT /api/v1/ingest/mapping': (code) => ({ body: { resource: code, columns: { 列: 'no_such_field' } } }),
  'POST /api/v1/ingest/mapping/suggest': (code) => ({ body: { resource: code, header: ['列'] } }),
  'POST /api/v1/ingest/schedules': (code) => ({
    body: { resource: code, source: { kind: 'http', url: 'http://127.0.0.1:9/none' }, cron: '30 2 * * *' },
  }),
  'PATCH /api/v1/ingest/schedules/{id}': () => ({ body: { enabled: false } }),
  'PUT /api/v1/base/labels/{code}': () => ({ body: { name: '矩阵', kind: 'person', rule: {} } }),
  'POST /api/v1/base/conflicts/{id}/resolve': () => ({ body: { keep: 'other', note: '矩阵测试' } }),
  'POST /api/v1/base/conflicts/{id}/dismiss': () => ({ body: { note: '矩阵测试' } }),
  'PUT /api/v1/base/authority': () => ({ body: { kind: 'person', element: 'person_name', provider: 'ZZZZ' } }),
  'POST /api/v1/grants/': (code) => ({
    body: { consumer: 'JNMZJ', resource: code, fields: ['name'], purposes: ['no_such_purpose'] },
  }),
  'POST /api/v1/purposes/': () => ({ body: { code: 'social_assistance', name: '社会救助', description: '' } }),
  'POST /api/v1/services/': (code) => ({ body: { resource: code } }),
  'GET /api/v1/services/{code}/records': (_, h) => ({ query: { key: h.personKey, purpose: 'social_assistance' } }),
  'POST /api/v1/services/{code}/records/batch': (_, h) => ({
    body: { keys: [h.personKey], purpose: 'social_assistance' },
  }),
  'POST /api/v1/monitoring/exports/identify': () => ({
    form: [{ name: 'file', value: 'a,b\n1,2\n', filename: 'leak.csv' }],
  }),
  'POST /api/v1/demands': () => ({
    body: { resource: ENTERPRISE, fields: ['no_such_field'], purposes: ['statistics'], purpose: '矩阵测试' },
  }),
  'POST /api/v1/demands/{id}/refuse': () => ({ body: { reason: '矩阵测试' } }),
  'POST /api/v1/demands/{id}/assign': () => ({ body: { org: 'JNRSJ' } }),
  'POST /api/v1/demands/{id}/fulfil': () => ({ body: { resource: ENTERPRISE, fields: ['name'] } }),
  'POST /api/v1/demands/{id}/reject-basis': () => ({ body: { reason: '矩阵测试' } }),
  'PUT /api/v1/resources/{code}/quality-rules': () => ({ body: { rules: [], baseVersion: NONE } }),
  'POST /api/v1/corrections': (code, h) => ({
    body: { resource: code, key: h.personKey, field: 'name', claimedValue: '矩阵' },
  }),
  'POST /api/v1/corrections/{id}/accept': () => ({ body: {} }),
  'POST /api/v1/corrections/{id}/reject': () => ({ body: { reason: '矩阵测试' } }),
  'POST /api/v1/consents/': () => ({ body: consentRequest('no_such_purpose') }),
  'POST /api/v1/consents/bulk': () => {
    const { subject, ...request } = consentRequest('no_such_purpose');
    return { body: { subjects: [subject], request } };
  },
  'POST /api/v1/consents/{id}/reject': () => ({ body: {} }),
  'POST /api/v1/consents/{id}/pause': () => ({ body: {} }),
  'POST /api/v1/attestations/items': () => ({
    body: {
      code: 'matrix_probe',
      name: { 'zh-CN': '矩阵', en: 'Matrix' },
      provider: 'ZZZZ',
      subjectKind: 'person',
      rule: {},
    },
  }),
  'PUT /api/v1/attestations/items/{code}': () => ({ body: { rule: {}, baseVersion: 1 } }),
  'POST /api/v1/attestations/rules/check': () => ({ body: { subjectKind: 'person', rule: {} } }),
  'POST /api/v1/attestations/': (_, h) => ({
    body: { item: 'no_such_item', subject: h.personKey, purpose: 'eligibility_check', legalBasis: '矩阵测试依据' },
  }),
  'POST /api/v1/attestations/verify': () => ({ body: { statement: {}, signature: 'x' } }),
  // An unknown type: an allowed officer is refused for the content, nothing is issued.
  'POST /api/v1/licences': () => ({
    body: { type: 'NOSUCH', holder: { kind: 'person', id: '370102199001011231' }, fields: {} },
  }),
  'POST /api/v1/licences/{id}/revise': () => ({ body: { fields: {} } }),
  'POST /api/v1/licences/{id}/revoke': () => ({ body: { reason: '矩阵测试' } }),
  'POST /api/v1/licences/{id}/presentations': () => ({ body: {} }),
  'POST /api/v1/presentations/verify': () => ({ body: { token: 'matrix' } }),
  'POST /api/3/action/{action}': () => ({ body: { id: 'matrix-0001' } }),
  'POST /api/v1/cascade/nodes/{nodeId}/sync': () => ({}),
  // The portal's developer accounts: public, each route checks the developer's own session.
  'POST /api/v1/open/developers': () => ({
    body: { name: '矩阵测试', email: 'matrix@example.com', password: 'matrix password' },
  }),
  'POST /api/v1/open/developers/login': () => ({ body: { email: 'matrix@example.com', password: 'matrix password' } }),
  'POST /api/v1/open/developers/me/keys': () => ({ body: { name: '矩阵测试' } }),
  'POST /api/v1/open/developers/me/applications': () => ({
    body: { dataset: 'matrix-0001', purpose: '矩阵测试', use: '矩阵测试', security: '矩阵测试' },
  }),
  'POST /api/v1/open/developers/me/ratings': () => ({ body: { dataset: 'matrix-0001', rating: 3, comment: '矩阵' } }),
  'POST /api/v1/open/ratings/{id}/answer': (code) => ({ body: { resource: code, answer: '矩阵测试' } }),
  // No such rating: an operator is answered 404, nothing is decided or written to the ledger.
  'POST /api/v1/open/comments/{id}/moderation': () => ({ body: { approve: false, reason: '矩阵测试' } }),
  'POST /api/v1/open/developers/me/error-reports': () => ({
    body: { dataset: 'matrix-0001', key: '1', field: 'name', wrong: '矩阵', correct: '矩阵测试' },
  }),
  'POST /api/v1/open/developers/me/dataset-requests': () => ({ body: { need: '矩阵测试', purpose: '矩阵测试' } }),
  // No such application: an allowed officer is answered 404, nothing is decided.
  'POST /api/v1/open/applications/{id}/decision': (code) => ({
    body: { resource: code, approve: false, reason: '矩阵测试' },
  }),
  // An empty document: an operator is refused for the content (422), nothing is stored.
  'PUT /api/v1/cockpit/dashboards/{id}': () => ({ body: { version: 1, doc: {} } }),
  // Well-formed, but with keys that sign nothing: refused (401 CAS_SIGNATURE_INVALID), nothing stored.
  'POST /api/v1/cascade/enrol': () => ({
    body: {
      token: 'qdhe_matrix_token',
      nodeId: '370102-000000000000',
      division: '370102',
      url: 'http://127.0.0.1:9',
      publicKeys: { sm2: `04${'1'.repeat(128)}`, ed25519: 'not a key' },
      proof: 'sm2=AA==, ed25519=AA==',
    },
  }),
  // Between nodes: unsigned, refused before the body is looked at (401 CAS_UNSIGNED).
  'POST /api/v1/cascade/link/witness': () => ({ body: {} }),
  'POST /api/v1/cascade/link/alerts': () => ({ body: {} }),
  'POST /api/v1/cascade/witness': () => ({}),
  // A token for a district of Jinan: an operator gets one (201), nothing else happens.
  'POST /api/v1/cascade/tokens': () => ({ body: { division: '370102' } }),
  'GET /api/v1/ledger/proof/inclusion': () => ({ query: { index: 0 } }),
  'GET /api/v1/ledger/proof/consistency': () => ({ query: { first: 1, second: 2 } }),
  'GET /api/v1/ledger/entries': () => ({ query: { start: 0, end: 1 } }),
  // Takes no input: on this city node an operator is refused for the role (409), nothing is pulled.
  'POST /api/v1/cascade/return/pull': () => ({}),
  // Push up (归集): the seeded hub is a city, so an allowed operator is refused for the role (409).
  'POST /api/v1/cascade/pushes': () => ({ body: { resource: 'ZZZZ-9999', target: 'ZZZZ-9999' } }),
  'POST /api/v1/cascade/link/records': () => ({
    body: { code: 'ZZZZ-9999', keys: ['x'], fields: ['x'], masked: [], purpose: 'x', org: null, grant: null },
  }),
  'POST /api/v1/cascade/link/push/batches': () => ({
    body: {
      push: '00000000-0000-4000-8000-000000000000',
      run: '00000000-0000-4000-8000-000000000000',
      seq: 1,
      target: 'ZZZZ-9999',
      fields: ['key'],
      rows: [],
    },
  }),
};
