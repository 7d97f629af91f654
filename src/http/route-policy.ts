import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Action } from '../access/index.js';

/**
 * Where the organization that answers for a route's target comes from, for the policy's
 * own/other comparison (`Target.ownerOrg` in src/access/authorize.ts):
 * - `none`: the rule does not look at an organization;
 * - `caller`: the caller's own organization (it registers for it, or lists what it holds);
 * - `resource`: the provider of the resource the request names (`:code`, `?resource=` or body `resource`);
 * - `job`, `schedule`, `correction`: the provider of the resource the job, schedule or correction is about;
 * - `demand`: both parties of the demand, its consumer and its resource's provider;
 * - `demand-provider`: the provider of the demand's resource alone;
 * - `org`: the organization the path names (`/orgs/:code/…`);
 * - `subject`: no organization — whether the caller is the person the key names;
 * - `enterprise`: no organization — whether the caller is the legal representative of the enterprise
 *   the path names (`/enterprises/:creditCode/…`).
 */
export type TargetSource =
  | 'none'
  | 'caller'
  /** The caller's own data as a data subject (a citizen's own records and entries). */
  | 'self'
  | 'resource'
  | 'job'
  | 'schedule'
  | 'correction'
  | 'demand'
  | 'demand-provider'
  | 'org'
  | 'subject'
  /** A consent: its requester's organization, and whether the caller is its subject (or acts for it). */
  | 'consent'
  /** An enterprise account: whether the caller is its legal representative. */
  | 'enterprise'
  /** A licence: its issuer department (the holder's routes are `self`, checked as data). */
  | 'licence';

/**
 * How one HTTP operation is guarded:
 * - `public`: anyone, marked `config: { public: true }` on the route (src/http/public-routes.ts);
 * - `account`: any signed-in caller, acting on its own account or reading a list the service
 *   narrows to what the caller may see;
 * - `action`: the policy action that guards it — or several, any of which lets the caller in —
 *   and where its target organization comes from.
 *   `hides`: a caller the policy denies is told the target does not exist (404), not 403, so
 *   that ids of other organizations' demands and corrections cannot be probed.
 *   `deniedAs`: the 403 code a denied caller receives where it is not ACC_FORBIDDEN — a refusal
 *   the data path records on the ledger with its own code.
 */
export type RoutePolicy =
  | { public: true }
  | { account: true; recorded?: true }
  | {
      action: Action | readonly Action[];
      target: TargetSource;
      hides?: true;
      deniedAs?: 'SHR_NO_GRANT';
      recorded?: true;
    };

/** What a rule may add: see RoutePolicy, and `recorded` below. */
interface RuleMarks {
  hides?: true;
  deniedAs?: 'SHR_NO_GRANT';
  /**
   * The answer can hold personal or non-open data, so the handler reads it through share's one
   * recorded read (src/share/recorded-read.ts). The authorization matrix test fails on a route
   * not marked so whose answer holds a citizen ID in clear, and the recorded-read test drives
   * every route marked so and counts its ledger entries.
   */
  recorded?: true;
}

const open = { public: true } as const;
const account = { account: true } as const;
const rule = (action: Action | readonly Action[], target: TargetSource = 'none', more: RuleMarks = {}) =>
  ({ action, target, ...more }) as const;
const recorded = { recorded: true } as const;

/**
 * Every HTTP operation of the hub, keyed "METHOD /path/{param}" as the OpenAPI document names it.
 * `checkRoutePolicy` refuses to start a hub with a route missing here, and the authorization
 * matrix test (test/integration/authz-matrix.test.ts) drives each entry against the policy.
 */
