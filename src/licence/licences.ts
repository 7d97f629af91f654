import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/index.js';
import { sql, type Database, type Kysely, type Selectable, type Transaction } from '../db/index.js';
import type { SecretBox } from '../keys/index.js';
import { HubError, announce, checkCitizenId, checkCreditCode, invalid, msg } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { Counters } from './counters.js';
import { makeIdentifier } from './identifier.js';
import type { IssuerKeys } from './issuer-keys.js';
import { STATUS_LIST_BITS, scatter } from './status-list.js';
import type { LicenceTables, StoredStatus } from './tables.js';
import type { HolderKind, LicenceType } from './types.js';

export type LicenceRow = Selectable<LicenceTables['licence.licence']>;
/** A licence's status now: as stored, or expired / not yet valid by its dates. */
export type LicenceStatus = StoredStatus | 'expired' | 'not_yet_valid';
export type FieldValues = Record<string, string>;

export interface IssueInput {
  type: string;
  holder: { kind: HolderKind; id: string };
  fields: FieldValues;
  validFrom?: string | undefined;
  validUntil?: string | null | undefined;
}

export interface ReviseInput {
  fields?: FieldValues | undefined;
  validUntil?: string | null | undefined;
}

export interface IssuerOrg {
  code: string;
  name: string;
  creditCode: string | null;
}

export interface LicenceDeps {
  ledger: Pick<Ledger, 'append' | 'subjectTag'>;
  /** Seals holders' IDs and field values at rest. */
  box: SecretBox;
  keys: IssuerKeys;
  org: (code: string) => Promise<IssuerOrg | undefined>;
  now?: () => Date;
}

/** The longest a licence may run when an issuer sets its end (longer ones are long-term: null). */
const MAX_YEARS = 30;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Where a licence's change (revised, revoked) is announced to every process, by its id. */
const CHANNEL = 'licence_changed';
/** How long a process trusts a licence's row it read for a verification, and how many it keeps. */
const SEEN_MS = 60_000;
const SEEN_MAX = 10_000;

/**
 * 电子证照: licence types, and licences issued, revised (a new version supersedes the old one)
 * and revoked by issuer departments. Holders' IDs and field values are sealed; each change is on
 * the ledger under the holder's tag. Who may do what is decided by the caller (authorized-licences.ts).
 */
