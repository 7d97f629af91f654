import type { Kysely } from '../db/index.js';
import { invalid, msg } from '../kernel/index.js';
import { appointmentLive, authorityOf, type EnterpriseAuthority } from './enterprise-authority.js';
import type { AccessTables } from './tables.js';

/** A person as others see them on a page: login and display name, never their citizen ID. */
export interface PersonRef {
  username: string;
  displayName: string;
}

/** An enterprise account: its credit code, its name and the citizen account of its legal representative. */
export interface Enterprise {
  creditCode: string;
  name: string;
  representative: PersonRef;
  boundBy: PersonRef;
  boundAt: Date;
}

/** One appointment of an agent (经办人): its purposes (null = any) and expiry (null = until revoked). */
export interface AgentAppointment {
  agent: PersonRef;
  purposes: string[] | null;
  validUntil: Date | null;
  appointedBy: PersonRef;
  appointedAt: Date;
  revokedAt: Date | null;
}

/** A citizen account that may represent an enterprise or act as its agent. */
export interface CitizenAccount extends PersonRef {
  id: number;
}

/**
 * 企业账号: enterprise accounts bound to their unified social credit code and legal representative,
 * and the agents the representative appoints. Data only: who may call each step is decided by
 * AuthorizedEnterprises, which also writes the ledger.
 */
export class Enterprises {
  constructor(
    private readonly db: Kysely<AccessTables>,
    /** The clock of appointments' ends (AccessService's: tests move it). */
    readonly now: () => Date,
  ) {}

