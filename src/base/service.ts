import type { Actor, Target } from '../access/index.js';
import { findDataElement, type CatalogService, type OrgNames, type Resource } from '../catalog/index.js';
import type { Database, Kysely } from '../db/index.js';
import { HubError, checkCitizenId, checkCreditCode, digestJson, invalid, msg } from '../kernel/index.js';
import type { Ledger, ReadOp } from '../ledger/index.js';
import { recordedRead, type ReadSteps } from '../share/index.js';
import type { RecordStore, SealingKeys } from '../records/index.js';
import { absorb, lockBase, type AbsorbResult, type LoadedRow } from './absorb.js';
import { accuracy, overallAccuracy, type Accuracy, type Tally } from './accuracy.js';
import { changesIn, type ChangePage } from './changes.js';
import { baseCodecs } from './codec.js';
import { plainKeys, plainOf, type BaseCodecs } from './key-book.js';
import { resealBase, sealAtRest } from './seal-at-rest.js';
import { listAuthorities, setAuthority, type Authority } from './authority.js';
import { decideConflict, listConflicts, type ConflictFilter, type ConflictRecord, type Decision } from './conflicts.js';
import { BASE_KINDS, feedOf, isBaseElement, type BaseKind } from './kinds.js';
import type { LabelRule } from './label-rules.js';
import { findRule, labelCounts, memberKeys, recomputeLabels, saveRule, todayInJinan } from './labels.js';
import { showKey, showValue, isMasked, type Exposure } from './masks.js';
import { readSubject, valuesOf, type SubjectElement } from './subjects.js';
import { overview, type Overview } from './overview.js';
import type { BaseTables, ConflictState } from './tables.js';

type BaseReadOp = Extract<ReadOp, `base.${string}`>;

/** Rows of a job read back per query: a few MB at a time, few round trips. */
const READ_BATCH = 10_000;

export interface BaseDeps {
  orgNames: OrgNames;
  /** The citizen ID bound to a citizen account: who may read their own person subject. */
  citizenIdOf(actor: Actor): Promise<string | null>;
  /** The key store: the bases seal citizen IDs and sensitive values at rest (codec.ts). */
  keys: SealingKeys;
}

/** A subject as its reader sees it: values masked by exposure, names resolved. */
export interface SubjectView {
  kind: BaseKind;
  key: string;
  elements: Array<SubjectElement & { name: string; providerName: string; masked: boolean }>;
  labels: Array<{ code: string; name: string }>;
}

/** 一数一源: the provider named the source of record of one element of a base, or null to clear it. */
export interface AuthorityInput {
  kind: BaseKind;
  element: string;
  provider: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * 聚: the base databases. Loads are absorbed by `absorb` (ingest calls it after a load committed);
 * everything else is a read or a governance step by an actor. Reads that return subjects' data
 * take share's one recorded read (`recorded` below).
 */
export class BaseService {
  private readonly db: Kysely<BaseTables>;
  private readonly codecs: BaseCodecs;

  constructor(
    private readonly database: Database,
    private readonly catalog: CatalogService,
    private readonly records: RecordStore,
    private readonly ledger: Ledger,
    private readonly deps: BaseDeps,
  ) {
    this.db = database.kysely.withTables<BaseTables>();
    this.codecs = baseCodecs(deps.keys);
  }

  /**
   * Seals what a base of an earlier version holds in clear (keys and sensitive values), a batch
   * of subjects at a time; nothing when no base waits for it (base.seal_pending). At start, before serving.
   */
  async sealAtRest(onBatch?: (kind: BaseKind, done: number) => void): Promise<number> {
    return sealAtRest(this.db, this.codecs, onBatch);
  }

  /**
   * A data rotation's pass over a base: its sealed values and keys sealed again under its active
   * data key (`qdh keys rotate --data`, after the key store made a new one active). Returns subjects gone through.
   */
  reseal(kind: BaseKind, batch: number, onBatch?: (done: number) => Promise<void>): Promise<number> {
    return resealBase(this.db, this.codecs, kind, batch, onBatch);
  }

