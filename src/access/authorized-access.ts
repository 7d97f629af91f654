import { checkCitizenId, HubError, invalid, msg } from '../kernel/index.js';
import type { Ledger, NewEntry } from '../ledger/index.js';
import type { Account, AccountFilter, Accounts, OrganizationRow } from './accounts.js';
import type { Actor } from './actor.js';
import { authorize, isAllowed } from './authorize.js';
import type { LoginSource } from './login-throttle.js';
import type { OfficerService, Officers, Task } from './officers.js';
import { oneTimePassword } from './password-rules.js';
import {
  checkNewPassword,
  type AccessService,
  type LoginAnswer,
  type Organization,
  type OrganizationInput,
} from './service.js';
import type { OrgKind, Role } from './tables.js';

/** What an operator enters for a new account; without `password` the hub makes a one-time one. */
export interface NewAccount {
  username: string;
  displayName: string;
  orgCode?: string | null;
  roles: Role[];
  citizenId?: string | null;
  password?: string;
}

export interface AccountPatch {
  displayName?: string;
  orgCode?: string | null;
  roles?: Role[];
  citizenId?: string | null;
}

export type OrganizationPatch = Partial<
  Pick<OrganizationInput, 'name' | 'kind' | 'division' | 'creditCode' | 'parentCode' | 'purposes'>
>;

/** A password the operator hands over: the one-time one the hub made is shown here once, never stored in clear. */
export interface SetPassword {
  account: Account;
  oneTimePassword?: string;
}

/** Roles that act for an organization and mean nothing without one. */
const NEEDS_ORG: readonly Role[] = ['officer', 'consumer', 'third_party'];

/**
 * Organizations, accounts and officers as callers reach them (HTTP, CLI): the access policy asked
 * before each call to the service of the same name, and every change written to the ledger
 * (`access.account.changed`, `access.organization.changed`) after it is made — never a password,
 * a hash or a citizen ID.
 */
export class AuthorizedAccess {
  private readonly accounts: Accounts;

  constructor(
    private readonly access: AccessService,
    private readonly officerService: OfficerService,
    private readonly ledger: Ledger,
  ) {
    this.accounts = access.accounts;
  }

  organizations(actor: Actor | null): Promise<Organization[]> {
    authorize(actor, 'org:read');
    return this.access.listOrganizations();
  }

  /** The open tasks of the caller's organization (operators: also those addressed to the platform). */
  inbox(actor: Actor | null): Promise<Task[]> {
    authorize(actor, 'tasks:read');
    return this.officerService.inbox({
      org: actor.org?.code ?? null,
      platform: isAllowed(actor, 'tasks:read-platform'),
    });
  }

  officers(actor: Actor | null, org: string): Promise<Officers> {
    authorize(actor, 'org:read');
    return this.officerService.officers(org);
  }

  async setOfficers(actor: Actor | null, org: string, chief: string | null, stewards: string[]): Promise<Officers> {
    authorize(actor, 'officers:manage');
    if (!(await this.access.findOrganization(org)))
      throw new HubError('ACC_ORG_NOT_FOUND', msg('access.noOrg', { org }));
    const officers = await this.officerService.setOfficers(org, chief, stewards);
    await this.record(actor, {
      kind: 'access.organization.changed',
      action: 'officers',
      organization: org,
      chief: officers.chief?.username ?? null,
      stewards: officers.stewards.map((s) => s.username),
    });
    return officers;
  }

  users(actor: Actor | null, filter: AccountFilter): Promise<{ total: number; items: Account[] }> {
    authorize(actor, 'user:list');
    return this.accounts.list(filter);
  }

  organizationRows(actor: Actor | null, filter: { q?: string; kind?: OrgKind }): Promise<OrganizationRow[]> {
    authorize(actor, 'user:list');
    return this.accounts.organizations(filter);
  }

  async createUser(actor: Actor | null, input: NewAccount): Promise<SetPassword> {
    authorize(actor, 'user:manage');
    authorize(actor, 'user:assign-roles');
    const citizenId = await this.checkAccount(input.roles, input.orgCode ?? null, input.citizenId ?? null, null);
    if (input.password !== undefined) checkNewPassword('password', input.password, input.username);
    const password = input.password ?? oneTimePassword();
    await this.access.createUser({ ...input, citizenId, password, mustChangePassword: true });
    const account = await this.account(input.username);
    await this.record(actor, {
      kind: 'access.account.changed',
      action: 'create',
      account: account.username,
      roles: account.roles,
      accountOrg: account.org?.code ?? null,
      citizenBound: account.citizenBound,
      generated: input.password === undefined,
      mustChangePassword: true,
    });
    return input.password === undefined ? { account, oneTimePassword: password } : { account };
  }

