import { Type, type Static } from 'typebox';
import type { FieldType } from '../catalog/index.js';

/**
 * The rule language of proof items (docs/attest.md): a declarative condition over one subject's
 * data, never code. A condition is one of
 *
 *   { all: [c, …] }  { any: [c, …] }  { not: c }
 *   { exists: { resource: 'JNRSJ-0001', where?: c } }     the subject has a record there (where c holds)
 *   { not_exists: { resource: 'JNGAJ-0007' } }            …it has none
 *   { exists: { base: 'person' } }                        the subject is in its base database
 *   { source?: { resource | base }, field, op, value? }   a test of one field (default source: the subject's base)
 *
 * Inside `where` a test names no source: it reads the record of the `exists`.
 * The shape of each node is a TypeBox schema below; `checkRule` (check.ts) adds what a schema
 * cannot say: the resource and field exist, the operator fits the field's type, the literal parses.
 */

/** The operators, by the field types they fit (check.ts, OPS_BY_KIND). */
export const OPS = [
  'eq',
  'ne',
  'in',
  'gt',
  'ge',
  'lt',
  'le',
  'prefix',
  'exists',
  'not_exists',
  'within_days',
  'age_ge',
  'age_lt',
] as const;
export type Op = (typeof OPS)[number];

/** How a field's values compare: its catalog type, grouped. */
export type ValueKind = 'text' | 'number' | 'date' | 'boolean';

export function kindOf(type: FieldType): ValueKind {
  if (type === 'integer' || type === 'number') return 'number';
  if (type === 'date' || type === 'boolean') return type;
  return 'text';
}

export const OPS_BY_KIND: Record<ValueKind, readonly Op[]> = {
  text: ['eq', 'ne', 'in', 'prefix', 'exists', 'not_exists'],
  number: ['eq', 'ne', 'in', 'gt', 'ge', 'lt', 'le', 'exists', 'not_exists'],
  date: ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'within_days', 'age_ge', 'age_lt', 'exists', 'not_exists'],
  boolean: ['eq', 'ne', 'exists', 'not_exists'],
};

export const SUBJECT_KINDS = ['person', 'legal_entity'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const Strict = { additionalProperties: false } as const;
const ResourceCode = Type.String({ pattern: '^[A-Z][A-Z0-9]*-[0-9]+$', description: 'catalog resource code' });
const BaseName = Type.Union([Type.Literal('person'), Type.Literal('legal_entity')], {
  description: 'the base database of the subject (人口 / 法人)',
});

export const SourceSchema = Type.Union([
  Type.Object({ resource: ResourceCode }, Strict),
  Type.Object({ base: BaseName }, Strict),
]);
export type Source = Static<typeof SourceSchema>;

const Scalar = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);
export const LiteralSchema = Type.Union([Scalar, Type.Array(Scalar, { minItems: 1, maxItems: 100 })]);
export type Literal = Static<typeof LiteralSchema>;

/** One node's shape, each checked alone so that an error names the node rather than a union. */
export const NODE_SCHEMAS = {
  all: Type.Object({ all: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 20 }) }, Strict),
  any: Type.Object({ any: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 20 }) }, Strict),
  not: Type.Object({ not: Type.Unknown() }, Strict),
  exists: Type.Object(
    {
      exists: Type.Object(
        { resource: Type.Optional(ResourceCode), base: Type.Optional(BaseName), where: Type.Optional(Type.Unknown()) },
        Strict,
      ),
    },
    Strict,
  ),
  not_exists: Type.Object(
    {
      not_exists: Type.Object(
        { resource: Type.Optional(ResourceCode), base: Type.Optional(BaseName), where: Type.Optional(Type.Unknown()) },
        Strict,
      ),
    },
    Strict,
  ),
  test: Type.Object(
    {
      source: Type.Optional(SourceSchema),
      field: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
      op: Type.Union(OPS.map((o) => Type.Literal(o))),
      value: Type.Optional(LiteralSchema),
    },
    Strict,
  ),
};

export type Test = { source?: Source; field: string; op: Op; value?: Literal };
export type Presence = { resource?: string; base?: SubjectKind; where?: Condition };
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { exists: Presence }
  | { not_exists: Presence }
  | Test;

/**
 * The whole language as one recursive schema (for the OpenAPI document and editors); the hub
 * checks a rule node by node (check.ts) so that a refusal says which node is wrong and why.
 */
export const ConditionSchema = Type.Cyclic(
  {
    Condition: Type.Union([
      Type.Object({ all: Type.Array(Type.Ref('Condition'), { minItems: 1, maxItems: 20 }) }, Strict),
      Type.Object({ any: Type.Array(Type.Ref('Condition'), { minItems: 1, maxItems: 20 }) }, Strict),
      Type.Object({ not: Type.Ref('Condition') }, Strict),
      Type.Object({ exists: Type.Ref('Presence') }, Strict),
      Type.Object({ not_exists: Type.Ref('Presence') }, Strict),
      NODE_SCHEMAS.test,
    ]),
    Presence: Type.Object(
      {
        resource: Type.Optional(ResourceCode),
        base: Type.Optional(BaseName),
        where: Type.Optional(Type.Ref('Condition')),
      },
      Strict,
    ),
  },
  'Condition',
);

/** A source as a map key: `resource:JNRSJ-0001` or `base:person`. */
export function sourceKey(s: Source): string {
  return 'resource' in s ? `resource:${s.resource}` : `base:${s.base}`;
}

/** The presence node's source. */
export function presenceSource(p: Presence, kind: SubjectKind): Source {
  return p.resource !== undefined ? { resource: p.resource } : { base: p.base ?? kind };
}

/** Every source a condition reads, once each: what the evaluation fetches before it decides. */
export function sourcesOf(c: Condition, kind: SubjectKind): Source[] {
  return [...readsOf(c, kind).values()].map((r) => r.source);
}

/** What a condition reads of one source: the fields it tests there (none when it asks only whether a record exists). */
export interface Read {
  source: Source;
  fields: Set<string>;
}

/** Every source a condition reads, by sourceKey, with the fields it tests in each. */
export function readsOf(c: Condition, kind: SubjectKind): Map<string, Read> {
  const found = new Map<string, Read>();
  const read = (s: Source): Read => {
    const key = sourceKey(s);
    const known = found.get(key) ?? { source: s, fields: new Set<string>() };
    found.set(key, known);
    return known;
  };
  const walk = (n: Condition, implied: Source | undefined): void => {
    if ('all' in n) n.all.forEach((m) => walk(m, implied));
    else if ('any' in n) n.any.forEach((m) => walk(m, implied));
    else if ('not' in n) walk(n.not, implied);
    else if ('exists' in n || 'not_exists' in n) {
      const p = 'exists' in n ? n.exists : n.not_exists;
      const s = presenceSource(p, kind);
      read(s);
      if (p.where) walk(p.where, s);
    } else read(n.source ?? implied ?? { base: kind }).fields.add(n.field);
  };
  walk(c, undefined);
  return found;
}
