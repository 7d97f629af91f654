export { accessMigrations } from './migrations.js';
export {
  AccessService,
  TOKEN_TTL_S,
  type LoginAnswer,
  type Organization,
  type OrganizationInput,
  type UserInput,
  type UserProfile,
} from './service.js';
export { authorize, isAllowed, type Action, type Target } from './authorize.js';
export { ACTION_LABELS, actionLabel } from './action-labels.js';
export { ACTIONS, POLICY, type Grant, type Scope } from './policy.js';
export { permissionsOf, type Permissions } from './permissions.js';
export { hasRole, type Actor } from './actor.js';
export { FREE_FAILURES, type LoginSource } from './login-throttle.js';
export { ROLES, ORG_KINDS, type Role, type OrgKind } from './tables.js';
export { OfficerService, type Officers, type Task, type TaskScope } from './officers.js';
export {
  AuthorizedAccess,
  type AccountPatch,
  type NewAccount,
  type OrganizationPatch,
  type SetPassword,
} from './authorized-access.js';
export type { Account, AccountFilter, OrganizationRow } from './accounts.js';
export {
  AuthorizedEnterprises,
  type ActingFor,
  type AgentView,
  type AppointAgent,
  type BindEnterprise,
  type EnterpriseRow,
  type NamedPurpose,
  type PurposeRegistry,
} from './authorized-enterprises.js';
export { appointmentCovers, type EnterpriseAuthority } from './enterprise-authority.js';
export type { PersonRef } from './enterprises.js';
export { PASSWORD_RULES, oneTimePassword } from './password-rules.js';
export { OidcLogin, OIDC_CALLBACK_PATH } from './oidc.js';
export { OIDC_DEFAULTS, oidcConfigFromEnv, type OidcConfig } from './oidc-config.js';
