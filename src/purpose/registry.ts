import type { Actor } from '../access/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError, announce, invalid, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { PURPOSE_CODE } from './migrations.js';
import type { PurposeTables } from './tables.js';

export interface Purpose {
  code: string;
  name: string;
  description: string;
}

const CODE = new RegExp(PURPOSE_CODE);
/** How long a process trusts its list; a safety net: an addition is announced to every process. */
const CACHE_MS = 30_000;
const CHANNEL = 'purpose_registry';

/**
 * 用途登记: the purposes data may be read for, each a stable code with a Chinese name. Grants
 * allow some of them and each call states one; consents will name them the same way. Operators
 * add purposes (on the ledger); none is ever removed, so a code in an old entry keeps its meaning.
 */
export class Purposes {
  private readonly db: Kysely<PurposeTables>;
  private known: { byCode: Map<string, Purpose>; until: number } | undefined;

  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
  ) {
    this.db = database.kysely.withTables<PurposeTables>();
  }

  /** Forgets the list when any process adds a purpose (or when a notification may have been missed). */
  async start(): Promise<void> {
    await this.database.listen(CHANNEL, () => (this.known = undefined));
  }

  async list(): Promise<Purpose[]> {
    return [...(await this.load(false)).values()];
  }

  /** The registered purpose of a code, or undefined; reads again on a miss (another process may have added it). */
  async find(code: string): Promise<Purpose | undefined> {
    if (!CODE.test(code)) return undefined;
    return (await this.load(false)).get(code) ?? (await this.load(true)).get(code);
  }

  /** The purposes of these codes, in order, without repeats; 422 naming `at` for any not registered. */
  async require(codes: string[], at: string): Promise<Purpose[]> {
    const out: Purpose[] = [];
    for (const code of new Set(codes)) {
      const purpose = await this.find(code);
      if (!purpose) throw invalid(at, msg('purpose.notRegistered', { code }));
      out.push(purpose);
    }
    if (out.length === 0) throw invalid(at, msg('purpose.atLeastOne'));
    return out;
  }

  async add(actor: Actor, input: Purpose): Promise<Purpose> {
    if (!CODE.test(input.code)) throw invalid('code', msg('purpose.badCode', { pattern: PURPOSE_CODE }));
    const taken = await this.db
      .selectFrom('purpose.purpose')
      .select('code')
      .where((eb) => eb.or([eb('code', '=', input.code), eb('name', '=', input.name)]))
      .executeTakeFirst();
    if (taken) throw new HubError('PUR_PURPOSE_EXISTS', msg('purpose.exists', { code: taken.code }));
    const purpose = { code: input.code, name: input.name, description: input.description };
    await this.db
      .insertInto('purpose.purpose')
      .values({ ...purpose, created_by: actor.username })
      .execute();
    this.known = undefined;
    await announce(this.db, CHANNEL, purpose.code);
    await this.ledger.append({
      kind: 'purpose.added',
      ...purpose,
      actor: actor.username,
      at: new Date().toISOString(),
    });
    return purpose;
  }

  private async load(fresh: boolean): Promise<Map<string, Purpose>> {
    if (fresh || !this.known || this.known.until < Date.now()) {
      const rows = await this.db
        .selectFrom('purpose.purpose')
        .select(['code', 'name', 'description'])
        .orderBy('created_at')
        .orderBy('code')
        .execute();
      this.known = { byCode: new Map(rows.map((r) => [r.code, r])), until: Date.now() + CACHE_MS };
    }
    return this.known.byCode;
  }
}
