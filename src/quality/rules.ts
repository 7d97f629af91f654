import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { literals, type Field, type Resource } from '../catalog/index.js';
import { HubError, type FieldProblem } from '../kernel/index.js';
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
    throw badRules(schemaErrors.map((e) => ({ field: `rules${e.instancePath}`, reason: e.message })));
  }
  const rules = input as QualityRule[];
  const problems: FieldProblem[] = [];
  for (const [i, rule] of rules.entries()) {
    const at = (param: string, reason: string) => problems.push({ field: `rules/${i}/${param}`, reason });
    const field = resource.fields.find((f) => f.name === rule.field);
    if (!field) {
      at('field', `${resource.code} has no field ${rule.field}`);
      continue;
    }
    for (const p of ALL_PARAMS) {
      if (rule[p] !== undefined && !PARAMS[rule.kind].includes(p)) at(p, `a ${rule.kind} rule takes no ${p}`);
    }
    await KIND_CHECKS[rule.kind](rule, field, resource, at, find);
  }
  const named = withIds(rules);
  const seen = new Set<string>();
  named.forEach((r, i) => {
    if (seen.has(r.id!)) problems.push({ field: `rules/${i}/id`, reason: `id ${r.id} is used twice` });
    seen.add(r.id!);
  });
  if (problems.length > 0) throw badRules(problems);
  return named;
}

type At = (param: string, reason: string) => void;
type KindCheck = (rule: QualityRule, field: Field, resource: Resource, at: At, find: ResourceFinder) => unknown;

const KIND_CHECKS: Record<RuleKind, KindCheck> = {
  regex: (rule, _f, _r, at) => {
    if (rule.pattern === undefined) return at('pattern', 'required for a regex rule');
    try {
      new RegExp(rule.pattern, 'u');
    } catch (e) {
      return at('pattern', `not a valid regular expression: ${(e as Error).message}`);
    }
    const unsafe = unsafePatternReason(rule.pattern);
    if (unsafe) at('pattern', unsafe);
  },
  range: (rule, field, _r, at) => {
    const numeric = NUMERIC.has(field.type);
    if (!numeric && field.type !== 'date')
      return at('field', `a range needs a number or date field, ${field.name} is ${field.type}`);
    if (rule.min === undefined && rule.max === undefined) return at('min', 'a range needs min, max or both');
    for (const p of ['min', 'max'] as const) {
      const v = rule[p];
      if (v === undefined) continue;
      if (numeric && typeof v !== 'number') at(p, `must be a number for the ${field.type} field ${field.name}`);
      if (!numeric && (typeof v !== 'string' || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) {
        at(p, `must be a date YYYY-MM-DD for the date field ${field.name}`);
      }
    }
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) at('max', 'must not be below min');
  },
  unique: (_rule, field, resource, at) => {
    if (field.name === resource.keyField) at('field', `${field.name} is the key: it is unique already`);
  },
  referential: async (rule, _f, resource, at, find) => {
    if (rule.refResource === undefined) return at('refResource', 'required for a referential rule');
    if (rule.refField === undefined) return at('refField', 'required for a referential rule');
    const ref = rule.refResource === resource.code ? resource : await find(rule.refResource);
    if (!ref) return at('refResource', `no resource ${rule.refResource}`);
    if (!ref.fields.some((f) => f.name === rule.refField)) at('refField', `${ref.code} has no field ${rule.refField}`);
  },
  freshness: (rule, field, _r, at) => {
    if (field.type !== 'date') at('field', `freshness needs a date field, ${field.name} is ${field.type}`);
    if (rule.maxAgeDays === undefined) at('maxAgeDays', 'required for a freshness rule');
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
  return new HubError('QLT_BAD_RULE', problems.map((p) => `${p.field}: ${p.reason}`).join('; '), { problems });
}
