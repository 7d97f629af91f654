import { Type, type Static } from 'typebox';
import { FIELD_TYPES } from './fields.js';

/** A closed list of strings, as a JSON Schema enum that keeps its literal type in TypeScript. */
export const literals = <const T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export const CATEGORIES = ['base', 'theme', 'topic', 'department'] as const;
export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_TYPES = ['open', 'conditional', 'closed'] as const;
export const LEVELS = ['general', 'important', 'core'] as const;

export const FieldSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'column name, snake_case' }),
    label: Type.String({ minLength: 1, maxLength: 100, description: '信息项名称' }),
    type: literals(FIELD_TYPES),
    required: Type.Boolean({ default: false }),
    sensitivity: Type.Integer({ minimum: 1, maximum: 4, default: 1, description: '4 = sensitive personal data' }),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  },
  { additionalProperties: false },
);

export const ResourceInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 200 }),
    summary: Type.String({ maxLength: 2000, default: '' }),
    category: literals(CATEGORIES),
    shareType: literals(SHARE_TYPES),
    openType: literals(OPEN_TYPES),
    level: literals(LEVELS),
    keyField: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
    fields: Type.Array(FieldSchema, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type ResourceInput = Static<typeof ResourceInputSchema>;

export const ResourceSummarySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  provider: Type.Object({ code: Type.String(), name: Type.String() }),
  category: literals(CATEGORIES),
  shareType: literals(SHARE_TYPES),
  openType: literals(OPEN_TYPES),
  level: literals(LEVELS),
  keyField: Type.String(),
  recordCount: Type.Integer(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ResourceSummary = Static<typeof ResourceSummarySchema>;

export const ResourceSchema = Type.Evaluate(
  Type.Intersect([ResourceSummarySchema, Type.Object({ fields: Type.Array(FieldSchema) })]),
);
export type Resource = Static<typeof ResourceSchema> & { id: number };