  /** How many subjects a base holds, with those that left it but are still in its key book. */
  async subjectsToReseal(kind: BaseKind): Promise<number> {
    const table = (await this.codecs(kind)).keySealed ? 'base.key_book' : 'base.subject';
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A subject key as the base's tables hold it (its blind index where keys are sealed): for an operator's SQL. */
  async storedKey(kind: BaseKind, key: string): Promise<string> {
    return (await this.codecs(kind)).storedKey(key);
  }

  /** Takes a committed load into its base; nothing for a resource that feeds none. Idempotent. */
  absorb(
    resource: Resource,
    jobId: string,
    batches: AsyncIterable<LoadedRow[]>,
    opts: { whole?: boolean; chunk?: number } = {},
  ): Promise<AbsorbResult> {
    return absorb(this.database, this.db, this.codecs, resource, jobId, batches, opts);
  }

  /**
   * Absorbs the rows of a job as the catalog holds them now, through the resource's last published
   * version: an entry never published (a draft under review) feeds nothing, and an unpublished
   * edit feeds only what was published. Its loads are taken in by the catch-up once it is published.
   */
  async absorbJob(resource: Resource, jobId: string): Promise<AbsorbResult> {
    const published = await this.published(resource.code);
    if (!published) return { subjects: 0, values: 0, conflicts: 0, departed: 0 };
    // A snapshot says which subjects the resource no longer has — while it is still all the resource holds.
    const whole = await this.records.holdsOnly(resource.id, jobId);
    return this.absorb(published, jobId, this.records.ofJob(resource.id, jobId, READ_BATCH), { whole });
  }

  /** The resource as published (what anyone outside its provider reads); undefined when never published. */
  private async published(code: string): Promise<Resource | undefined> {
    try {
      return await this.catalog.read(code, { org: null, all: false });
    } catch (e) {
      if (e instanceof HubError && e.code === 'CAT_RESOURCE_NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** Whether a job's rows still wait for a base (a published resource that feeds one, not absorbed yet). */
  async pending(resourceCode: string, jobId: string): Promise<boolean> {
    const published = await this.published(resourceCode);
    return !!published && !!feedOf(published) && !(await this.absorbed(jobId));
  }

  /** Absorbs every load a resource holds, oldest first (a resource that fed the base before this module did). */
  async absorbResource(resource: Resource): Promise<AbsorbResult> {
    const total: AbsorbResult = { subjects: 0, values: 0, conflicts: 0, departed: 0 };
    for (const job of await this.records.jobs(resource.id)) {
      if (await this.absorbed(job)) continue;
      const r = await this.absorbJob(resource, job);
      total.subjects += r.subjects;
      total.values += r.values;
      total.conflicts += r.conflicts;
      total.departed += r.departed;
    }
    return total;
  }

  /**
   * 数据返还 (docs/cascade.md): the changes of a base in one county after a cursor, deletions and
   * departures included. For the cascade only, which answers a verified district node with it.
   */
  async changes(kind: BaseKind, division: string, after: number, limit: number): Promise<ChangePage> {
    return changesIn(this.db, await this.codecs(kind), division, after, limit);
  }

  /**
   * How many subjects of a base are in each county now (their merged division), for the cockpit's
   * map: read from the tally the base keeps as subjects arrive and leave, a row per county.
   */
  async subjectsByCounty(kind: BaseKind): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('base.county_tally')
      .select(['division', 'subjects'])
      .where('kind', '=', kind)
      .where('subjects', '>', 0)
      .execute();
    return new Map(rows.map((r) => [r.division, Number(r.subjects)]));
  }

  /**
   * Catches up with loads not absorbed yet (the process absorbing one died, or the absorb
   * failed): every resource feeding a base, every job whose rows it holds. Returns subjects absorbed.
   */
  async absorbMissed(): Promise<number> {
    let subjects = 0;
    for (const code of await this.catalog.resourcesWithRecords()) {
      const resource = await this.published(code);
      if (resource && feedOf(resource)) subjects += (await this.absorbResource(resource)).subjects;
    }
    return subjects;
  }

  async absorbed(jobId: string): Promise<boolean> {
    return !!(await this.db
      .selectFrom('base.absorption')
      .select('job_id')
      .where('job_id', '=', jobId)
      .executeTakeFirst());
  }

  /** The merged view of one subject. A citizen may read their own person subject, unmasked. */
  async subject(kind: BaseKind, rawKey: string, actor: Actor | null, purpose?: string): Promise<SubjectView> {
    const key = normalizeKey(kind, rawKey);
    const self = kind === 'person' && actor !== null && (await this.deps.citizenIdOf(actor)) === key;
    const exposure: Exposure = self ? 'plain' : 'masked';
    const why = purpose ?? (self ? '本人查询' : '基础库核查');
    const what = { op: 'base.subject' as const, kind, why, subjects: [key] };
    return this.recorded(actor, { self }, what, {
      fetch: () => this.subjectOf(kind, key),
      mask: (read) => this.viewOf(read, exposure),
      rows: () => 1,
      notFound: (e) => e instanceof HubError && e.code === 'BAS_SUBJECT_NOT_FOUND',
    });
  }

  /**
   * A subject's valid values by element, unmasked, or null when the base does not hold it. Not
   * a recorded read: for a caller that records the read itself and lets no value leave — the
   * proof-free attestation (src/attest/), whose ledger entry is the record of the question.
   */
  async valuesFor(kind: BaseKind, rawKey: string): Promise<Record<string, unknown> | null> {
    const record = await readSubject(this.db, this.codecs, kind, normalizeKey(kind, rawKey)).catch((e: unknown) => {
      if (e instanceof HubError && e.code === 'BAS_SUBJECT_NOT_FOUND') return null;
      throw e;
    });
    return record && Object.fromEntries(record.elements.filter((e) => e.valid).map((e) => [e.element, e.value]));
  }

  /** A subject as stored, with the names its view shows: nothing masked yet. */
  private async subjectOf(kind: BaseKind, key: string) {
    const record = await readSubject(this.db, this.codecs, kind, key);
    const rules = new Map((await labelCounts(this.db)).map((r) => [r.code, r.name]));
    const names = await this.deps.orgNames([...new Set(record.elements.map((e) => e.origin.provider))]);
    return { kind, key, record, rules, names };
  }

  private viewOf(read: Awaited<ReturnType<BaseService['subjectOf']>>, exposure: Exposure): SubjectView {
    const { kind, key, record, rules, names } = read;
    return {
      kind,
      key: showKey(kind, key, exposure),
      elements: record.elements.map((e) => {
        const masked = isMasked(e.element, exposure);
        return {
          ...e,
          name: findDataElement(e.element)?.name ?? e.element,
          providerName: names.get(e.origin.provider) ?? e.origin.provider,
          masked,
          value: showValue(e.element, e.value, exposure),
          // A reason may quote the value; a masked value keeps it to itself.
          invalidReason: e.invalidReason && masked ? '未通过数据元校验' : e.invalidReason,
          openConflicts: e.openConflicts.map((c) => ({ ...c, value: showValue(e.element, c.value, exposure) })),
        };
      }),
      labels: record.labels.map((code) => ({ code, name: rules.get(code) ?? code })),
    };
  }

  /** A page of a label's members: keys masked, with the subject's name (masked) to recognise them by. */
  async members(
    code: string,
    page: number,
    actor: Actor | null,
    pageSize = 50,
  ): Promise<Page<{ key: string; name: unknown }>> {
    const what = { op: 'base.members' as const, kind: 'all' as const, why: '标签名单核查', label: code };
    return this.recorded(actor, {}, what, {
      fetch: async () => {
        const rule = await findRule(this.db, code);
        const codec = await this.codecs(rule.kind);
        const { keys: stored, total } = await memberKeys(this.db, rule, page, pageSize);
        const nameElement = rule.kind === 'person' ? 'person_name' : 'enterprise_name';
        const plain = await plainKeys(this.db, codec, stored);
        const names = await valuesOf(this.db, codec, stored, [nameElement]);
        const members = stored.map((k) => ({ key: plainOf(plain, k), name: names.get(k)?.[nameElement] }));
        return { rule, keys: members.map((m) => m.key), members, total, nameElement };
      },
      mask: ({ rule, members, total, nameElement }) => ({
        items: members.map((m) => ({
          key: showKey(rule.kind, m.key, 'masked'),
          name: m.name === undefined ? null : showValue(nameElement, m.name, 'masked'),
        })),
        total,
        page,
        pageSize,
      }),
      rows: (p) => p.items.length,
      subjectsOf: ({ keys }) => keys,
    });
  }

  /** Conflicts for review: subjects masked, the two values shown unless sensitive personal information. */
  async conflicts(
    filter: ConflictFilter,
    actor: Actor | null,
  ): Promise<Page<ConflictRecord & { elementName: string }>> {
    const kind = filter.kind ?? 'all';
    return this.recorded(
      actor,
      {},
      { op: 'base.conflicts', kind, why: '冲突审核' },
      {
        fetch: () => listConflicts(this.db, this.codecs, filter),
        mask: ({ items, total }) => ({
          items: items.map((c) => this.forReview(c)),
          total,
          page: filter.page,
          pageSize: filter.pageSize,
        }),
        rows: (p) => p.items.length,
        // Each subject on the page is read (its values shown for review): one entry each, as for members.
        subjectsOf: ({ items }) => items.map((c) => c.subject),
      },
    );
  }

  private forReview(c: ConflictRecord): ConflictRecord & { elementName: string } {
    const show = (v: unknown) => showValue(c.element, v, 'review');
    return {
      ...c,
      subject: showKey(c.kind, c.subject, 'review'),
      elementName: findDataElement(c.element)?.name ?? c.element,
      authoritative: { ...c.authoritative, value: show(c.authoritative.value) },
      other: { ...c.other, value: show(c.other.value) },
    };
  }

  /** A reviewer keeps one of the two values (or dismisses the conflict); recorded on the ledger. */
  async resolve(id: number, by: Actor, decision: Decision): Promise<ConflictRecord & { elementName: string }> {
    const note = decision.note.trim();
    if (!note) throw invalid('note', msg('kernel.noteRequired'));
    const c = await decideConflict(this.db, this.codecs, id, by.username, { ...decision, note });
    await this.ledger.append({
      kind: 'base.conflict.decided',
      conflict: id,
      kept: c.kept,
      state: c.state,
      subject: this.ledger.subjectTag(c.subject),
      actor: by.username,
      at: new Date().toISOString(),
    });
    return this.forReview(c);
  }

  async labels(): Promise<Array<LabelRule & { members: number }>> {
    return labelCounts(this.db);
  }

  /** Declares or replaces a label rule and labels the base by it at once. */
  async defineLabel(actor: Actor, rule: LabelRule): Promise<LabelRule> {
    const saved = await saveRule(this.db, rule, actor.username);
    await this.recomputeLabels(saved.kind);
    await this.ledger.append({
      kind: 'base.label.defined',
      code: saved.code,
      digest: digestJson(this.ledger.suite, saved),
      actor: actor.username,
      at: new Date().toISOString(),
    });
    return saved;
  }

  /** Labels the whole of a base (or both) again: ages change with the date, so run daily. */
  async recomputeLabels(kind?: BaseKind, asOf = todayInJinan()): Promise<void> {
    for (const k of kind ? [kind] : BASE_KINDS) {
      await this.db.transaction().execute(async (trx) => {
        await lockBase(trx, k);
        await recomputeLabels(trx, k, { keys: null, element: null }, asOf);
      });
    }
  }

  async accuracy(): Promise<Accuracy> {
    return accuracy(this.db);
  }

  /** The bases' accurate values over all values (the cockpit's 字段准确率), from the kept tally. */
  overallAccuracy(): Promise<Tally> {
    return overallAccuracy(this.db);
  }

  async overview(): Promise<Overview> {
    return overview(this.db);
  }

  async authorities(): Promise<Array<Authority & { elementName: string; providerName: string }>> {
    const list = await listAuthorities(this.db);
    const names = await this.deps.orgNames([...new Set(list.map((a) => a.provider))]);
    return list.map((a) => ({
      ...a,
      elementName: findDataElement(a.element)?.name ?? a.element,
      providerName: names.get(a.provider) ?? a.provider,
    }));
  }

  /** 一数一源: names (or, with null, clears) the source of record of one element; recomputes it. */
  async setAuthority(actor: Actor, input: AuthorityInput): Promise<void> {
    if (!isBaseElement(input.kind, input.element)) {
      throw invalid('element', msg('base.notElementOf', { base: msg(`baseKind.${input.kind}`) }));
    }
    if (input.provider !== null && !(await this.deps.orgNames([input.provider])).has(input.provider)) {
      throw invalid('provider', msg('access.noOrg', { org: input.provider }));
    }
    await setAuthority(this.db, input.kind, input.element, input.provider, actor.username);
    await this.ledger.append({
      kind: 'base.authority.set',
      base: input.kind,
      element: input.element,
      provider: input.provider,
      actor: actor.username,
      at: new Date().toISOString(),
    });
  }

  /**
   * Reads of subjects' data take share's one recorded read: the policy's `base:read-subjects`,
   * read, mask, on the ledger (a denial too), and only then returned.
   */
  private recorded<R, T>(
    actor: Actor | null,
    target: Target,
    what: { op: BaseReadOp; kind: BaseKind | 'all'; why: string; subjects?: string[]; label?: string },
    steps: Omit<ReadSteps<null, R, T>, 'admit'>,
  ): Promise<T> {
    const request = {
      actor,
      action: 'base:read-subjects' as const,
      target,
      op: what.op,
      resource: `base:${what.kind}`,
      purpose: what.why,
      subjects: what.subjects ?? null,
      label: what.label,
    };
    return recordedRead(this.ledger, request, { ...steps, admit: async () => ({ context: null }) });
  }
}

/** A key as stored: validated and normalized by the base's key element (15→18-digit IDs). */
function normalizeKey(kind: BaseKind, raw: string): string {
  const checked = kind === 'person' ? checkCitizenId(raw) : checkCreditCode(raw);
  if (!checked.ok) throw invalid('key', checked.message);
  return 'id' in checked.value ? checked.value.id : checked.value.code;
}

export type { ConflictState };
