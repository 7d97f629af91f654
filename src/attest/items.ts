import type { Actor } from '../access/index.js';
import { json, type Database, type Kysely, type Selectable } from '../db/index.js';
import { HubError, announce, digestJson, invalid, msg, type Texts } from '../kernel/index.js';
import type { Ledger } from '../ledger/index.js';
import { checkRule, type RuleCatalog } from './check.js';
import { describeRule } from './describe.js';
import type { Condition, SubjectKind } from './rule.js';
import type { AttestTables } from './tables.js';

type ItemRow = Selectable<AttestTables['attest.item']>;
type VersionRow = Selectable<AttestTables['attest.rule_version']>;

/** A proof item with its rule in force. */
export interface ProofItem {
  code: string;
  name: Texts;
  provider: string;
  subjectKind: SubjectKind;
  version: number;
  rule: Condition;
  description: Texts;
  updatedAt: string;
}

/** One saved version of an item's rule. */
export interface RuleVersion {
  version: number;
  rule: Condition;
  description: Texts;
  digest: string;
  note: string;
  createdBy: string;
  createdAt: string;
}

export interface NewItem {
  code: string;
  name: Texts;
  provider: string;
  subjectKind: SubjectKind;
  rule: unknown;
  note?: string | undefined;
}

export interface ItemDeps {
  catalog: RuleCatalog;
  ledger: Pick<Ledger, 'append' | 'suite'>;
  now?: () => Date;
}

const CHANNEL = 'attest_item';
/** A safety net only: changes are heard at once through NOTIFY. */
const CACHE_MS = 60_000;
/** Items kept at most; the catalog holds a few hundred. */
const CACHE_ITEMS = 10_000;

/**
 * 证明事项: the catalog of proof items and their versioned rules. A save checks the rule
 * (check.ts) and writes a new version beside the old ones, which never change: an answer names
 * the version it was decided by, and that version stays readable. Each save is on the ledger.
 */
export class ProofItems {
  private readonly db: Kysely<AttestTables>;
  private readonly now: () => Date;
  /** Items in force by code: every question reads its item, and items change seldom. */
  private readonly cache = new Map<string, { item: ProofItem; until: number }>();
  /** Moves on with every change heard: a read that raced a change is not cached (it may be the old version). */
  private generation = 0;

