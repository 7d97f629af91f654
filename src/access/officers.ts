import { sql, type Database, type Kysely } from '../db/index.js';
import { chinaDate, invalid, msg } from '../kernel/index.js';
import type { AccessTables } from './tables.js';

export interface Officers {
  org: string;
  chief: { username: string; displayName: string } | null;
  stewards: Array<{ username: string; displayName: string }>;
}

/** Whose open tasks an inbox shows, as the permission layer found it (AuthorizedAccess). */
export interface TaskScope {
  /** The caller's organization; null for an account without one. */
  org: string | null;
  /** Also the tasks addressed to the platform, to no organization (operators). */
  platform: boolean;
}

export interface Task {
  id: number;
  kind: string;
  title: string;
  ref: string;
  org: string | null;
  dueDate: string | null;
  overdue: boolean;
  state: 'open' | 'done';
  createdAt: string;
}

/**
 * 数据官制: who answers for an organization's data (one chief data officer, any number of data
 * stewards), and the inbox of work waiting for them. Tasks are addressed to an organization,
 * not a person, so that they survive a change of officer.
 */
export class OfficerService {
  private readonly db: Kysely<AccessTables>;

  constructor(database: Database) {
    this.db = database.kysely.withTables<AccessTables>();
  }

  async officers(org: string): Promise<Officers> {
    const rows = await this.db
      .selectFrom('access.officer as o')
      .innerJoin('access.user as u', 'u.id', 'o.user_id')
      .select(['o.duty', 'u.username', 'u.display_name'])
      .where('o.org_code', '=', org)
      .orderBy('u.username')
      .execute();
    const person = (r: (typeof rows)[number]) => ({ username: r.username, displayName: r.display_name });
    const chief = rows.find((r) => r.duty === 'chief');
    return { org, chief: chief ? person(chief) : null, stewards: rows.filter((r) => r.duty === 'steward').map(person) };
  }

  /** Replaces an organization's officers; each must be an officer-role user of that organization. */
  async setOfficers(org: string, chief: string | null, stewards: string[]): Promise<Officers> {
    const names = [...new Set([...(chief ? [chief] : []), ...stewards])];
    const users =
      names.length === 0
        ? []
        : await this.db
            .selectFrom('access.user as u')
            .innerJoin('access.organization as o', 'o.id', 'u.org_id')
            .select(['u.id', 'u.username', 'u.roles', 'o.code'])
            .where('u.username', 'in', names)
            .execute();
    for (const name of names) {
      const u = users.find((x) => x.username === name);
      if (!u || u.code !== org || !u.roles.includes('officer')) {
        throw invalid(name === chief ? 'chief' : 'stewards', msg('access.notAnOfficer', { user: name, org }));
      }
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('access.officer').where('org_code', '=', org).execute();
      const rows = users.map((u) => ({
        org_code: org,
        user_id: u.id,
        duty: u.username === chief ? ('chief' as const) : ('steward' as const),
      }));
      if (rows.length > 0) await trx.insertInto('access.officer').values(rows).execute();
    });
    return this.officers(org);
  }

  /** Opens a task unless the same one is already open (a re-submission does not stack up work). */
  async open(task: { org: string | null; kind: string; ref: string; title: string; dueDate: string | null }) {
    await this.db
      .insertInto('access.task')
      .values({
        org_code: task.org,
        kind: task.kind,
        ref: task.ref,
        title: task.title,
        due_date: task.dueDate,
        done_at: null,
      })
      .onConflict((oc) => oc.columns(['kind', 'ref']).where('state', '=', 'open').doNothing())
      .execute();
  }

  async close(kind: string, ref: string): Promise<void> {
    await this.db
      .updateTable('access.task')
      .set({ state: 'done', done_at: new Date() })
      .where('kind', '=', kind)
      .where('ref', '=', ref)
      .where('state', '=', 'open')
      .execute();
  }

  /** The open tasks of the scope's organization, and with `platform` those addressed to the platform. */
  async inbox(scope: TaskScope): Promise<Task[]> {
    const org = scope.org ?? '';
    const rows = await this.db
      .selectFrom('access.task')
      .select([
        'id',
        'kind',
        'title',
        'ref',
        'org_code',
        sql<string | null>`to_char(due_date, 'YYYY-MM-DD')`.as('due'),
        'state',
        'created_at',
      ])
      .where('state', '=', 'open')
      .where((eb) =>
        scope.platform ? eb.or([eb('org_code', 'is', null), eb('org_code', '=', org)]) : eb('org_code', '=', org),
      )
      .orderBy('due_date')
      .orderBy('id')
      .limit(500)
      .execute();
    const today = chinaDate(new Date());
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      ref: r.ref,
      org: r.org_code,
      dueDate: r.due,
      overdue: r.due !== null && r.due < today,
      state: r.state,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