export const ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  'GET /healthz': open,
  'GET /metrics': open,
  'GET /api/openapi.json': open,

  'POST /api/v1/auth/login': open,
  // Login through the unified identity (docs/oidc.md): public as the password login is.
  'GET /api/v1/auth/oidc': open,
  'GET /api/v1/auth/oidc/start': open,
  'GET /api/v1/auth/oidc/callback': open,
  'POST /api/v1/auth/oidc/session': open,
  'POST /api/v1/auth/logout': account,
  'POST /api/v1/auth/password': account,
  'GET /api/v1/auth/me': account,
  'POST /api/v1/auth/api-keys': account,
  'POST /api/v1/auth/users/{username}/disable': rule('user:manage'),
  'POST /api/v1/auth/users/{username}/enable': rule('user:manage'),

  'GET /api/v1/admin/users': rule('user:list'),
  'POST /api/v1/admin/users': rule(['user:manage', 'user:assign-roles']),
  'PATCH /api/v1/admin/users/{username}': rule('user:manage'),
  'POST /api/v1/admin/users/{username}/reset-password': rule('user:reset-password'),
  'GET /api/v1/admin/orgs': rule('user:list'),
  'POST /api/v1/admin/orgs': rule('org:manage'),
  'PATCH /api/v1/admin/orgs/{code}': rule('org:manage'),

  // Enterprise accounts (#16): operators bind them; the legal representative appoints agents.
  'GET /api/v1/me/enterprises': rule('enterprise:read-own', 'self'),
  'GET /api/v1/enterprises': rule('enterprise:list-all'),
  'POST /api/v1/enterprises': rule('enterprise:bind'),
  'GET /api/v1/enterprises/{creditCode}/agents': rule('enterprise:read-agents', 'enterprise'),
  'POST /api/v1/enterprises/{creditCode}/agents': rule('enterprise:appoint-agents', 'enterprise'),
  'POST /api/v1/enterprises/{creditCode}/agents/{username}/revoke': rule('enterprise:revoke-agents', 'enterprise'),

  'GET /api/v1/orgs': rule('org:read'),
  'GET /api/v1/stats': rule('stats:read'),
  'GET /api/v1/tasks': rule('tasks:read'),
  'GET /api/v1/orgs/{code}/officers': rule('org:read', 'org'),
  'PUT /api/v1/orgs/{code}/officers': rule('officers:manage', 'org'),

  'GET /api/v1/catalog/resources': rule('catalog:read'),
  'POST /api/v1/catalog/resources': rule('catalog:register', 'caller'),
  'GET /api/v1/catalog/resources/{code}': rule('catalog:read', 'resource'),
  'PUT /api/v1/catalog/resources/{code}': rule('catalog:edit', 'resource'),
  'POST /api/v1/catalog/resources/{code}/submit': rule('catalog:submit', 'resource'),
  'POST /api/v1/catalog/resources/{code}/approve': rule('catalog:review', 'resource'),
  'POST /api/v1/catalog/resources/{code}/return': rule('catalog:review', 'resource'),
  'POST /api/v1/catalog/resources/{code}/publish': rule('catalog:publish', 'resource'),
  'GET /api/v1/catalog/resources/{code}/versions': rule('catalog:read', 'resource'),
  'GET /api/v1/catalog/resources/{code}/versions/{version}': rule('catalog:read', 'resource'),
  // Without `key` a page of the provider's records; with `key` one subject, as the data services answer.
  'GET /api/v1/catalog/resources/{code}/records': rule('records:browse', 'resource', recorded),
  'GET /api/v1/catalog/data-elements': rule('catalog:read'),
  'POST /api/v1/catalog/suggest': rule('catalog:read'),
  'GET /api/v1/catalog/template.xlsx': rule('catalog:read'),
  'GET /api/v1/catalog/export': rule('catalog:export'),
  'POST /api/v1/catalog/import': rule('catalog:register', 'caller'),
  'GET /api/v1/catalog/asset-map': rule('catalog:read'),
  'GET /api/v1/catalog/indicators': rule('catalog:indicators'),

  'POST /api/v1/ingest/jobs': rule('ingest:upload', 'resource'),
  // Without `?resource=`: every job for operators, the caller's organization's for its officers.
  'GET /api/v1/ingest/jobs': rule('ingest:read', 'caller'),
  'GET /api/v1/ingest/jobs/{id}': rule('ingest:read', 'job'),
  'GET /api/v1/ingest/jobs/{id}/rejects': rule('records:browse', 'job'),
  'GET /api/v1/ingest/jobs/{id}/quality': rule('ingest:read', 'job'),
  'POST /api/v1/ingest/jobs/{id}/release': rule('ingest:decide-held', 'job'),
  'POST /api/v1/ingest/jobs/{id}/discard': rule('ingest:decide-held', 'job'),
  'GET /api/v1/ingest/quality-trend': rule('ingest:read', 'resource'),
  'GET /api/v1/ingest/lineage': rule('ingest:read', 'resource'),
  'GET /api/v1/ingest/mapping': rule('ingest:read', 'resource'),
  'PUT /api/v1/ingest/mapping': rule('ingest:run', 'resource'),
  'POST /api/v1/ingest/mapping/suggest': rule('ingest:read', 'resource'),
  'GET /api/v1/ingest/schedules': rule('ingest:read', 'caller'),
  'POST /api/v1/ingest/schedules': rule('ingest:schedule', 'resource'),
  'PATCH /api/v1/ingest/schedules/{id}': rule('ingest:schedule', 'schedule'),
  'DELETE /api/v1/ingest/schedules/{id}': rule('ingest:schedule', 'schedule'),
  'POST /api/v1/ingest/schedules/{id}/run': rule('ingest:schedule', 'schedule'),
  // Lists the named connections the caller may use (ingest:use-connection, each by its owner).
  'GET /api/v1/ingest/connections': account,

  'GET /api/v1/base/{kind}/subjects/{key}': rule('base:read-subjects', 'subject', recorded),
  'GET /api/v1/base/labels': rule('base:read'),
  'PUT /api/v1/base/labels/{code}': rule('base:govern'),
  'GET /api/v1/base/labels/{code}/members': rule('base:read-subjects', 'none', recorded),
  'GET /api/v1/base/conflicts': rule('base:read-subjects', 'none', recorded),
  'POST /api/v1/base/conflicts/{id}/resolve': rule('base:review'),
  'POST /api/v1/base/conflicts/{id}/dismiss': rule('base:review'),
  'GET /api/v1/base/authority': rule('base:read'),
  'PUT /api/v1/base/authority': rule('base:govern'),
  'GET /api/v1/base/accuracy': rule('base:read'),
  'GET /api/v1/base/overview': rule('base:read'),

  // Every grant for operators and auditors (grant:list-all); an organization's own otherwise.
  'GET /api/v1/grants/': account,
  'POST /api/v1/grants/': rule('grant:manage'),
  'POST /api/v1/grants/{id}/suspend': rule('grant:manage'),
  'POST /api/v1/grants/{id}/resume': rule('grant:manage'),
  'POST /api/v1/grants/{id}/revoke': rule('grant:manage'),
  'GET /api/v1/purposes/': rule('purpose:read'),
  'POST /api/v1/purposes/': rule('purpose:manage'),

  // In the demo, each service's sample key is a real subject's: a recorded read of that subject.
  'GET /api/v1/services/': rule('service:list', 'none', recorded),
  'POST /api/v1/services/': rule('service:publish', 'resource'),
  'GET /api/v1/services/{code}/openapi.json': rule('service:list'),
  'GET /api/v1/services/{code}/records': rule('records:lookup', 'none', { deniedAs: 'SHR_NO_GRANT', ...recorded }),
  'POST /api/v1/services/{code}/records/batch': rule('records:lookup', 'none', {
    deniedAs: 'SHR_NO_GRANT',
    ...recorded,
  }),
  'GET /api/v1/monitoring/usage': rule('monitoring:read'),
  'GET /api/v1/monitoring/alerts': rule('monitoring:read'),
  'POST /api/v1/monitoring/alerts/{id}/acknowledge': rule('alerts:acknowledge'),
  'POST /api/v1/monitoring/exports/identify': rule('monitoring:read'),

  'POST /api/v1/demands': rule('demand:file', 'caller'),
  // Every demand for operators and auditors (demand:list-all); those the caller's organization is party to otherwise.
  'GET /api/v1/demands': account,
  'GET /api/v1/demands/ledger.xlsx': rule('demand:export'),
  'GET /api/v1/demands/{id}': rule('demand:read', 'demand', { hides: true }),
  'POST /api/v1/demands/{id}/confirm': rule('demand:confirm', 'demand-provider', { hides: true }),
  'POST /api/v1/demands/{id}/fulfil': rule('demand:confirm', 'demand-provider', { hides: true }),
  'POST /api/v1/demands/{id}/refuse': rule('demand:refuse', 'demand-provider', { hides: true }),
  'POST /api/v1/demands/{id}/publish': rule('demand:publish', 'demand-provider', { hides: true }),
  'POST /api/v1/demands/{id}/assign': rule('demand:assign', 'none', { hides: true }),
  'POST /api/v1/demands/{id}/accept-basis': rule('demand:review-basis', 'none', { hides: true }),
  'POST /api/v1/demands/{id}/reject-basis': rule('demand:review-basis', 'none', { hides: true }),

  'GET /api/v1/resources/{code}/quality-rules': rule('catalog:read', 'resource'),
  'PUT /api/v1/resources/{code}/quality-rules': rule('quality:edit-rules', 'resource'),
  // Operators report on any record, consumers and officers on other organizations' (their grant is
  // then checked as data), a citizen on the records about them.
  'POST /api/v1/corrections': rule(
    ['quality:report-any-record', 'quality:report-granted', 'quality:report-own-record'],
    'resource',
  ),
  // Every correction for operators and auditors; those the caller reported, answers for or is the subject of otherwise.
  'GET /api/v1/corrections': rule('quality:read-corrections', 'none', recorded),
  'GET /api/v1/corrections/{id}': rule('quality:read-corrections', 'none', recorded),
  // The decision's own ledger entry names the subject whose key the answer shows.
  'POST /api/v1/corrections/{id}/accept': rule('quality:decide', 'correction', { hides: true, ...recorded }),
  'POST /api/v1/corrections/{id}/reject': rule('quality:decide', 'correction', { hides: true, ...recorded }),
  'GET /api/v1/quality/indicators': rule('quality:indicators'),

  'GET /api/v1/ledger/head': open,
  'GET /api/v1/ledger/heads': open,
  'GET /api/v1/ledger/heads/recent': open,
  'GET /api/v1/ledger/key': open,
  'GET /api/v1/ledger/proof/inclusion': open,
  'GET /api/v1/ledger/proof/consistency': open,
  // With `?subject=me` a citizen's own entries; a caller who is no citizen is refused.
  'GET /api/v1/ledger/entries': rule('ledger:read-entries'),
  'GET /api/v1/me/usage': rule('ledger:read-own-entries', 'self'),
  // The month of those reads in figures, as JSON and as an image; the ID in the image is masked.
  'GET /api/v1/me/usage/digest': rule('ledger:read-own-entries', 'self'),
  'GET /api/v1/me/usage/digest.svg': rule('ledger:read-own-entries', 'self'),
  'GET /api/v1/me/records': rule('base:read-own', 'self', recorded),
  'GET /api/v1/ledger/search': rule('ledger:read-entries'),

  'POST /api/v1/consents/': rule('consent:request', 'caller'),
  'POST /api/v1/consents/bulk': rule('consent:request', 'caller'),
  // role=subject: the caller's own (or its enterprises'); role=requester: its organization's; role=all: consent:list-all.
  'GET /api/v1/consents/': account,
  'GET /api/v1/consents/{id}': rule('consent:read', 'consent'),
  'POST /api/v1/consents/{id}/approve': rule('consent:decide', 'consent'),
  'POST /api/v1/consents/{id}/reject': rule('consent:decide', 'consent'),
  'POST /api/v1/consents/{id}/pause': rule('consent:decide', 'consent'),
  'POST /api/v1/consents/{id}/resume': rule('consent:decide', 'consent'),
  'POST /api/v1/consents/{id}/revoke': rule('consent:decide', 'consent'),
  'GET /api/v1/consents/{id}/data': rule('consent:fetch', 'consent', recorded),
  // Proof-free attestations (docs/attest.md). An answer is a signed yes or no, never the data: not a
  // recorded read, its own `attest.answered` entry records the question. Items are managed for the
  // caller's own department (operators: any); the item's department is checked once it is read.
  'GET /api/v1/attestations/items': rule('attest:read'),
  'GET /api/v1/attestations/items/{code}': rule('attest:read'),
  'POST /api/v1/attestations/items': rule('attest:manage', 'caller'),
  'PUT /api/v1/attestations/items/{code}': rule('attest:manage', 'caller'),
  'POST /api/v1/attestations/rules/check': rule('attest:manage', 'caller'),
  'POST /api/v1/attestations/': rule('attest:ask'),
  'POST /api/v1/attestations/verify': open,
  'GET /api/v1/attestations/stats': rule('attest:stats'),
  'GET /api/v1/ledger/export': rule('ledger:read-entries'),

  // E-licences (#17, docs/licence.md). The holder's routes check, as data, that the caller holds the
  // licence (or acts for the enterprise that does) and answer 404 otherwise.
  'GET /api/v1/licences/types': account,
  // The caller's own licences and its enterprises'; none for an account that holds none.
  'GET /api/v1/licences': account,
  'GET /api/v1/licences/issued': rule('licence:read-issued', 'caller'),
  'GET /api/v1/licences/stats': rule('licence:stats'),
  'POST /api/v1/licences': rule('licence:issue', 'caller'),
  'POST /api/v1/licences/{id}/revise': rule('licence:issue', 'licence', { hides: true }),
  'POST /api/v1/licences/{id}/revoke': rule('licence:revoke', 'licence', { hides: true }),
  'POST /api/v1/licences/{id}/presentations': rule('licence:hold', 'self'),
  'GET /api/v1/licences/{id}/credential': rule('licence:hold', 'self'),
  // Anyone verifies a presentation (核验) and reads what a credential's verifier needs.
  'POST /api/v1/presentations/verify': open,
  'GET /api/v1/licences/status-lists/{list}': open,
  'GET /.well-known/jwks.json': open,
  'GET /.well-known/did.json': open,
  // The open-data portal (#18, docs/open.md): anyone reads the open datasets, in CKAN's API and DCAT.
  'GET /api/3/action/{action}': open,
  'POST /api/3/action/{action}': open,
  'GET /open/datasets/{name}/{file}': open,
  // Developer accounts are not hub users: these routes check the developer's own session themselves.
  'POST /api/v1/open/developers': open,
  'POST /api/v1/open/developers/login': open,
  'POST /api/v1/open/developers/logout': open,
  'GET /api/v1/open/developers/me': open,
  'POST /api/v1/open/developers/me/keys': open,
  'DELETE /api/v1/open/developers/me/keys/{id}': open,
  'GET /api/v1/open/conditional-datasets': open,
  'GET /api/v1/open/developers/me/applications': open,
  'POST /api/v1/open/developers/me/applications': open,
  // Conditional open: the providing department's officers answer for their own entries, operators for all.
  'GET /api/v1/open/applications': rule('catalog:publish', 'caller'),
  // The target is the entry the catalog names (its provider decides): a dataset that is not (or no
  // longer) open or conditional is not found before its provider is asked for.
  'POST /api/v1/open/applications/{id}/decision': rule('catalog:publish', 'resource', { hides: true }),
  // Ratings and comments (好差评): anyone reads them, developers give them, the provider answers.
  'GET /api/v1/open/datasets/{name}/ratings': open,
  'POST /api/v1/open/developers/me/ratings': open,
  'GET /api/v1/open/ratings': rule('catalog:publish', 'caller'),
  'POST /api/v1/open/ratings/{id}/answer': rule('catalog:publish', 'resource', { hides: true }),
  'GET /api/v1/open/developers/me/ratings': open,
  // Comments are reviewed before they are shown (先审后发) by the platform's operators, not the provider.
  'GET /api/v1/open/comments': rule('open:moderate'),
  'POST /api/v1/open/comments/{id}/moderation': rule('open:moderate'),
  // Error reports and requests for data: developers file them (corrections and demands filed by
  // the portal, decided in those workflows by their policies), read their own; answered requests are public.
  'POST /api/v1/open/developers/me/error-reports': open,
  'GET /api/v1/open/developers/me/error-reports': open,
  'POST /api/v1/open/developers/me/dataset-requests': open,
  'GET /api/v1/open/developers/me/dataset-requests': open,
  'GET /api/v1/open/dataset-requests': open,
  'GET /catalog': open,
  'GET /catalog.ttl': open,
  'GET /catalog.rdf': open,
  'GET /catalog.jsonld': open,
  'GET /data.json': open,

  // 驾驶舱 (#19, docs/cockpit.md). A department's figures (?org=) and the rows behind a figure are
  // checked against cockpit:read-department for that department once the request is read.
  'GET /api/v1/cockpit/indicators': rule('cockpit:read'),
  'GET /api/v1/cockpit/indicators/{code}/rows': rule('cockpit:read'),
  'GET /api/v1/cockpit/ranking': rule('cockpit:read'),
  'GET /api/v1/cockpit/report.pdf': rule('cockpit:read'),
  'GET /api/v1/cockpit/dashboards': rule('cockpit:read'),
  'GET /api/v1/cockpit/dashboards/{id}': rule('cockpit:read'),
  'PUT /api/v1/cockpit/dashboards/{id}': rule('cockpit:edit-dashboards'),
  'GET /api/v1/cockpit/dashboards/{id}/data': rule('cockpit:read'),
  // 级联 (#20, docs/cascade.md). A node's card and enrolment (by one-time token) are public; the
  // routes under /link are called by other nodes, each request checked against the signatures of
  // a node enrolled here (src/http/node-signed.ts) in place of a person's credential.
  'GET /api/v1/cascade/node': open,
  'POST /api/v1/cascade/enrol': open,
  'GET /api/v1/cascade/nodes': rule('cascade:read'),
  'POST /api/v1/cascade/tokens': rule('cascade:manage'),
  'GET /api/v1/cascade/link/ping': open,
  'POST /api/v1/cascade/witness': rule('cascade:manage'),
  'GET /api/v1/cascade/alerts': rule('cascade:read'),
  'POST /api/v1/cascade/link/witness': open,
  'POST /api/v1/cascade/link/alerts': open,
  'GET /api/v1/ledger/witnessed': open,
  // The federated catalog: a district answers its parent only (CAS_NOT_PARENT); operators sync on demand.
  'GET /api/v1/cascade/link/catalog/changes': open,
  'POST /api/v1/cascade/nodes/{nodeId}/sync': rule('cascade:manage'),
  // 数据返还: the city answers a signed district with its own slice only; a district pulls and shows counts.
  'GET /api/v1/cascade/link/return/{base}': open,
  'POST /api/v1/cascade/return/pull': rule('cascade:manage'),
  'GET /api/v1/cascade/return': rule('cascade:read'),
  // Push up (归集): a district's operators define and run its pushes; the city takes signed batches.
  'POST /api/v1/cascade/pushes': rule('cascade:manage'),
  'GET /api/v1/cascade/pushes': rule('cascade:read'),
  'GET /api/v1/cascade/pushes/{id}': rule('cascade:read'),
  'POST /api/v1/cascade/pushes/{id}/run': rule('cascade:manage'),
  'POST /api/v1/cascade/link/push/batches': open,
  // A grant on a district's resource, served through the city: the district answers its parent only.
  'POST /api/v1/cascade/link/records': open,
  'GET /api/v1/cockpit/dashboards/{id}/data.xlsx': rule('cockpit:read'),
};

