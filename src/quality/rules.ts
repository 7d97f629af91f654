import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { literals, type Field, type Resource } from '../catalog/index.js';
import {
  type HubError,
  type FieldProblem,
  fieldProblem,
  msg,
  schemaMessage,
  type Message,
  withProblems,
} from '../kernel/index.js';
import { unsafePatternReason } from './regex.js';

export const RULE_KINDS = ['regex', 'range', 'unique', 'referential', 'freshness'] as const;
export const SEVERITIES = ['reject', 'warn'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export type Severity = (typeof SEVERITIES)[number];

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const Bound = Type.Union([Type.Number(), Type.String({ pattern: DATE })], {
  description: 'a number for integer/number fields, YYYY-MM-DD for date fields',
});

/**
 * One configurable rule of a resource. Which parameters a rule takes depends on its kind:
 * regex `pattern`; range `min`/`max`; referential `refResource`/`refField`; freshness
 * `maxAgeDays`; unique none. `reject` keeps a failing row out of the load, `warn` only counts.
 */
export const QualityRuleSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9_.-]{0,39}$',
        description: 'stable name; `<kind>.<field>` if not given',
      }),
    ),
    field: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
    kind: literals(RULE_KINDS),
    severity: literals(SEVERITIES),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'regex: ECMAScript, unicode' })),
    min: Type.Optional(Bound),
    max: Type.Optional(Bound),
    refResource: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{2,16}-\\d{4,}$' })),
    refField: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' })),
    maxAgeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500 })),
  },
  { additionalProperties: false },
);
export type QualityRule = Static<typeof QualityRuleSchema>;

export const QualityRulesSchema = Type.Array(QualityRuleSchema, { maxItems: 100 });

export const BELOW_THRESHOLD_ACTIONS = ['warn', 'hold'] as const;
export type BelowThresholdAction = (typeof BELOW_THRESHOLD_ACTIONS)[number];

/**
 * A resource's quality threshold: the least share of a load's rows that must be accepted
 * (rows loaded of rows read, in percent), and what a load below it does. `warn`: it goes in and
 * its outcome says it fell short; `hold`: its rows wait beside the resource's current records
 * until an officer of the provider releases them (they go in) or discards them.
 */
export const QualityThresholdSchema = Type.Object(
  {
    minPassRate: Type.Number({ minimum: 0, maximum: 100, description: 'percent of rows read that must be accepted' }),
    action: literals(BELOW_THRESHOLD_ACTIONS),
  },
  { additionalProperties: false },
);
export type QualityThreshold = Static<typeof QualityThresholdSchema>;

/** Without a threshold of its own a resource has the plan's quality pass target (≥ 95 %, 004), warned. */
export const DEFAULT_THRESHOLD: QualityThreshold = { minPassRate: 95, action: 'warn' };

/** The parameters each kind takes; any other one is refused rather than silently ignored. */
const PARAMS: Record<RuleKind, Array<keyof QualityRule>> = {
  regex: ['pattern'],
  range: ['min', 'max'],
  unique: [],
  referential: ['refResource', 'refField'],
  freshness: ['maxAgeDays'],
};
const ALL_PARAMS = [...new Set(Object.values(PARAMS).flat())];
const NUMERIC = new Set(['integer', 'number']);

/** Finds a referenced resource; undefined when it does not exist (or the editor may not name it). */
export type ResourceFinder = (code: string) => Promise<Resource | undefined>;

/**
 * Checks a rule set against its resource: the schema, then what the schema cannot say (fields
 * exist, parameters fit the kind and the field's type, a regex compiles and is safe, a
 * referenced resource has the field). Every problem is collected and thrown together as
 * QLT_BAD_RULE naming `rules/<i>/<param>`; the rules come back with their ids filled in.
 */
