export { consentMigrations } from './migrations.js';
export {
  Consents,
  DECISIONS,
  artefact,
  maskedSubject,
  type ConsentRequest,
  type ConsentRow,
  type Decision,
} from './consents.js';
export {
  AuthorizedConsents,
  type Fetched,
  type FetchedItem,
  type ListRole,
  type SubjectParties,
} from './authorized-consents.js';
export {
  STATUSES,
  SUBJECT_KINDS,
  FREQUENCY_UNITS,
  TermsSchema,
  StatusSchema,
  SubjectKindSchema,
  NarrowingSchema,
  DataItemSchema,
  statusAt,
  type ConsentTerms,
  type Narrowing,
  type Status,
  type SubjectKind,
} from './terms.js';
export type { ConsentTables } from './tables.js';
