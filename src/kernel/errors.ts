import {
  PROBLEM_TITLES_ZH,
  english,
  msg,
  render,
  type Language,
  type Message,
  type MessageKey,
  type Params,
  type Texts,
} from './messages/index.js';

/**
 * One catalogue of every error the hub can return, in the manner of Fastify's lib/errors.js:
 * each code has its HTTP status and a message template, so that the HTTP layer maps any
 * HubError to an RFC 9457 problem in exactly one place and docs can list the codes.
 * Modules add their codes here under their own prefix (ACC_, CAT_, REC_, ING_, SHR_, LED_, BAS_,
 * QLT_, PUR_, CNS_, ATT_), one group per module: a module answers its own states (not found, wrong state,
 * conflict) with its own codes, so that a client can tell them apart; KRN_ is for the edge.
 */
export const ERROR_CATALOGUE = {
  // kernel: conditions at the edge that belong to no module (input shape, size, time, configuration)
  KRN_VALIDATION: { status: 422, title: 'Invalid input' },
  KRN_BAD_REQUEST: { status: 400, title: 'Bad request' },
  KRN_PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  KRN_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body is not of a type this route takes' },
  KRN_REQUEST_TIMEOUT: { status: 408, title: 'The request body did not arrive in time' },
  KRN_NOT_FOUND: { status: 404, title: 'Not found' },
  KRN_CONFIG: { status: 500, title: 'Invalid configuration' },
  KRN_INTERNAL: { status: 500, title: 'Internal error' },
  KRN_UNAVAILABLE: { status: 503, title: 'The database cannot be reached for a moment: try again shortly' },
  // access: who the caller is and what they may do, and the accounts themselves
  ACC_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  ACC_BAD_CREDENTIALS: { status: 401, title: 'Wrong user name or password' },
  ACC_FORBIDDEN: { status: 403, title: 'Not permitted' },
  ACC_RATE_LIMITED: { status: 429, title: 'Too many attempts' },
  ACC_USER_NOT_FOUND: { status: 404, title: 'No such user' },
  ACC_USER_EXISTS: { status: 409, title: 'A user with this name exists' },
  ACC_NOT_A_SESSION: { status: 400, title: 'Only a token session can be logged out of' },
  ACC_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    title: 'The password was set by an operator: choose a new one to log in',
  },
  ACC_WEAK_PASSWORD: { status: 422, title: 'The new password does not meet the password rules' },
  ACC_OWN_ACCOUNT: {
    status: 409,
    title: 'Operators cannot disable their own account or take away their own operator role',
  },
  ACC_ORG_NOT_FOUND: { status: 404, title: 'No such organization' },
  ACC_ORG_EXISTS: { status: 409, title: 'An organization with this code exists' },
  ACC_OIDC_NOT_CONFIGURED: { status: 404, title: 'Login through the unified identity is not configured on this hub' },
  ACC_OIDC_UNAVAILABLE: { status: 502, title: 'The unified identity provider cannot be reached' },
  ACC_OIDC_FAILED: { status: 401, title: 'The login through the unified identity did not succeed' },
  ACC_OIDC_NO_CITIZEN_ID: { status: 403, title: 'The unified identity named no valid citizen ID' },
  ACC_ENTERPRISE_NOT_FOUND: { status: 404, title: 'No such enterprise account' },
  ACC_AGENT_NOT_FOUND: { status: 404, title: 'No such agent of the enterprise' },
  // catalog: resources and their registration
  CAT_RESOURCE_NOT_FOUND: { status: 404, title: 'No such catalog resource' },
  CAT_VERSION_NOT_FOUND: { status: 404, title: 'The resource has no such published version' },
  CAT_VERSION_CONFLICT: { status: 409, title: 'The resource was changed meanwhile' },
  CAT_BAD_STATE: { status: 409, title: 'Not allowed in the resource’s registration state' },
  CAT_BAD_SPREADSHEET: { status: 422, title: 'The catalog spreadsheet has rows that cannot be taken' },
  // records: the rows held for each resource
  REC_RECORD_NOT_FOUND: { status: 404, title: 'The resource has no record with this key' },
  REC_SEALED_FIELD: { status: 422, title: 'A field sealed at rest cannot be queried by its value' },
  // ingest: loading files and sources into records
  ING_BAD_FILE: { status: 400, title: 'The file cannot be read' },
  ING_BAD_SOURCE: { status: 422, title: 'The source cannot be used as specified' },
  ING_SOURCE_FAILED: { status: 502, title: 'The source could not be read' },
  ING_BAD_MAPPING: { status: 422, title: 'The column mapping names a field the resource does not have' },
  ING_JOB_NOT_FOUND: { status: 404, title: 'No such ingest job' },
  ING_JOB_BAD_STATE: { status: 409, title: 'Not allowed in the ingest job’s state' },
  ING_SCHEDULE_NOT_FOUND: { status: 404, title: 'No such ingest schedule' },
  ING_STORAGE_FULL: { status: 507, title: 'The database has no room left to store the load' },
  // share: grants, data services, demands and their monitoring
  SHR_NO_GRANT: { status: 403, title: 'No grant covers this access' },
  SHR_PURPOSE_NOT_GRANTED: { status: 403, title: 'The stated purpose is not one this access is allowed for' },
  SHR_NOT_PUBLISHED: { status: 409, title: 'The resource is not published: nothing can be shared from it yet' },
  SHR_GRANT_NOT_FOUND: { status: 404, title: 'No such grant' },
  SHR_GRANT_BAD_STATE: { status: 409, title: 'Not allowed in the grant’s state' },
  SHR_RECORD_NOT_FOUND: { status: 404, title: 'No record with this key' },
  SHR_SERVICE_NOT_FOUND: { status: 404, title: 'No such data service' },
  SHR_DEMAND_NOT_FOUND: { status: 404, title: 'No such demand' },
  SHR_DEMAND_BAD_STATE: { status: 409, title: 'Not allowed in the demand’s state' },
  SHR_ALERT_NOT_FOUND: { status: 404, title: 'No such alert' },
  SHR_QUOTA_EXCEEDED: { status: 429, title: 'Daily quota used up' },
  SHR_RATE_LIMITED: { status: 429, title: 'Too many calls a second' },
  SHR_KEPT_REMOTELY: { status: 409, title: 'The records are kept on the district node that provides them' },
  // ledger: the verifiable log of reads and refusals
  LED_ENTRY_NOT_FOUND: { status: 404, title: 'No such ledger entry' },
  LED_BAD_RANGE: { status: 422, title: 'Tree sizes or indexes out of range' },
  LED_TAMPERED: { status: 500, title: 'Ledger storage does not verify' },
  // base: the person and legal-entity base databases, their conflicts and labels
  BAS_SUBJECT_NOT_FOUND: { status: 404, title: 'No such subject in the base database' },
  BAS_CONFLICT_NOT_FOUND: { status: 404, title: 'No such conflict' },
  BAS_CONFLICT_CLOSED: { status: 409, title: 'The conflict was already resolved or dismissed' },
  BAS_LABEL_NOT_FOUND: { status: 404, title: 'No such label' },
  BAS_BAD_RULE: { status: 422, title: 'The label rule cannot be taken' },
  // quality: rules and corrections
  QLT_BAD_RULE: { status: 400, title: 'A quality rule cannot be taken' },
  QLT_VERSION_CONFLICT: { status: 409, title: 'The quality rules were changed meanwhile' },
  QLT_RECORD_NOT_FOUND: { status: 404, title: 'No record with this key to correct' },
  QLT_FIELD_GONE: { status: 409, title: 'The resource no longer has the field to correct' },
  QLT_CORRECTION_NOT_FOUND: { status: 404, title: 'No such correction' },
  QLT_ALREADY_DECIDED: { status: 409, title: 'The correction was already accepted or rejected' },
  // purpose: the registry of purposes data may be used for
  PUR_PURPOSE_EXISTS: { status: 409, title: 'A purpose already has this code or name' },
  // consent: data subjects' consents to third parties (the vault)
  CNS_NOT_FOUND: { status: 404, title: 'No such consent' },
  CNS_BAD_STATE: { status: 409, title: 'Not allowed in the consent’s state' },
  CNS_NOT_ACTIVE: { status: 403, title: 'The consent is not in force: not approved, paused, revoked or expired' },
  CNS_FREQUENCY_EXHAUSTED: { status: 429, title: 'The consent’s fetches for this period are used up' },
  CNS_PURPOSE_NOT_REGISTERED: { status: 403, title: 'The requester is not registered for this purpose' },
  // attest: proof items and proof-free attestations (无证明核验)
  ATT_ITEM_NOT_FOUND: { status: 404, title: 'No such proof item' },
  ATT_ITEM_EXISTS: { status: 409, title: 'A proof item with this code exists' },
  ATT_VERSION_CONFLICT: { status: 409, title: 'The proof item’s rule was changed meanwhile' },
  ATT_BAD_RULE: { status: 422, title: 'The rule cannot be taken' },
  ATT_NO_BASIS: { status: 403, title: 'An attestation needs the subject’s consent or a stated legal basis' },
  ATT_CONSENT_INVALID: {
    status: 403,
    title: 'The consent is not the subject’s consent to the asker for this purpose',
  },
  // licence: e-licences (电子证照), their presentations and credentials
  LIC_NOT_FOUND: { status: 404, title: 'No such licence' },
  LIC_TYPE_NOT_FOUND: { status: 404, title: 'No such licence type' },
  LIC_BAD_STATE: { status: 409, title: 'Not allowed in the licence’s state' },
  LIC_NO_RECORD: { status: 404, title: 'The holder has no record in this resource to issue from' },
  LIC_NO_ISSUER_CODE: { status: 409, title: 'The issuing organization has no unified social credit code' },
  // open: the open-data portal, its CKAN API and DCAT (docs/open.md)
  OPN_NOT_FOUND: { status: 404, title: 'No such open dataset or resource' },
  OPN_UNKNOWN_ACTION: { status: 400, title: 'No such action of the CKAN API' },
  OPN_BAD_REQUEST: { status: 400, title: 'The request cannot be read' },
  OPN_SEARCH_QUERY: { status: 409, title: 'The search query cannot be run' },
  OPN_SQL_INVALID: { status: 409, title: 'The SQL query cannot be run on the open datasets' },
  OPN_SQL_REFUSED: { status: 403, title: 'Only read-only SELECT queries of open datasets are taken' },
  OPN_QUERY_TOO_SLOW: { status: 409, title: 'The query ran past the time a public query may take' },
  OPN_RATE_LIMITED: { status: 429, title: 'Too many data API calls this minute' },
  OPN_QUOTA_EXCEEDED: { status: 429, title: 'The data API quota of the day is used up' },
  OPN_FEEDBACK_LIMIT: { status: 429, title: 'Too many reports or requests from this developer in a day' },
  OPN_KEY_INVALID: { status: 403, title: 'The API key is unknown or revoked' },
  OPN_KEY_NOT_FOUND: { status: 404, title: 'No such API key' },
  OPN_TOO_MANY_KEYS: { status: 409, title: 'Too many API keys' },
  OPN_DEVELOPER_EXISTS: { status: 409, title: 'A developer account with this email address exists' },
  OPN_DEVELOPER_LOGIN: { status: 401, title: 'Wrong email address or password' },
  OPN_DEVELOPER_UNAUTHENTICATED: { status: 401, title: 'Sign in to the developer centre first' },
  OPN_APPLICATION_NOT_FOUND: { status: 404, title: 'No such application for conditional open data' },
  OPN_APPLICATION_PENDING: { status: 409, title: 'An application for this dataset is waiting for its answer' },
  OPN_APPLICATION_DECIDED: { status: 409, title: 'The application is answered already' },
  OPN_APPLICATION_EXPIRY: { status: 422, title: 'The expiry must be in the future' },
  OPN_APPLICATION_EXPIRED: { status: 403, title: 'The approval to use this dataset has expired' },
  OPN_RATING_NOT_FOUND: { status: 404, title: 'No such rating of this dataset' },
  // cockpit: indicators, the evaluation index and topic dashboards (驾驶舱)
  CKP_INDICATOR_NOT_FOUND: { status: 404, title: 'No such indicator' },
  CKP_NO_DEPARTMENT: { status: 404, title: 'No such department' },
  CKP_DASHBOARD_NOT_FOUND: { status: 404, title: 'No such dashboard' },
  CKP_BAD_DASHBOARD: { status: 422, title: 'The dashboard document is not valid' },
  CKP_VERSION_CONFLICT: { status: 409, title: 'The dashboard was changed meanwhile' },
  CKP_NO_FONT: { status: 500, title: 'The font for the printed report is missing' },
  // cascade: the city–district cascade of nodes (级联, docs/cascade.md)
  CAS_TOKEN_INVALID: { status: 403, title: 'The enrolment token is unknown, used, expired or for another district' },
  CAS_UNSIGNED: { status: 401, title: 'The request is not signed by a node' },
  CAS_SIGNATURE_INVALID: { status: 401, title: 'The node signature does not verify' },
  CAS_REPLAYED: { status: 401, title: 'The signed request was received before, or its time is outside the window' },
  CAS_UNKNOWN_NODE: { status: 401, title: 'No such enrolled node' },
  CAS_ROLE_CONFLICT: { status: 500, title: 'The database belongs to a node of another role or division' },
  CAS_BAD_DIVISION: { status: 422, title: 'The division code does not fit the node' },
  CAS_NOT_CITY: { status: 409, title: 'Only the city node does this' },
  CAS_NOT_DISTRICT: { status: 409, title: 'Only a district node does this' },
  CAS_NOT_ENROLLED: { status: 409, title: 'This node is not enrolled with a city node' },
  CAS_PEER_FAILED: { status: 502, title: 'The other node did not answer as expected' },
  CAS_NODE_NOT_FOUND: { status: 404, title: 'No such node' },
  CAS_FORK: { status: 409, title: 'The head is not one of this node’s ledger: a fork' },
  CAS_NOT_PARENT: { status: 403, title: 'Only the parent of this node may ask this' },
  CAS_PUSH_NOT_FOUND: { status: 404, title: 'No such push' },
  CAS_PUSH_TARGET: { status: 403, title: 'The target resource is not the district’s own copy on the city node' },
  CAS_RUN_SUPERSEDED: { status: 409, title: 'A newer full push of the same copy replaced this run' },
  // keys: the key-encryption key and the data keys of encryption at rest
  KEY_BAD_KEK: { status: 500, title: 'The configured key-encryption key cannot be taken' },
  KEY_NO_KEK: { status: 500, title: 'No key-encryption key is configured' },
  KEY_WRONG_KEK: { status: 500, title: 'The key-encryption key does not open the stored data keys' },
  KEY_UNREADABLE: { status: 500, title: 'An encrypted value or data key cannot be opened' },
  // ops: backup and restore of a whole hub (qdh backup, qdh restore)
  OPS_BAD_BACKUP: { status: 422, title: 'The file is not a complete hub backup' },
  OPS_BAD_TARGET: { status: 409, title: 'The backup cannot be restored onto this database as it is' },
  OPS_TOOLS: { status: 500, title: 'The PostgreSQL client tools are missing, too old or failed' },
  OPS_RESTORE_UNVERIFIED: { status: 409, title: 'The restored database did not verify: the hub does not serve it' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * Where in the input the problem is: a JSON pointer or a field name, plus a reason. A keyed
 * reason (`code` and `params` of the message catalogue) is rendered in the request's language;
 * `reason` is its English rendering, for logs (and the text itself for a problem with no key).
 */
export interface FieldProblem {
  field: string;
  reason: string;
  code?: MessageKey;
  params?: Params;
  /** The field's name for people (a resource field's label), where the hub knows it. */
  label?: string;
  /** Where in a spreadsheet, for problems of an uploaded workbook. */
  sheet?: string;
  row?: number;
  column?: string;
}

/**
 * An error the hub answers with. `detail` is a message of the catalogue (src/kernel/messages),
 * rendered in the request's language; `Error.message` is its English rendering, for logs. A
 * plain string is an untranslated detail: English answers show it, Chinese ones the code's title.
 */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: Message | undefined;
  readonly problems: FieldProblem[];
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: Message | string,
    opts: { problems?: FieldProblem[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    const text = typeof detail === 'string' ? detail : detail && english(detail);
    super(text ?? ERROR_CATALOGUE[code].title, { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.detail = typeof detail === 'string' ? undefined : detail;
    this.status = ERROR_CATALOGUE[code].status;
    this.problems = opts.problems ?? [];
    this.headers = opts.headers ?? {};
  }
}

/** A field problem with a keyed reason (and where it is, for a spreadsheet or a labelled field). */
export function fieldProblem(
  field: string,
  reason: Message,
  at: Pick<FieldProblem, 'label' | 'sheet' | 'row' | 'column'> = {},
): FieldProblem {
  return {
    field,
    reason: english(reason),
    code: reason.key,
    ...(reason.params ? { params: reason.params } : {}),
    ...at,
  };
}

/** Shorthand for the most common case: one field is wrong. */
export function invalid(field: string, reason: Message, at: Pick<FieldProblem, 'label'> = {}): HubError {
  return invalidAs('KRN_VALIDATION', field, reason, at);
}

/** One field is wrong, under a module's own code (a bad source, a bad rule). */
export function invalidAs(
  code: ErrorCode,
  field: string,
  reason: Message,
  at: Pick<FieldProblem, 'label'> = {},
): HubError {
  const problem = fieldProblem(field, reason, at);
  return new HubError(code, msg('kernel.fieldReason', { field: at.label ?? field, reason }), { problems: [problem] });
}

/** A problem whose detail lists its field problems: several fields of one input are wrong. */
export function withProblems(code: ErrorCode, list: FieldProblem[], opts: { cause?: unknown } = {}): HubError {
  return new HubError(code, msg('kernel.problemList', { problems: list.map(asMessage) }), { problems: list, ...opts });
}

/** A field problem as "field: reason", keyed when its reason is. */
function asMessage(p: FieldProblem): Message {
  const reason: Message | Texts = p.code
    ? { key: p.code, ...(p.params ? { params: p.params } : {}) }
    : { 'zh-CN': p.reason, en: p.reason };
  return msg('kernel.fieldReason', { field: p.label ?? p.field, reason });
}

/** The detail of a HubError in `language` (the title of its code when the detail has no key). */
export function detailIn(e: HubError, language: Language): string {
  if (e.detail) return render(e.detail, language);
  return language === 'en' ? e.message : PROBLEM_TITLES_ZH[e.code];
}

/** A field problem's reason in `language`: rendered from its key, else as written. */
export function reasonIn(p: FieldProblem, language: Language): string {
  return p.code ? render({ key: p.code, ...(p.params ? { params: p.params } : {}) }, language) : p.reason;
}

export function isHubError(e: unknown): e is HubError {
  return e instanceof HubError;
}