export class Licences {
  readonly db: Kysely<LicenceTables>;
  readonly counters: Counters;
  private readonly now: () => Date;
  private typeCache: Promise<LicenceType[]> | undefined;
  /**
   * Licences' rows as verifications read them: a presentation is verified far more often than its
   * licence changes. A change is announced in its transaction and every process forgets the row.
   */
  private readonly seen = new Map<string, { row: LicenceRow; until: number }>();
  /** Moves on with every change heard: a read that raced a change is not kept (it may be the old state). */
  private generation = 0;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly deps: LicenceDeps,
  ) {
    this.db = database.kysely.withTables<LicenceTables>();
    this.now = deps.now ?? (() => new Date());
    this.counters = new Counters(this.db, this.now);
  }

  /** The registry of licence types (seeded by the migration; they do not change while a hub runs). */
  types(): Promise<LicenceType[]> {
    this.typeCache ??= this.db
      .selectFrom('licence.type')
      .selectAll()
      .orderBy('code')
      .execute()
      .then((rows) =>
        rows.map((r) => ({
          code: r.code,
          name: { 'zh-CN': r.name_zh, en: r.name_en },
          holderKind: r.holder_kind,
          fields: r.fields,
          validityDays: r.validity_days,
        })),
      );
    this.typeCache.catch(() => (this.typeCache = undefined));
    return this.typeCache;
  }

  async type(code: string): Promise<LicenceType> {
    const found = (await this.types()).find((t) => t.code === code);
    if (!found) throw new HubError('LIC_TYPE_NOT_FOUND', msg('licence.noType', { code }));
    return found;
  }

  async issue(actor: Actor, input: IssueInput): Promise<LicenceRow> {
    const now = this.now();
    const type = await this.type(input.type);
    if (type.holderKind !== input.holder.kind) throw invalid('holder/kind', msg('licence.wrongHolderKind'));
    const key = holderKey(input.holder.kind, input.holder.id);
    const fields = checkFields(type, input.fields);
    const validFrom = input.validFrom ? new Date(input.validFrom) : now;
    const validUntil =
      input.validUntil !== undefined
        ? dateOrNull(input.validUntil)
        : type.validityDays
          ? new Date(validFrom.getTime() + type.validityDays * 86_400_000)
          : null;
    checkDates(validFrom, validUntil);
    const issuer = await this.issuer(actor.org!.code);
    await this.deps.keys.ensure(issuer.code);
    const sealed = await this.seal(key, fields);
    const row = await this.db.transaction().execute(async (trx) => {
      const serial = await nextSerial(trx, issuer.code, type.code);
      return this.insert(trx, {
        type,
        issuer,
        serial,
        version: 1,
        kind: input.holder.kind,
        key,
        sealed,
        validFrom,
        validUntil,
        supersedes: null,
        by: actor.username,
        now,
      });
    });
    await this.record(actor, row, 'issue');
    this.counters.add(row.type_code, row.issuer_org, 'issued');
    return row;
  }

  /** A new version with changed fields or end; the one before is superseded (its status bit set). */
  async revise(actor: Actor, row: LicenceRow, input: ReviseInput): Promise<LicenceRow> {
    const now = this.now();
    if (row.status !== 'valid') throw badState(row.status);
    const type = await this.type(row.type_code);
    const { key, fields: before } = await this.open(row);
    const fields = checkFields(type, { ...before, ...input.fields });
    const validUntil = input.validUntil !== undefined ? dateOrNull(input.validUntil) : row.valid_until;
    checkDates(row.valid_from, validUntil);
    const issuer = await this.issuer(row.issuer_org);
    const sealed = await this.seal(key, fields);
    const next = await this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('licence.licence')
        .set({ status: 'superseded' })
        .where('id', '=', row.id)
        .where('status', '=', 'valid')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw badState('superseded');
      await announce(trx, CHANNEL, row.id);
      return this.insert(trx, {
        type,
        issuer,
        serial: row.serial,
        version: row.version + 1,
        kind: row.holder_kind,
        key,
        sealed,
        validFrom: row.valid_from,
        validUntil,
        supersedes: row.id,
        by: actor.username,
        now,
      });
    });
    this.forget(row.id);
    await this.record(actor, next, 'revise');
    this.counters.add(row.type_code, row.issuer_org, 'revised');
    return next;
  }

  async revoke(actor: Actor, row: LicenceRow, reason: string): Promise<LicenceRow> {
    const now = this.now();
    if (row.status !== 'valid') throw badState(row.status);
    await this.db.transaction().execute(async (trx) => {
      const done = await trx
        .updateTable('licence.licence')
        .set({ status: 'revoked', revoked_at: now, revoke_reason: reason })
        .where('id', '=', row.id)
        .where('status', '=', 'valid')
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw badState('revoked');
      await announce(trx, CHANNEL, row.id);
    });
    this.forget(row.id);
    const revoked = { ...row, status: 'revoked' as const, revoked_at: now, revoke_reason: reason };
    await this.record(actor, revoked, 'revoke');
    this.counters.add(row.type_code, row.issuer_org, 'revoked');
    return revoked;
  }

  async start(): Promise<void> {
    this.stopListening = await this.database.listen(CHANNEL, (id) => {
      this.generation++;
      if (id === null) this.seen.clear();
      else this.seen.delete(id);
    });
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
  }

  /**
   * A licence's row for a verification, from memory when this process read it lately. A
   * revocation or revision anywhere is heard by NOTIFY and acts on the next verification here.
   */
  async current(id: string): Promise<LicenceRow> {
    const hit = this.seen.get(id);
    if (hit && hit.until > Date.now()) return hit.row;
    const generation = this.generation;
    const row = await this.get(id);
    if (generation === this.generation) {
      if (this.seen.size >= SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(id, { row, until: Date.now() + SEEN_MS });
    }
    return row;
  }

  /** This process forgets a licence it changed at once: the NOTIFY reaches it a moment after the commit. */
  private forget(id: string): void {
    this.generation++;
    this.seen.delete(id);
  }

  async get(id: string): Promise<LicenceRow> {
    const row = UUID.test(id)
      ? await this.db.selectFrom('licence.licence').selectAll().where('id', '=', id).executeTakeFirst()
      : undefined;
    if (!row) throw new HubError('LIC_NOT_FOUND', msg('licence.notFound'));
    return row;
  }

  /** Licences of holders (by their keyed tags), newest first; superseded versions left out. */
  byHolders(tags: string[]): Promise<LicenceRow[]> {
    if (tags.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('licence.licence')
      .selectAll()
      .where('holder_tag', 'in', tags)
      .where('status', '<>', 'superseded')
      .orderBy('seq', 'desc')
      .limit(500)
      .execute();
  }

  /** Licences an issuer issued, newest first, every version. */
  async byIssuer(org: string, page: { limit: number; before?: string | undefined }) {
    let q = this.db.selectFrom('licence.licence').selectAll().where('issuer_org', '=', org);
    if (page.before) q = q.where('seq', '<', page.before);
    const rows = await q
      .orderBy('seq', 'desc')
      .limit(page.limit + 1)
      .execute();
    const items = rows.slice(0, page.limit);
    return { items, next: rows.length > page.limit ? items.at(-1)!.seq : null };
  }

  /** The holder's ID and the field values, opened. */
  async open(row: LicenceRow): Promise<{ key: string; fields: FieldValues }> {
    const [key, fields] = await Promise.all([this.deps.box.open(row.holder_key), this.deps.box.open(row.fields)]);
    return { key: key.toString('utf8'), fields: JSON.parse(fields.toString('utf8')) as FieldValues };
  }

  tagOf(key: string): string {
    return this.deps.ledger.subjectTag(key.trim().toUpperCase());
  }

  /** The indexes of a status list whose bit is set: versions revoked or superseded. */
  async setIndexes(list: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('licence.licence')
      .select('status_index')
      .where('status_list', '=', list)
      .where('status', '<>', 'valid')
      .execute();
    return rows.map((r) => r.status_index);
  }

  async statusListOwner(list: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('licence.status_list')
      .select('issuer_org')
      .where('id', '=', list)
      .executeTakeFirst();
    return row?.issuer_org;
  }

  async issuer(code: string): Promise<IssuerOrg & { creditCode: string }> {
    const org = await this.deps.org(code);
    if (!org?.creditCode) throw new HubError('LIC_NO_ISSUER_CODE', msg('licence.noIssuerCode', { org: code }));
    return { ...org, creditCode: org.creditCode };
  }

  /**
   * The holder's ID and the fields sealed, before the issuing transaction opens: sealing may read
   * the data key from the database, which on PGlite's one connection would wait on the transaction.
   */
  private async seal(key: string, fields: FieldValues): Promise<{ key: string; fields: string }> {
    return {
      key: await this.deps.box.seal(Buffer.from(key, 'utf8')),
      fields: await this.deps.box.seal(Buffer.from(JSON.stringify(fields), 'utf8')),
    };
  }

  private async insert(
    trx: Transaction<LicenceTables>,
    v: {
      type: LicenceType;
      issuer: IssuerOrg & { creditCode: string };
      serial: number;
      version: number;
      kind: HolderKind;
      key: string;
      sealed: { key: string; fields: string };
      validFrom: Date;
      validUntil: Date | null;
      supersedes: string | null;
      by: string;
      now: Date;
    },
  ): Promise<LicenceRow> {
    const slot = await nextStatusIndex(trx, v.issuer.code);
    // Keyed by the hub's secret through the list's tag: the order of issuing cannot be read back.
    const position = scatter(this.deps.ledger.subjectTag(`status-list:${slot.list}`), slot.index);
    const row = {
      id: randomUUID(),
      identifier: makeIdentifier({
        typeCode: v.type.code,
        issuerCode: v.issuer.creditCode,
        serial: v.serial,
        version: v.version,
      }),
      type_code: v.type.code,
      issuer_org: v.issuer.code,
      serial: v.serial,
      version: v.version,
      holder_kind: v.kind,
      holder_tag: this.tagOf(v.key),
      holder_key: v.sealed.key,
      fields: v.sealed.fields,
      status: 'valid' as const,
      valid_from: v.validFrom,
      valid_until: v.validUntil,
      supersedes: v.supersedes,
      issued_by: v.by,
      issued_at: v.now,
      revoked_at: null,
      revoke_reason: null,
      status_list: slot.list,
      status_index: position,
    };
    const { seq } = await trx.insertInto('licence.licence').values(row).returning('seq').executeTakeFirstOrThrow();
    return { ...row, seq };
  }

  private async record(actor: Actor, row: LicenceRow, action: 'issue' | 'revise' | 'revoke'): Promise<void> {
    await this.deps.ledger.append({
      kind: 'licence.changed',
      action,
      licence: row.id,
      identifier: row.identifier,
      type: row.type_code,
      issuer: row.issuer_org,
      version: row.version,
      state: row.status,
      subject: row.holder_tag,
      ...(action === 'revoke' ? { reason: row.revoke_reason ?? '' } : {}),
      actor: actor.username,
      org: actor.org?.code ?? null,
      at: (row.revoked_at ?? row.issued_at).toISOString(),
    });
  }
}

/** A licence's status at `now`: revoked or superseded as stored, else by its validity dates. */
export function statusAt(row: Pick<LicenceRow, 'status' | 'valid_from' | 'valid_until'>, now: Date): LicenceStatus {
  if (row.status !== 'valid') return row.status;
  if (row.valid_from.getTime() > now.getTime()) return 'not_yet_valid';
  if (row.valid_until && row.valid_until.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

export function badState(status: LicenceStatus): HubError {
  return new HubError('LIC_BAD_STATE', msg('licence.badState', { status: msg(`licence.status.${status}`) }));
}

const dateOrNull = (v: string | null) => (v === null ? null : new Date(v));

/** The holder's ID as stored: a citizen ID (GB 11643) or a credit code (GB 32100), checked. */
function holderKey(kind: HolderKind, raw: string): string {
  const checked = kind === 'person' ? checkCitizenId(raw) : checkCreditCode(raw);
  if (!checked.ok) throw invalid('holder/id', checked.message);
  return raw.trim().toUpperCase();
}

/** Every required field given (non-blank), no field the type does not have. */
function checkFields(type: LicenceType, given: FieldValues): FieldValues {
  const unknown = Object.keys(given).find((name) => !type.fields.some((f) => f.name === name));
  if (unknown !== undefined) throw invalid(`fields/${unknown}`, msg('licence.noSuchField', { field: unknown }));
  const out: FieldValues = {};
  for (const f of type.fields) {
    const value = given[f.name]?.trim() ?? '';
    if (f.required && value === '') throw invalid(`fields/${f.name}`, msg('kernel.required'));
    if (value !== '') out[f.name] = value;
  }
  return out;
}

function checkDates(from: Date, until: Date | null): void {
  if (Number.isNaN(from.getTime())) throw invalid('validFrom', msg('licence.badDate'));
  if (until === null) return;
  if (Number.isNaN(until.getTime())) throw invalid('validUntil', msg('licence.badDate'));
  if (until.getTime() <= from.getTime()) throw invalid('validUntil', msg('licence.endBeforeStart'));
  if (until.getTime() - from.getTime() > MAX_YEARS * 366 * 86_400_000)
    throw invalid('validUntil', msg('licence.tooLong', { years: MAX_YEARS }));
}

/** The next serial of an issuer's licences of a type, taken in the issuing transaction. */
async function nextSerial(trx: Transaction<LicenceTables>, org: string, type: string): Promise<number> {
  const row = await trx
    .insertInto('licence.serial')
    .values({ issuer_org: org, type_code: type, last: 1 })
    .onConflict((oc) => oc.columns(['issuer_org', 'type_code']).doUpdateSet({ last: sql`licence.serial.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return row.last;
}

/** The next free bit of the issuer's current status list; a full list is followed by a new one. */
async function nextStatusIndex(trx: Transaction<LicenceTables>, org: string): Promise<{ list: string; index: number }> {
  const taken = await trx
    .updateTable('licence.status_list')
    .set({ next_index: sql`next_index + 1` })
    .where('issuer_org', '=', org)
    .where('next_index', '<', sql<number>`size`)
    .returning(['id', 'next_index'])
    .executeTakeFirst();
  if (taken) return { list: taken.id, index: taken.next_index - 1 };
  const lists = await trx
    .selectFrom('licence.status_list')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('issuer_org', '=', org)
    .executeTakeFirstOrThrow();
  const id = `${org.toLowerCase()}-${Number(lists.n) + 1}`;
  await trx
    .insertInto('licence.status_list')
    .values({ id, issuer_org: org, size: STATUS_LIST_BITS, next_index: 1 })
    .execute();
  return { list: id, index: 0 };
}