  constructor(
    private readonly database: Database,
    private readonly deps: ItemDeps,
  ) {
    this.db = database.kysely.withTables<AttestTables>();
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Forgets an item when any process saves a version of it (NOTIFY at the save's commit), so
   * that the next question, here or in another process, is decided by the new version.
   */
  async start(): Promise<void> {
    await this.database.listen(CHANNEL, (code) => this.forget(code));
  }

  /** This process's save is forgotten at once, not when its own notification comes back. */
  private forget(code: string | null): void {
    this.generation++;
    if (code === null) this.cache.clear();
    else this.cache.delete(code);
  }

  /** Checks a rule without saving it: its normalized form and its words, or ATT_BAD_RULE. */
  async check(kind: SubjectKind, input: unknown): Promise<{ rule: Condition; description: Texts }> {
    const { rule, sources } = await checkRule(input, kind, this.deps.catalog);
    return { rule, description: describeRule(rule, kind, sources) };
  }

  async create(actor: Actor, input: NewItem): Promise<ProofItem> {
    const checked = await this.check(input.subjectKind, input.rule);
    const at = this.now();
    const done = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('attest.item')
        .values({
          code: input.code,
          name_zh: input.name['zh-CN'].trim(),
          name_en: input.name.en.trim(),
          provider: input.provider,
          subject_kind: input.subjectKind,
          version: 1,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('code')
        .executeTakeFirst();
      if (!inserted) return false;
      await this.insertVersion(trx, input.code, 1, checked, input.note, actor, at);
      await announce(trx, CHANNEL, input.code);
      return true;
    });
    this.forget(input.code);
    if (!done) throw new HubError('ATT_ITEM_EXISTS', msg('attest.itemExists', { code: input.code }));
    await this.record(actor, 'create', input.code, 1, input.provider, checked.rule, at);
    return this.get(input.code);
  }

  /** A new version of an item's rule; `baseVersion` is the version the editor started from. */
  async revise(actor: Actor, code: string, input: { rule: unknown; note?: string | undefined; baseVersion: number }) {
    const item = await this.row(code);
    const checked = await this.check(item.subject_kind, input.rule);
    const at = this.now();
    const version = input.baseVersion + 1;
    const moved = await this.db.transaction().execute(async (trx) => {
      // Names the version it moves from: of two editors at once, one saves and one is told.
      const updated = await trx
        .updateTable('attest.item')
        .set({ version, updated_at: at })
        .where('code', '=', code)
        .where('version', '=', input.baseVersion)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await this.insertVersion(trx, code, version, checked, input.note, actor, at);
      await announce(trx, CHANNEL, code);
      return true;
    });
    this.forget(code);
    if (!moved) throw new HubError('ATT_VERSION_CONFLICT', msg('attest.changedMeanwhile', { version: item.version }));
    await this.record(actor, 'revise', code, version, item.provider, checked.rule, at);
    return this.get(code);
  }

  /** The item with its rule in force: every question asks for it, so it is kept (start). */
  async get(code: string): Promise<ProofItem> {
    const kept = this.cache.get(code);
    if (kept && kept.until > Date.now()) return kept.item;
    const generation = this.generation;
    const item = await this.read(code);
    if (generation === this.generation) {
      if (this.cache.size >= CACHE_ITEMS) this.cache.clear();
      this.cache.set(code, { item, until: Date.now() + CACHE_MS });
    }
    return item;
  }

  /** The item with its rule in force, in one statement. */
  private async read(code: string): Promise<ProofItem> {
    const row = await this.db
      .selectFrom('attest.item as i')
      .innerJoin('attest.rule_version as v', (j) =>
        j.onRef('v.item', '=', 'i.code').onRef('v.version', '=', 'i.version'),
      )
      .selectAll('i')
      .select(['v.rule', 'v.description'])
      .where('i.code', '=', code)
      .executeTakeFirst();
    if (!row) throw new HubError('ATT_ITEM_NOT_FOUND', msg('attest.noItem', { code }));
    return view(row, row);
  }

  async list(): Promise<ProofItem[]> {
    const items = await this.db.selectFrom('attest.item').selectAll().orderBy('code').execute();
    if (items.length === 0) return [];
    const versions = await this.db
      .selectFrom('attest.rule_version as v')
      .innerJoin('attest.item as i', (j) => j.onRef('i.code', '=', 'v.item').onRef('i.version', '=', 'v.version'))
      .selectAll('v')
      .execute();
    const current = new Map(versions.map((v) => [v.item, v]));
    return items.flatMap((i) => {
      const v = current.get(i.code);
      return v ? [view(i, v)] : [];
    });
  }

  /** Every version of an item's rule, newest first. */
  async versions(code: string): Promise<RuleVersion[]> {
    await this.row(code);
    const rows = await this.db
      .selectFrom('attest.rule_version')
      .selectAll()
      .where('item', '=', code)
      .orderBy('version', 'desc')
      .execute();
    return rows.map(versionView);
  }

  /** One version, as an answer names it. */
  async version(code: string, version: number): Promise<VersionRow> {
    const row = await this.db
      .selectFrom('attest.rule_version')
      .selectAll()
      .where('item', '=', code)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw new HubError('ATT_ITEM_NOT_FOUND', msg('attest.noItem', { code }));
    return row;
  }

  /** Item names by code, for lists of answers. */
  async names(codes: string[]): Promise<Map<string, Texts>> {
    if (codes.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('attest.item')
      .select(['code', 'name_zh', 'name_en'])
      .where('code', 'in', [...new Set(codes)])
      .execute();
    return new Map(rows.map((r) => [r.code, { 'zh-CN': r.name_zh, en: r.name_en }]));
  }

  private async row(code: string): Promise<ItemRow> {
    const row = await this.db.selectFrom('attest.item').selectAll().where('code', '=', code).executeTakeFirst();
    if (!row) throw new HubError('ATT_ITEM_NOT_FOUND', msg('attest.noItem', { code }));
    return row;
  }

  private async insertVersion(
    trx: Kysely<AttestTables>,
    item: string,
    version: number,
    checked: { rule: Condition; description: Texts },
    note: string | undefined,
    actor: Actor,
    at: Date,
  ): Promise<void> {
    await trx
      .insertInto('attest.rule_version')
      .values({
        item,
        version,
        rule: json(checked.rule),
        description: json(checked.description),
        digest: digestJson(this.deps.ledger.suite, checked.rule),
        note: note?.trim() ?? '',
        created_by: actor.username,
        created_at: at,
      })
      .execute();
  }

  private async record(
    actor: Actor,
    action: 'create' | 'revise',
    item: string,
    version: number,
    provider: string,
    rule: Condition,
    at: Date,
  ): Promise<void> {
    await this.deps.ledger.append({
      kind: 'attest.item.changed',
      action,
      item,
      version,
      provider,
      digest: digestJson(this.deps.ledger.suite, rule),
      actor: actor.username,
      org: actor.org?.code ?? null,
      at: at.toISOString(),
    });
  }
}

function view(item: ItemRow, v: Pick<VersionRow, 'rule' | 'description'>): ProofItem {
  return {
    code: item.code,
    name: { 'zh-CN': item.name_zh, en: item.name_en },
    provider: item.provider,
    subjectKind: item.subject_kind,
    version: item.version,
    rule: v.rule,
    description: v.description,
    updatedAt: item.updated_at.toISOString(),
  };
}

function versionView(v: VersionRow): RuleVersion {
  return {
    version: v.version,
    rule: v.rule,
    description: v.description,
    digest: v.digest,
    note: v.note,
    createdBy: v.created_by,
    createdAt: v.created_at.toISOString(),
  };
}

/** An item code: lower-case letters, digits and underscores. */
export const ITEM_CODE = '^[a-z][a-z0-9_]{1,39}$';

/** Refuses an item name that is blank in either language. */
export function checkName(name: Texts): void {
  if (!name['zh-CN'].trim()) throw invalid('name/zh-CN', msg('kernel.required'));
  if (!name.en.trim()) throw invalid('name/en', msg('kernel.required'));
}