  async editUser(actor: Actor | null, username: string, patch: AccountPatch): Promise<Account> {
    authorize(actor, 'user:manage');
    if (patch.roles !== undefined) authorize(actor, 'user:assign-roles');
    const before = await this.account(username);
    if (
      patch.roles &&
      before.id === actor.userId &&
      before.roles.includes('operator') &&
      !patch.roles.includes('operator')
    ) {
      throw new HubError('ACC_OWN_ACCOUNT');
    }
    const roles = patch.roles ?? before.roles;
    const orgCode = patch.orgCode === undefined ? (before.org?.code ?? null) : patch.orgCode;
    const citizenId = await this.checkAccount(
      roles,
      orgCode,
      patch.citizenId === undefined ? undefined : patch.citizenId,
      before.id,
      before.citizenBound,
    );
    const org = orgCode ? await this.access.findOrganization(orgCode) : null;
    await this.access.updateUser(before.id, {
      ...(patch.displayName !== undefined && { displayName: patch.displayName }),
      ...(patch.orgCode !== undefined && { orgId: org?.id ?? null }),
      ...(patch.roles !== undefined && { roles: patch.roles }),
      ...(citizenId !== undefined && { citizenId }),
    });
    const after = await this.account(username);
    const changed = (
      [
        ['displayName', before.displayName !== after.displayName],
        ['org', before.org?.code !== after.org?.code],
        ['roles', before.roles.join() !== after.roles.join()],
        ['citizenId', patch.citizenId !== undefined || before.citizenBound !== after.citizenBound],
      ] as const
    )
      .filter(([, yes]) => yes)
      .map(([what]) => what);
    await this.record(actor, {
      kind: 'access.account.changed',
      action: 'edit',
      account: username,
      roles: after.roles,
      accountOrg: after.org?.code ?? null,
      changed,
      citizenBound: after.citizenBound,
    });
    return after;
  }

  /** A disabled user's tokens and API keys stop at the next request; nobody disables themselves. */
  async setDisabled(
    actor: Actor | null,
    username: string,
    disabled: boolean,
  ): Promise<{ username: string; disabled: boolean }> {
    authorize(actor, 'user:manage');
    if (disabled && username === actor.username) {
      throw new HubError('ACC_OWN_ACCOUNT');
    }
    const answer = await this.access.setDisabled(username, disabled);
    await this.record(actor, {
      kind: 'access.account.changed',
      action: disabled ? 'disable' : 'enable',
      account: username,
    });
    return answer;
  }

  /**
   * Sets a password someone else chose (or, without one, a one-time password shown once): every
   * session of the user ends and the user must choose their own at the next login.
   */
  async resetPassword(actor: Actor | null, username: string, password?: string): Promise<SetPassword> {
    authorize(actor, 'user:reset-password');
    const account = await this.account(username);
    if (password !== undefined) checkNewPassword('password', password, username);
    const next = password ?? oneTimePassword();
    await this.access.setPassword(account.id, next, true);
    await this.record(actor, {
      kind: 'access.account.changed',
      action: 'reset-password',
      account: username,
      generated: password === undefined,
      mustChangePassword: true,
    });
    const after = await this.account(username);
    return password === undefined ? { account: after, oneTimePassword: next } : { account: after };
  }

  /** The caller's own password; every earlier token of theirs stops working, a new one is returned. */
  async changePassword(actor: Actor, current: string, next: string, from?: LoginSource): Promise<LoginAnswer> {
    const answer = await this.access.changePassword(actor, current, next, from);
    await this.record(actor, { kind: 'access.account.changed', action: 'change-password', account: actor.username });
    return answer;
  }

  /** A login; with `newPassword` it replaces the password first (required after an operator set it). */
  async login(username: string, password: string, from: LoginSource, newPassword?: string): Promise<LoginAnswer> {
    const answer = await this.access.login(username, password, from, newPassword);
    if (newPassword !== undefined) {
      await this.ledger.append({
        kind: 'access.account.changed',
        action: 'change-password',
        account: answer.user.username,
        actor: answer.user.username,
        at: new Date().toISOString(),
      });
    }
    return answer;
  }

  async createOrganization(actor: Actor | null, input: OrganizationInput): Promise<OrganizationRow> {
    authorize(actor, 'org:manage');
    if (await this.access.findOrganization(input.code)) {
      throw new HubError('ACC_ORG_EXISTS', msg('access.orgExists', { org: input.code }));
    }
    await this.checkCreditCodeFree(input.creditCode, input.code);
    if (input.parentCode && !(await this.access.findOrganization(input.parentCode))) {
      throw invalid('parentCode', msg('access.noOrg', { org: input.parentCode }));
    }
    const org = await this.access.createOrganization(input);
    await this.record(actor, {
      kind: 'access.organization.changed',
      action: 'create',
      organization: org.code,
      name: org.name,
      orgKind: org.kind,
      division: org.division,
      parent: org.parentCode,
      ...(org.purposes && { purposes: org.purposes }),
    });
    return this.organizationRow(org.code);
  }

