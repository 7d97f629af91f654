import { Type, type Static } from 'typebox';
import { MASKINGS } from './elements.js';
import { FIELD_TYPES } from './fields.js';
import { LEVELS } from './grading.js';

/** A closed list of strings, as a JSON Schema enum that keeps its literal type in TypeScript. */
export const literals = <const T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

export { LEVELS };
export const CATEGORIES = ['base', 'theme', 'topic', 'department'] as const;
export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_TYPES = ['open', 'conditional', 'closed'] as const;
export const STATUSES = ['draft', 'submitted', 'returned', 'approved', 'published'] as const;
export const UPDATE_FREQUENCIES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'yearly',
  'irregular',
] as const;
export const FORMATS = ['table', 'file', 'api'] as const;
export const MOUNT_KINDS = ['records', 'table', 'service'] as const;
export type Status = (typeof STATUSES)[number];

const COLUMN = '^[a-z][a-z0-9_]{0,62}$';

const fieldProperties = {
  name: Type.String({ pattern: COLUMN, description: 'column name, snake_case' }),
  label: Type.String({ minLength: 1, maxLength: 100, description: '信息项名称' }),
  element: Type.Optional(Type.String({ pattern: COLUMN, description: 'code of the bound data element (数据元)' })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  codeList: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 200, description: '代码集' }),
  ),
};

/** A field as registered: type and sensitivity may come from the bound data element. */
export const FieldInputSchema = Type.Object(
  {
    ...fieldProperties,
    type: Type.Optional(literals(FIELD_TYPES)),
    required: Type.Optional(Type.Boolean()),
    sensitivity: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: '4 = sensitive personal data' })),
  },
  { additionalProperties: false },
);

export const FieldSchema = Type.Object(
  {
    ...fieldProperties,
    type: literals(FIELD_TYPES),
    required: Type.Boolean(),
    sensitivity: Type.Integer({ minimum: 1, maximum: 4, description: '4 = sensitive personal data' }),
  },
  { additionalProperties: false },
);

export const MountSchema = Type.Object(
  {
    kind: literals(MOUNT_KINDS),
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'table name or service URL' })),
  },
  { additionalProperties: false },
);
export type Mount = Static<typeof MountSchema>;

export const ResourceInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 200 }),
    summary: Type.String({ maxLength: 2000, default: '' }),
    category: literals(CATEGORIES),
    shareType: literals(SHARE_TYPES),
    shareCondition: Type.Optional(
      Type.String({ maxLength: 500, description: 'the condition (conditional) or the legal basis (none)' }),
    ),
    openType: literals(OPEN_TYPES),
    level: literals(LEVELS),
    levelReason: Type.Optional(Type.String({ maxLength: 500, description: 'why the level is below the suggestion' })),
    updateFrequency: Type.Optional(literals(UPDATE_FREQUENCIES)),
    format: Type.Optional(literals(FORMATS)),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 20 })),
    mount: Type.Optional(MountSchema),
    keyField: Type.String({ pattern: COLUMN }),
    fields: Type.Array(FieldInputSchema, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type ResourceInput = Static<typeof ResourceInputSchema>;

/** Where an entry kept for another node comes from: a district's resource in the city's catalog (docs/cascade.md). */
export const OriginSchema = Type.Object({
  node: Type.String({ description: 'the node that keeps the resource' }),
  division: Type.String(),
  divisionName: Type.String({ description: 'the name of its district, as people read it' }),
  code: Type.String({ description: 'the resource code on that node' }),
});
export type Origin = Static<typeof OriginSchema>;

export const ResourceSummarySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  provider: Type.Object({ code: Type.String(), name: Type.String() }),
  category: literals(CATEGORIES),
  shareType: literals(SHARE_TYPES),
  shareCondition: Type.String(),
  openType: literals(OPEN_TYPES),
  level: literals(LEVELS),
  suggestedLevel: literals(LEVELS),
  flags: Type.Array(Type.String()),
  status: literals(STATUSES),
  updateFrequency: literals(UPDATE_FREQUENCIES),
  format: literals(FORMATS),
  keywords: Type.Array(Type.String()),
  keyField: Type.String(),
  recordCount: Type.Integer(),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  remote: Type.Optional(OriginSchema),
});
export type ResourceSummary = Static<typeof ResourceSummarySchema>;

export const ResourceSchema = Type.Evaluate(
  Type.Intersect([
    ResourceSummarySchema,
    Type.Object({
      fields: Type.Array(FieldSchema),
      levelReason: Type.String(),
      mount: MountSchema,
      returnReason: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ]),
);
export type Resource = Static<typeof ResourceSchema> & { id: number };

export const VersionEventSchema = Type.Object({
  version: Type.Integer(),
  action: Type.String(),
  actor: Type.String(),
  /** The actor's display name, where the HTTP layer knows it (the login otherwise). */
  actorName: Type.Optional(Type.String()),
  at: Type.String({ format: 'date-time' }),
  note: Type.Union([Type.String(), Type.Null()]),
  diff: Type.Array(Type.Object({ path: Type.String(), before: Type.Unknown(), after: Type.Unknown() })),
});
export type VersionEvent = Static<typeof VersionEventSchema>;

export const DataElementSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  type: literals(FIELD_TYPES),
  format: Type.String(),
  maxLength: Type.Optional(Type.Integer()),
  sensitivity: Type.Integer(),
  masking: literals(MASKINGS),
  codeList: Type.Optional(Type.Array(Type.String())),
  personal: Type.Boolean(),
  description: Type.String(),
});
