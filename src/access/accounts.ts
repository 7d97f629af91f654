import { sql, type Database, type Kysely } from '../db/index.js';
import { findDivision } from '../kernel/index.js';
import type { AccessTables, OrgKind, Role } from './tables.js';

/** An account as its administrators see it: never its password hash, nor the citizen ID itself. */
export interface Account {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  org: { code: string; name: string; kind: OrgKind } | null;
  disabled: boolean;
  /** An operator set the password: the user chooses their own at the next login. */
  mustChangePassword: boolean;
  /** A citizen ID is bound to the account (which one is not shown here). */
  citizenBound: boolean;
  /** The organizations whose data officer the account is, and as what. */
  officerOf: Array<{ org: string; duty: 'chief' | 'steward' }>;
  createdAt: string;
}

export interface AccountFilter {
  /** Exactly this user name. */
  username?: string | undefined;
  /** Words in the user name, the display name or the organization's name or code. */
  q?: string | undefined;
  org?: string | undefined;
  role?: Role | undefined;
  disabled?: boolean | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** An organization as its administrators see it: its parent's and division's names, its people. */
export interface OrganizationRow {
  code: string;
  name: string;
  kind: OrgKind;
  division: string;
  divisionName: string | null;
  creditCode: string | null;
  parentCode: string | null;
  parentName: string | null;
  /** A third party's registered consent purposes (codes); null: none. */
  purposes: string[] | null;
  users: number;
  chief: { username: string; displayName: string } | null;
  stewards: Array<{ username: string; displayName: string }>;
}

/** The read side of account administration: searchable lists of accounts and organizations. */
export class Accounts {
  private readonly db: Kysely<AccessTables>;

  constructor(database: Database) {
    this.db = database.kysely.withTables<AccessTables>();
  }

  async list(filter: AccountFilter): Promise<{ total: number; items: Account[] }> {
    const pageSize = Math.min(filter.pageSize ?? 20, 100);
    const page = Math.max(filter.page ?? 1, 1);
    let query = this.db.selectFrom('access.user as u').leftJoin('access.organization as o', 'o.id', 'u.org_id');
    const q = filter.q?.trim();
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb('u.username', 'ilike', like),
          eb('u.display_name', 'ilike', like),
          eb('o.name', 'ilike', like),
          eb('o.code', 'ilike', like),
        ]),
      );
    }
    if (filter.username) query = query.where('u.username', '=', filter.username);
    if (filter.org) query = query.where('o.code', '=', filter.org);
    if (filter.role) query = query.where(sql<boolean>`${filter.role} = any(u.roles)`);
    if (filter.disabled !== undefined) query = query.where('u.disabled', '=', filter.disabled);
    const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .select([
        'u.id',
        'u.username',
        'u.display_name',
        'u.roles',
        'u.disabled',
        'u.must_change_password',
        'u.created_at',
        sql<boolean>`u.citizen_id is not null`.as('citizen_bound'),
        'o.code',
        'o.name',
        'o.kind',
      ])
      .orderBy('u.username')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    const duties =
      rows.length === 0
        ? []
        : await this.db
            .selectFrom('access.officer')
            .select(['user_id', 'org_code', 'duty'])
            .where(
              'user_id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
    return {
      total: Number(total),
      items: rows.map((r) => ({
        id: r.id,
        username: r.username,
        displayName: r.display_name,
        roles: r.roles,
        org: r.code && r.name && r.kind ? { code: r.code, name: r.name, kind: r.kind } : null,
        disabled: r.disabled,
        mustChangePassword: r.must_change_password,
        citizenBound: r.citizen_bound,
        officerOf: duties.filter((d) => d.user_id === r.id).map((d) => ({ org: d.org_code, duty: d.duty })),
        createdAt: r.created_at.toISOString(),
      })),
    };
  }

  /** One account by user name, or undefined. */
  async find(username: string): Promise<Account | undefined> {
    return (await this.list({ username, pageSize: 1 })).items[0];
  }

  /** Every organization with what an administrator needs to tell them apart; `q` matches name or code. */
  async organizations(filter: { q?: string | undefined; kind?: OrgKind | undefined }): Promise<OrganizationRow[]> {
    let query = this.db
      .selectFrom('access.organization as o')
      .leftJoin('access.organization as p', 'p.code', 'o.parent_code')
      .select([
        'o.code',
        'o.name',
        'o.kind',
        'o.division',
        'o.credit_code',
        'o.parent_code',
        'o.purposes',
        'p.name as parent_name',
        (eb) =>
          eb
            .selectFrom('access.user as u')
            .whereRef('u.org_id', '=', 'o.id')
            .select((e) => e.fn.countAll<string>().as('n'))
            .as('users'),
      ]);
    const q = filter.q?.trim();
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('o.name', 'ilike', like), eb('o.code', 'ilike', like)]));
    }
    if (filter.kind) query = query.where('o.kind', '=', filter.kind);
    const rows = await query.orderBy('o.id').execute();
    const officers = await this.db
      .selectFrom('access.officer as f')
      .innerJoin('access.user as u', 'u.id', 'f.user_id')
      .select(['f.org_code', 'f.duty', 'u.username', 'u.display_name'])
      .orderBy('u.username')
      .execute();
    return rows.map((r) => {
      const mine = officers.filter((f) => f.org_code === r.code);
      const person = (f: (typeof mine)[number]) => ({ username: f.username, displayName: f.display_name });
      const chief = mine.find((f) => f.duty === 'chief');
      return {
        code: r.code,
        name: r.name,
        kind: r.kind,
        division: r.division,
        divisionName: findDivision(r.division)?.name ?? null,
        creditCode: r.credit_code,
        parentCode: r.parent_code,
        parentName: r.parent_name,
        purposes: r.purposes,
        users: Number(r.users ?? 0),
        chief: chief ? person(chief) : null,
        stewards: mine.filter((f) => f.duty === 'steward').map(person),
      };
    });
  }
}