  async editOrganization(actor: Actor | null, code: string, patch: OrganizationPatch): Promise<OrganizationRow> {
    authorize(actor, 'org:manage');
    const before = await this.access.findOrganization(code);
    if (!before) throw new HubError('ACC_ORG_NOT_FOUND', msg('access.noOrg', { org: code }));
    if (patch.parentCode) await this.checkParent(code, patch.parentCode);
    await this.checkCreditCodeFree(patch.creditCode, code);
    const after = await this.access.updateOrganization(code, patch);
    const changed = (
      [
        ['name', before.name !== after.name],
        ['kind', before.kind !== after.kind],
        ['division', before.division !== after.division],
        ['parent', before.parentCode !== after.parentCode],
        ['creditCode', before.creditCode !== after.creditCode],
        ['purposes', String(before.purposes) !== String(after.purposes)],
      ] as const
    )
      .filter(([, yes]) => yes)
      .map(([what]) => what);
    await this.record(actor, {
      kind: 'access.organization.changed',
      action: 'edit',
      organization: code,
      name: after.name,
      orgKind: after.kind,
      division: after.division,
      parent: after.parentCode,
      ...(after.purposes && { purposes: after.purposes }),
      changed,
    });
    return this.organizationRow(code);
  }

  /** A credit code names one organization (the column is unique): another's is refused by name, not by the database. */
  private async checkCreditCodeFree(creditCode: string | null | undefined, code: string): Promise<void> {
    if (!creditCode) return;
    const wanted = creditCode.trim().toUpperCase();
    const holder = (await this.access.listOrganizations()).find((o) => o.creditCode === wanted && o.code !== code);
    if (holder) throw invalid('creditCode', msg('access.creditCodeTaken', { org: holder.name }));
  }

  /** The parent exists and is not the organization itself or one below it (no cycles). */
  private async checkParent(code: string, parentCode: string): Promise<void> {
    const orgs = await this.access.listOrganizations();
    const byCode = new Map(orgs.map((o) => [o.code, o]));
    if (!byCode.has(parentCode)) throw invalid('parentCode', msg('access.noOrg', { org: parentCode }));
    for (let at: string | null = parentCode, steps = 0; at !== null && steps <= orgs.length; steps++) {
      if (at === code) throw invalid('parentCode', msg('access.parentCycle'));
      at = byCode.get(at)?.parentCode ?? null;
    }
  }

  /**
   * Roles that act for an organization have one; a citizen ID is bound only to a citizen account
   * and to one account. Returns the normalized ID to store: null to unbind, undefined to keep.
   */
  private async checkAccount(
    roles: readonly Role[],
    orgCode: string | null,
    citizenId: string | null | undefined,
    userId: number | null,
    bound = false,
  ): Promise<string | null | undefined> {
    if (roles.length === 0) throw invalid('roles', msg('kernel.required'));
    const needing = roles.filter((r) => NEEDS_ORG.includes(r));
    if (needing.length > 0 && !orgCode) throw invalid('orgCode', msg('access.rolesNeedOrg', { roles: needing }));
    if (orgCode && !(await this.access.findOrganization(orgCode))) {
      throw invalid('orgCode', msg('access.noOrg', { org: orgCode }));
    }
    const citizen = roles.includes('citizen');
    if (citizenId === undefined) {
      // Unchanged: a bound ID stays only while the account is a citizen's.
      return bound && !citizen ? null : undefined;
    }
    if (citizenId === null || citizenId === '') return null;
    if (!citizen) throw invalid('citizenId', msg('access.citizenIdOnlyCitizen'));
    const check = checkCitizenId(citizenId);
    if (!check.ok) throw invalid('citizenId', check.message);
    const holder = await this.access.userBoundTo(check.value.id);
    if (holder !== null && holder !== userId) throw invalid('citizenId', msg('access.citizenIdBound'));
    return check.value.id;
  }

  private async account(username: string): Promise<Account> {
    const account = await this.accounts.find(username);
    if (!account) throw new HubError('ACC_USER_NOT_FOUND', msg('access.noUser', { user: username }));
    return account;
  }

  private async organizationRow(code: string): Promise<OrganizationRow> {
    const row = (await this.accounts.organizations({ q: code })).find((o) => o.code === code);
    if (!row) throw new HubError('ACC_ORG_NOT_FOUND', msg('access.noOrg', { org: code }));
    return row;
  }

  /** After the change is made: the entry names the operator who made it, and when. */
  private async record(
    actor: Actor,
    entry: DistributiveOmit<Extract<NewEntry, { kind: `access.${string}` }>, 'actor' | 'at'>,
  ) {
    await this.ledger.append({ ...entry, actor: actor.username, at: new Date().toISOString() } as NewEntry);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