/** "GET /api/v1/catalog/resources/{code}" for Fastify's "/api/v1/catalog/resources/:code". */
export function routeKey(method: string, url: string): string {
  return `${method} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

/**
 * Refuses to start a hub whose routes and ROUTE_POLICY disagree: a route without an entry (unless
 * public — the docs UI and web app files are), an entry without a route, or a public mark on
 * one side only. Checked when the app is ready, after every plugin has set its routes' config.
 */
export function checkRoutePolicy(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    const problems = routePolicyProblems(routes);
    if (problems.length > 0) throw new Error(`route policy (src/http/route-policy.ts): ${problems.join('; ')}`);
  });
}

function routePolicyProblems(routes: readonly RouteOptions[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    for (const method of [route.method].flat()) {
      // HEAD runs the GET route's handler and hooks; OPTIONS is the CORS preflight, public in isPublicRoute.
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      const key = routeKey(method, route.url);
      seen.add(key);
      const entry = ROUTE_POLICY[key];
      const isPublic = route.config?.public === true;
      if (entry === undefined && !isPublic) problems.push(`${key} has no entry`);
      else if (entry !== undefined && 'public' in entry !== isPublic) {
        problems.push(
          `${key} is ${isPublic ? '' : 'not '}marked public on the route but ${isPublic ? 'not ' : ''}here`,
        );
      }
    }
  }
  for (const key of Object.keys(ROUTE_POLICY)) if (!seen.has(key)) problems.push(`${key} has no route`);
  return problems;
}
