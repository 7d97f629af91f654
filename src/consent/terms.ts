import { Type, type Static } from 'typebox';
import { invalid, msg, type HubError } from '../kernel/index.js';

/**
 * The consent artefact's terms, after the consent artefact of India's Account Aggregator
 * framework (docs/consent.md): which data, from when to when, how often, kept how long, of which
 * period. The purpose is the consent's own and never changes; the subject may narrow the rest.
 */
export const SUBJECT_KINDS = ['person', 'legal_entity'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const STATUSES = ['pending', 'active', 'paused', 'revoked', 'rejected', 'expired'] as const;
export type Status = (typeof STATUSES)[number];
/** `expired` is never stored: a consent is expired once its expiry has passed, whatever it says. */
export type StoredStatus = Exclude<Status, 'expired'>;

export const FREQUENCY_UNITS = ['day', 'month', 'year'] as const;
export type FrequencyUnit = (typeof FREQUENCY_UNITS)[number];

export const StatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('active'),
  Type.Literal('paused'),
  Type.Literal('revoked'),
  Type.Literal('rejected'),
  Type.Literal('expired'),
]);
export const SubjectKindSchema = Type.Union([Type.Literal('person'), Type.Literal('legal_entity')], {
  description: 'person: by citizen ID; legal_entity: by unified social credit code',
});

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD, China time' });
const Strict = { additionalProperties: false } as const;

export const RangeSchema = Type.Object(
  { from: Day, to: Day },
  { ...Strict, description: 'the period of records: those the hub received from `from` to `to`' },
);

export const DataItemSchema = Type.Object(
  {
    resource: Type.String({ pattern: '^[A-Z][A-Z0-9]*-[0-9]+$', description: 'catalog resource code' }),
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
  },
  Strict,
);

export const FrequencySchema = Type.Object(
  {
    unit: Type.Union([Type.Literal('day'), Type.Literal('month'), Type.Literal('year')]),
    max: Type.Integer({ minimum: 1, maximum: 1000, description: 'fetches at most per unit (China time)' }),
  },
  Strict,
);

export const TermsSchema = Type.Object(
  {
    data: Type.Array(DataItemSchema, { minItems: 1, maxItems: 20, description: 'the resources and their fields' }),
    startsAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    fetchType: Type.Union([Type.Literal('once'), Type.Literal('periodic')]),
    frequency: Type.Union([FrequencySchema, Type.Null()], { description: 'periodic only; null for a one-time fetch' }),
    dataLifeDays: Type.Integer({
      minimum: 0,
      maximum: 3650,
      description: 'days the requester may keep what it fetched',
    }),
    range: Type.Union([RangeSchema, Type.Null()], { description: 'null: records of any period' }),
  },
  Strict,
);
export type ConsentTerms = Static<typeof TermsSchema>;
export type DataItem = Static<typeof DataItemSchema>;

/** What the subject may change when approving: each no wider than what was asked. */
export const NarrowingSchema = Type.Partial(
  Type.Object({
    data: TermsSchema.properties.data,
    expiresAt: TermsSchema.properties.expiresAt,
    frequency: FrequencySchema,
    dataLifeDays: TermsSchema.properties.dataLifeDays,
    range: RangeSchema,
  }),
  Strict,
);
export type Narrowing = Static<typeof NarrowingSchema>;

/** The longest a consent may run. */
const MAX_YEARS = 5;

/** The status a consent has now: a pending, active or paused one whose expiry has passed is expired. */
export function statusAt(stored: StoredStatus, expiresAt: Date, now: Date): Status {
  const open = stored === 'pending' || stored === 'active' || stored === 'paused';
  return open && expiresAt.getTime() <= now.getTime() ? 'expired' : stored;
}

/** Requested terms that hold together; throws 422 naming the first that does not. */
export function checkTerms(terms: ConsentTerms, now: Date): void {
  const starts = Date.parse(terms.startsAt);
  const expires = Date.parse(terms.expiresAt);
  if (expires <= now.getTime()) throw invalid('expiresAt', msg('consent.expiryPast'));
  if (expires <= starts) throw invalid('expiresAt', msg('consent.expiryBeforeStart'));
  if (expires - starts > MAX_YEARS * 366 * 86_400_000)
    throw invalid('expiresAt', msg('consent.tooLong', { years: MAX_YEARS }));
  if (terms.fetchType === 'periodic' && !terms.frequency) throw invalid('frequency', msg('consent.frequencyRequired'));
  if (terms.fetchType === 'once' && terms.frequency) throw invalid('frequency', msg('consent.onceNoFrequency'));
  if (terms.range && terms.range.from > terms.range.to) throw invalid('range', msg('consent.rangeReversed'));
  const resources = terms.data.map((d) => d.resource);
  if (new Set(resources).size !== resources.length) throw invalid('data', msg('consent.resourceTwice'));
}

/**
 * The terms after the subject's narrowing, or 422 where the subject asked for more than was
 * requested: fewer resources and fields, an earlier expiry, fewer fetches, a shorter data life,
 * a period within the requested one.
 */
export function narrow(requested: ConsentTerms, by: Narrowing, now: Date): ConsentTerms {
  const terms: ConsentTerms = { ...requested, ...by, frequency: by.frequency ?? requested.frequency };
  const wider = (field: string): HubError => invalid(field, msg('consent.widerThanRequested'));
  for (const [i, item] of terms.data.entries()) {
    const asked = requested.data.find((d) => d.resource === item.resource);
    if (!asked || item.fields.some((f) => !asked.fields.includes(f))) throw wider(`data/${i}`);
  }
  if (Date.parse(terms.expiresAt) > Date.parse(requested.expiresAt)) throw wider('expiresAt');
  if (by.frequency) {
    const before = requested.frequency;
    if (!before || before.unit !== by.frequency.unit || by.frequency.max > before.max) throw wider('frequency');
  }
  if (terms.dataLifeDays > requested.dataLifeDays) throw wider('dataLifeDays');
  const asked = requested.range;
  if (asked && (!terms.range || terms.range.from < asked.from || terms.range.to > asked.to)) throw wider('range');
  checkTerms(terms, now);
  return terms;
}

/** China time (UTC+8, no daylight saving) as `YYYY-MM-DD`. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The period a fetch is counted in, and how many the period allows: a one-time consent has one, ever. */
export function periodOf(terms: ConsentTerms, now: Date): { period: string; max: number } {
  if (!terms.frequency) return { period: 'all', max: 1 };
  const day = chinaDay(now);
  const period = { day, month: day.slice(0, 7), year: day.slice(0, 4) }[terms.frequency.unit];
  return { period, max: terms.frequency.max };
}

/** Whether a record the hub received at `loadedAt` lies in the consented period of records. */
export function inRange(terms: ConsentTerms, loadedAt: Date): boolean {
  if (!terms.range) return true;
  const day = chinaDay(loadedAt);
  return day >= terms.range.from && day <= terms.range.to;
}
