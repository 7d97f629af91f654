/**
 * One catalogue of every error the hub can return, in the manner of Fastify's lib/errors.js:
 * each code has its HTTP status and a message template, so that the HTTP layer maps any
 * HubError to an RFC 9457 problem in exactly one place and docs can list the codes.
 * Modules add their codes here under their own prefix (ACC_, CAT_, ING_, SHR_, LED_ …).
 */
export const ERROR_CATALOGUE = {
  KRN_VALIDATION: { status: 422, title: 'Invalid input' },
  KRN_BAD_REQUEST: { status: 400, title: 'Bad request' },
  KRN_PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  KRN_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body is not of a type this route takes' },
  KRN_REQUEST_TIMEOUT: { status: 408, title: 'The request body did not arrive in time' },
  KRN_NOT_FOUND: { status: 404, title: 'Not found' },
  KRN_CONFLICT: { status: 409, title: 'Conflict' },
  KRN_CONFIG: { status: 500, title: 'Invalid configuration' },
  KRN_INTERNAL: { status: 500, title: 'Internal error' },
  ACC_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  ACC_BAD_CREDENTIALS: { status: 401, title: 'Wrong user name or password' },
  ACC_FORBIDDEN: { status: 403, title: 'Not permitted' },
  ACC_RATE_LIMITED: { status: 429, title: 'Too many attempts' },
  CAT_RESOURCE_NOT_FOUND: { status: 404, title: 'No such catalog resource' },
  CAT_VERSION_CONFLICT: { status: 409, title: 'The resource was changed meanwhile' },
  CAT_BAD_STATE: { status: 409, title: 'Not allowed in the resource’s registration state' },
  CAT_BAD_SPREADSHEET: { status: 422, title: 'The catalog spreadsheet has rows that cannot be taken' },
  ING_BAD_FILE: { status: 400, title: 'The file cannot be read' },
  ING_BAD_SOURCE: { status: 422, title: 'The source cannot be used as specified' },
  ING_SOURCE_FAILED: { status: 502, title: 'The source could not be read' },
  SHR_NO_GRANT: { status: 403, title: 'No grant covers this access' },
  SHR_PURPOSE_NOT_GRANTED: { status: 403, title: 'The stated purpose is not one this access is allowed for' },
  SHR_GRANT_NOT_FOUND: { status: 404, title: 'No such grant' },
  SHR_RECORD_NOT_FOUND: { status: 404, title: 'No record with this key' },
  SHR_SERVICE_NOT_FOUND: { status: 404, title: 'No such data service' },
  SHR_QUOTA_EXCEEDED: { status: 429, title: 'Daily quota used up' },
  SHR_RATE_LIMITED: { status: 429, title: 'Too many calls a second' },
  LED_ENTRY_NOT_FOUND: { status: 404, title: 'No such ledger entry' },
  LED_BAD_RANGE: { status: 422, title: 'Tree sizes or indexes out of range' },
  LED_TAMPERED: { status: 500, title: 'Ledger storage does not verify' },
  BAS_SUBJECT_NOT_FOUND: { status: 404, title: 'No such subject in the base database' },
  BAS_CONFLICT_NOT_FOUND: { status: 404, title: 'No such conflict' },
  BAS_CONFLICT_CLOSED: { status: 409, title: 'The conflict was already resolved or dismissed' },
  BAS_LABEL_NOT_FOUND: { status: 404, title: 'No such label' },
  BAS_BAD_RULE: { status: 422, title: 'The label rule cannot be taken' },
  QLT_BAD_RULE: { status: 400, title: 'A quality rule cannot be taken' },
  QLT_RECORD_NOT_FOUND: { status: 404, title: 'No record with this key to correct' },
  QLT_CORRECTION_NOT_FOUND: { status: 404, title: 'No such correction' },
  QLT_ALREADY_DECIDED: { status: 409, title: 'The correction was already accepted or rejected' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Where in the input the problem is: a JSON pointer or a field name, plus a human reason. */
export interface FieldProblem {
  field: string;
  reason: string;
  /** Where in a spreadsheet, for problems of an uploaded workbook. */
  sheet?: string;
  row?: number;
  column?: string;
}

export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly problems: FieldProblem[];
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail?: string,
    opts: { problems?: FieldProblem[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title, { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.problems = opts.problems ?? [];
    this.headers = opts.headers ?? {};
  }
}

/** Shorthand for the most common case: one field is wrong. */
export function invalid(field: string, reason: string): HubError {
  return new HubError('KRN_VALIDATION', `${field}: ${reason}`, { problems: [{ field, reason }] });
}

export function isHubError(e: unknown): e is HubError {
  return e instanceof HubError;
}