  /** The enabled citizen account (a citizen ID bound) of this user name; 422 naming `field` otherwise. */
  async citizenAccount(username: string, field: string): Promise<CitizenAccount> {
    const row = await this.db
      .selectFrom('access.user')
      .select(['id', 'username', 'display_name', 'roles', 'citizen_id', 'disabled'])
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row) throw invalid(field, msg('access.noUser', { user: username }));
    if (!isCitizen(row)) throw invalid(field, msg('access.notCitizenAccount', { user: username }));
    return { id: row.id, username: row.username, displayName: row.display_name };
  }

  async find(creditCode: string): Promise<Enterprise | undefined> {
    return (await this.enterprises([creditCode.trim().toUpperCase()]))[0];
  }

  /** Every enterprise account with its number of live agents, by name (operators' list). */
  async list(): Promise<Array<Enterprise & { agents: number }>> {
    const all = await this.enterprises(null);
    const counts = await this.db
      .selectFrom('access.enterprise_agent')
      .select(['credit_code', (eb) => eb.fn.countAll<string>().as('n')])
      .where('revoked_at', 'is', null)
      .groupBy('credit_code')
      .execute();
    const live = new Map(counts.map((c) => [c.credit_code, Number(c.n)]));
    return all.map((e) => ({ ...e, agents: live.get(e.creditCode) ?? 0 }));
  }

  /**
   * Binds an enterprise to its representative, or binds it again (a new name or representative).
   * A new representative did not appoint the agents of the former one: their appointments end.
   */
  async bind(
    input: { creditCode: string; name: string; representative: CitizenAccount },
    by: number,
  ): Promise<{ previous: PersonRef | null; agentsRevoked: number }> {
    const at = this.now();
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('access.enterprise as e')
        .innerJoin('access.user as u', 'u.id', 'e.representative_user')
        .select(['e.representative_user', 'u.username', 'u.display_name'])
        .where('e.credit_code', '=', input.creditCode)
        .forUpdate()
        .executeTakeFirst();
      await trx
        .insertInto('access.enterprise')
        .values({
          credit_code: input.creditCode,
          name: input.name,
          representative_user: input.representative.id,
          bound_by: by,
          bound_at: at,
        })
        .onConflict((oc) =>
          oc.column('credit_code').doUpdateSet({
            name: input.name,
            representative_user: input.representative.id,
            bound_by: by,
            bound_at: at,
          }),
        )
        .execute();
      let agentsRevoked = 0;
      if (before && before.representative_user !== input.representative.id) {
        const ended = await trx
          .updateTable('access.enterprise_agent')
          .set({ revoked_at: at, revoked_by: by })
          .where('credit_code', '=', input.creditCode)
          .where('revoked_at', 'is', null)
          .returning('id')
          .execute();
        agentsRevoked = ended.length;
      }
      return {
        previous: before ? { username: before.username, displayName: before.display_name } : null,
        agentsRevoked,
      };
    });
  }

  /** The appointments of an enterprise not revoked, expired ones included (marked by `validUntil`). */
  async agents(creditCode: string): Promise<AgentAppointment[]> {
    const rows = await this.db
      .selectFrom('access.enterprise_agent as a')
      .innerJoin('access.user as u', 'u.id', 'a.agent_user')
      .innerJoin('access.user as by', 'by.id', 'a.appointed_by')
      .select([
        'u.username',
        'u.display_name',
        'a.purposes',
        'a.valid_until',
        'by.username as by_username',
        'by.display_name as by_display_name',
        'a.appointed_at',
        'a.revoked_at',
      ])
      .where('a.credit_code', '=', creditCode)
      .where('a.revoked_at', 'is', null)
      .orderBy('a.appointed_at')
      .orderBy('a.id')
      .execute();
    return rows.map(toAppointment);
  }

  /**
   * Appoints an agent; a live appointment of the same agent is replaced (revoked, and the new one
   * made), so that the representative changes purposes or expiry by appointing again.
   */
  async appoint(
    creditCode: string,
    agent: CitizenAccount,
    terms: { purposes: string[] | null; validUntil: Date | null },
    by: number,
  ): Promise<{ appointment: AgentAppointment; replaced: boolean }> {
    const at = this.now();
    const replaced = await this.db.transaction().execute(async (trx) => {
      const ended = await trx
        .updateTable('access.enterprise_agent')
        .set({ revoked_at: at, revoked_by: by })
        .where('credit_code', '=', creditCode)
        .where('agent_user', '=', agent.id)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      await trx
        .insertInto('access.enterprise_agent')
        .values({
          credit_code: creditCode,
          agent_user: agent.id,
          purposes: terms.purposes,
          valid_until: terms.validUntil,
          appointed_by: by,
          appointed_at: at,
          revoked_at: null,
          revoked_by: null,
        })
        .execute();
      return ended.length > 0;
    });
    const appointment = (await this.agents(creditCode)).find((a) => a.agent.username === agent.username)!;
    return { appointment, replaced };
  }

  /** Ends an agent's live appointment (expired or not); undefined when there is none. */
  async revoke(creditCode: string, agent: string, by: number): Promise<AgentAppointment | undefined> {
    const live = (await this.agents(creditCode)).find((a) => a.agent.username === agent);
    if (!live) return undefined;
    const at = this.now();
    await this.db
      .updateTable('access.enterprise_agent')
      .set({ revoked_at: at, revoked_by: by })
      .where('credit_code', '=', creditCode)
      .where('revoked_at', 'is', null)
      .where('agent_user', '=', (eb) => eb.selectFrom('access.user').select('id').where('username', '=', agent))
      .execute();
    return { ...live, revokedAt: at };
  }

  /** Whether the user is the legal representative of the enterprise (the policy's `self` on its routes). */
  async isRepresentative(userId: number, creditCode: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('access.enterprise')
      .select('credit_code')
      .where('credit_code', '=', creditCode.trim().toUpperCase())
      .where('representative_user', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * How the user may act for the enterprise (enterprise-authority.ts): only while the account is an
   * enabled citizen account, so that unbinding a citizen ID or disabling the account ends it too.
   */
  async authority(userId: number, creditCode: string, purpose?: string): Promise<EnterpriseAuthority | null> {
    const code = creditCode.trim().toUpperCase();
    if (!(await this.isCitizenUser(userId))) return null;
    const enterprise = await this.db
      .selectFrom('access.enterprise')
      .select('representative_user')
      .where('credit_code', '=', code)
      .executeTakeFirst();
    if (!enterprise) return null;
    const appointments = await this.liveAppointments(userId, code);
    return authorityOf(
      { representative: enterprise.representative_user === userId, appointments },
      purpose,
      this.now(),
    );
  }

  /** Every enterprise the user may act for now, with how (我的企业), by name. */
  async actingFor(userId: number): Promise<Array<{ enterprise: Enterprise; authority: EnterpriseAuthority }>> {
    if (!(await this.isCitizenUser(userId))) return [];
    const represented = await this.db
      .selectFrom('access.enterprise')
      .select('credit_code')
      .where('representative_user', '=', userId)
      .execute();
    const appointed = await this.liveAppointments(userId, null);
    const codes = [...new Set([...represented.map((r) => r.credit_code), ...appointed.map((a) => a.creditCode)])];
    const now = this.now();
    const out: Array<{ enterprise: Enterprise; authority: EnterpriseAuthority }> = [];
    for (const enterprise of await this.enterprises(codes)) {
      const authority = authorityOf(
        {
          representative: represented.some((r) => r.credit_code === enterprise.creditCode),
          appointments: appointed.filter((a) => a.creditCode === enterprise.creditCode),
        },
        undefined,
        now,
      );
      if (authority) out.push({ enterprise, authority });
    }
    return out;
  }

  private async isCitizenUser(userId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('access.user')
      .select(['roles', 'citizen_id', 'disabled'])
      .where('id', '=', userId)
      .executeTakeFirst();
    return row !== undefined && isCitizen(row);
  }

  /** The user's appointments not revoked and not expired, of one enterprise or (null) of every one. */
  private async liveAppointments(userId: number, creditCode: string | null) {
    let q = this.db
      .selectFrom('access.enterprise_agent')
      .select(['credit_code', 'purposes', 'valid_until', 'revoked_at'])
      .where('agent_user', '=', userId)
      .where('revoked_at', 'is', null);
    if (creditCode !== null) q = q.where('credit_code', '=', creditCode);
    const now = this.now();
    return (await q.orderBy('id').execute())
      .map((r) => ({
        creditCode: r.credit_code,
        purposes: r.purposes,
        validUntil: r.valid_until,
        revokedAt: r.revoked_at,
      }))
      .filter((a) => appointmentLive(a, now));
  }

  /** The named enterprises (null: all), by name, with their representatives and binders named. */
  private async enterprises(codes: readonly string[] | null): Promise<Enterprise[]> {
    if (codes !== null && codes.length === 0) return [];
    let q = this.db
      .selectFrom('access.enterprise as e')
      .innerJoin('access.user as r', 'r.id', 'e.representative_user')
      .innerJoin('access.user as b', 'b.id', 'e.bound_by')
      .select([
        'e.credit_code',
        'e.name',
        'r.username as rep_username',
        'r.display_name as rep_display_name',
        'b.username as by_username',
        'b.display_name as by_display_name',
        'e.bound_at',
      ]);
    if (codes !== null) q = q.where('e.credit_code', 'in', codes);
    const rows = await q.orderBy('e.name').orderBy('e.credit_code').execute();
    return rows.map((r) => ({
      creditCode: r.credit_code,
      name: r.name,
      representative: { username: r.rep_username, displayName: r.rep_display_name },
      boundBy: { username: r.by_username, displayName: r.by_display_name },
      boundAt: r.bound_at,
    }));
  }
}

/** A citizen account: the citizen role, a citizen ID bound, not disabled. */
function isCitizen(row: { roles: readonly string[]; citizen_id: string | null; disabled: boolean }): boolean {
  return row.roles.includes('citizen') && row.citizen_id !== null && !row.disabled;
}

function toAppointment(r: {
  username: string;
  display_name: string;
  purposes: string[] | null;
  valid_until: Date | null;
  by_username: string;
  by_display_name: string;
  appointed_at: Date;
  revoked_at: Date | null;
}): AgentAppointment {
  return {
    agent: { username: r.username, displayName: r.display_name },
    purposes: r.purposes,
    validUntil: r.valid_until,
    appointedBy: { username: r.by_username, displayName: r.by_display_name },
    appointedAt: r.appointed_at,
    revokedAt: r.revoked_at,
  };
}
