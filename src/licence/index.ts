export { licenceMigrations } from './migrations.js';
export { SEEDED_TYPES } from './seed-types.js';
export type { FieldDef, HolderKind, LicenceType } from './types.js';
export { LICENCE_OID, makeIdentifier, parseIdentifier, type IdentifierParts } from './identifier.js';
export { IssuerKeys, SIGNING_ALGS, type PublicIssuerKey, type SigningAlg } from './issuer-keys.js';
export {
  Licences,
  statusAt,
  type FieldValues,
  type IssueInput,
  type IssuerOrg,
  type LicenceRow,
  type LicenceStatus,
  type ReviseInput,
} from './licences.js';
export {
  PRESENTATION_TTL,
  Presentations,
  VERIFY_REASONS,
  type PresentedLicence,
  type Verification,
  type VerifyReason,
} from './presentations.js';
export { Credentials, VC_CONTEXT, VC_MEDIA_TYPE, didDocument, didOf, statusListUrl } from './credentials.js';
export { STATUS_LIST_BITS, encodeStatusList } from './status-list.js';
export type { LicenceStats } from './counters.js';
export {
  AuthorizedLicences,
  LICENCE_USE,
  type HolderParties,
  type IssueFromRecord,
  type RecordReader,
} from './authorized-licences.js';
export type { LicenceTables } from './tables.js';