export async function checkRules(resource: Resource, input: unknown, find: ResourceFinder): Promise<QualityRule[]> {
  const schemaErrors = Value.Errors(QualityRulesSchema, input);
  if (schemaErrors.length > 0) {
    throw badRules(schemaErrors.map((e) => fieldProblem(`rules${e.instancePath}`, schemaMessage(e))));
  }
  const rules = input as QualityRule[];
  const problems: FieldProblem[] = [];
  for (const [i, rule] of rules.entries()) {
    const at = (param: string, reason: Message) => problems.push(fieldProblem(`rules/${i}/${param}`, reason));
    const field = resource.fields.find((f) => f.name === rule.field);
    if (!field) {
      at('field', msg('catalog.noField', { code: resource.code, field: rule.field }));
      continue;
    }
    for (const p of ALL_PARAMS) {
      if (rule[p] !== undefined && !PARAMS[rule.kind].includes(p))
        at(p, msg('quality.paramNotTaken', { kind: rule.kind, param: p }));
    }
    await KIND_CHECKS[rule.kind](rule, field, resource, at, find);
  }
  const named = withIds(rules);
  const seen = new Set<string>();
  named.forEach((r, i) => {
    if (seen.has(r.id!)) problems.push(fieldProblem(`rules/${i}/id`, msg('quality.idTwice', { id: r.id! })));
    seen.add(r.id!);
  });
  if (problems.length > 0) throw badRules(problems);
  return named;
}

type At = (param: string, reason: Message) => void;
type KindCheck = (rule: QualityRule, field: Field, resource: Resource, at: At, find: ResourceFinder) => unknown;

const KIND_CHECKS: Record<RuleKind, KindCheck> = {
  regex: (rule, _f, _r, at) => {
    if (rule.pattern === undefined) return at('pattern', msg('quality.requiredFor', { kind: 'regex' }));
    try {
      new RegExp(rule.pattern, 'u');
    } catch (e) {
      return at('pattern', msg('quality.badRegex', { error: (e as Error).message }));
    }
    const unsafe = unsafePatternReason(rule.pattern);
    if (unsafe) at('pattern', msg('quality.unsafeRegex', { reason: unsafe }));
  },
  range: (rule, field, _r, at) => {
    const numeric = NUMERIC.has(field.type);
    if (!numeric && field.type !== 'date')
      return at('field', msg('quality.rangeNeedsType', { field: field.name, type: field.type }));
    if (rule.min === undefined && rule.max === undefined) return at('min', msg('quality.rangeNeedsBound'));
    for (const p of ['min', 'max'] as const) {
      const v = rule[p];
      if (v === undefined) continue;
      if (numeric && typeof v !== 'number') at(p, msg('quality.boundNumber', { type: field.type, field: field.name }));
      if (!numeric && (typeof v !== 'string' || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) {
        at(p, msg('quality.boundDate', { field: field.name }));
      }
    }
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) at('max', msg('quality.maxBelowMin'));
  },
  unique: (_rule, field, resource, at) => {
    if (field.name === resource.keyField) at('field', msg('quality.keyUnique', { field: field.name }));
  },
  referential: async (rule, _f, resource, at, find) => {
    if (rule.refResource === undefined) return at('refResource', msg('quality.requiredFor', { kind: 'referential' }));
    if (rule.refField === undefined) return at('refField', msg('quality.requiredFor', { kind: 'referential' }));
    const ref = rule.refResource === resource.code ? resource : await find(rule.refResource);
    if (!ref) return at('refResource', msg('catalog.noResource', { code: rule.refResource }));
    if (!ref.fields.some((f) => f.name === rule.refField))
      at('refField', msg('catalog.noField', { code: ref.code, field: rule.refField }));
  },
  freshness: (rule, field, _r, at) => {
    if (field.type !== 'date') at('field', msg('quality.freshnessNeedsDate', { field: field.name, type: field.type }));
    if (rule.maxAgeDays === undefined) at('maxAgeDays', msg('quality.requiredFor', { kind: 'freshness' }));
  },
};

/** Fills in missing ids as `<kind>.<field>`, numbered when the same pair comes again. */
function withIds(rules: QualityRule[]): QualityRule[] {
  const taken = new Set(rules.flatMap((r) => (r.id ? [r.id] : [])));
  return rules.map((r) => {
    if (r.id) return r;
    const base = `${r.kind}.${r.field}`.slice(0, 36);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return { ...r, id };
  });
}

function badRules(problems: FieldProblem[]): HubError {
  return withProblems('QLT_BAD_RULE', problems);
}
