import fc from 'fast-check';

/** The part of JSON Schema that our TypeBox route schemas use, as the OpenAPI document shows it. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

/**
 * Text and numbers that have broken hubs before or that a database cannot take: NUL, lone
 * surrogates, numbers beyond every integer type, very long and right-to-left text.
 */
const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '99999999999999999999',
  '-1',
  '0',
  '1.5',
  '1e400',
  'NaN',
  '',
  ' ',
  '../../etc/passwd',
  '%',
  "' or 1=1 --",
  '泉城\u202E😀\u0301',
  'x'.repeat(5000),
];
const HOSTILE_NUMBERS = [1e20, -1, 0, 2_147_483_648, 2 ** 53 + 2, 1.5, -1e308, 1e308];
const WRONG_TYPES: unknown[] = [true, null, [], {}, [[['deep']]], { a: { b: 1 } }, 'abc', 123];

export const hostileText = fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ unit: 'binary', maxLength: 40 }));
const hostileJson = fc.oneof(hostileText, fc.constantFrom(...HOSTILE_NUMBERS), fc.constantFrom(...WRONG_TYPES));

/** Values valid for `schema` most of the time, hostile at about one leaf in `1/hostility`. */
export function valueOf(schema: Schema, hostility = 4, depth = 0): fc.Arbitrary<unknown> {
  const valid = validOf(schema, hostility, depth);
  if (hostility === 0) return valid;
  return fc.oneof({ weight: hostility, arbitrary: valid }, { weight: 1, arbitrary: hostileJson });
}

function validOf(s: Schema, hostility: number, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((u) => valueOf(u, hostility, depth)));
  if (s.allOf) return merged(s.allOf, hostility, depth);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringOf(s);
    case 'integer':
      return integerOf(s);
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 4
        ? fc.constant([])
        : fc.array(valueOf(s.items ?? {}, hostility, depth + 1), {
            minLength: s.minItems ?? 0,
            maxLength: Math.min(s.maxItems ?? 4, (s.minItems ?? 0) + 4),
          });
    case 'object':
      return objectOf(s, hostility, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function integerOf(s: Schema): fc.Arbitrary<number> {
  const min = Math.max(s.minimum ?? -1000, -(2 ** 31));
  return fc.integer({ min, max: Math.min(s.maximum ?? min + 100_000, 2 ** 31 - 1) });
}

function stringOf(s: Schema): fc.Arbitrary<string> {
  const size = { minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, (s.minLength ?? 0) + 40) };
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
  switch (s.format) {
    case 'date-time':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'uuid':
      return fc.uuid();
    case 'uri':
      return fc.webUrl();
    default:
      return fc.string({ ...size, unit: 'grapheme' });
  }
}

function objectOf(s: Schema, hostility: number, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (depth > 4) return fc.constant({});
  const required = new Set(s.required ?? []);
  const fields = Object.entries(s.properties ?? {}).map(([key, ps]) => {
    const value = valueOf(ps, hostility, depth + 1);
    // Hostile requests now and then leave out a required field.
    const freq = required.has(key) ? (hostility === 0 ? 0 : 8 * hostility) : 2;
    return fc.tuple(fc.constant(key), freq === 0 ? value : fc.option(value, { nil: undefined, freq }));
  });
  const extra =
    hostility === 0 || s.additionalProperties === false
      ? fc.constant({})
      : fc.option(fc.dictionary(fc.string({ maxLength: 8 }), hostileJson, { maxKeys: 2 }), { nil: {}, freq: 3 });
  return fc.tuple(fc.tuple(...fields), extra).map(([pairs, more]) => ({
    ...more,
    ...Object.fromEntries(pairs.filter(([, v]) => v !== undefined)),
  }));
}

function merged(parts: Schema[], hostility: number, depth: number): fc.Arbitrary<unknown> {
  const properties = Object.assign({}, ...parts.map((p) => p.properties ?? {})) as Record<string, Schema>;
  const required = parts.flatMap((p) => p.required ?? []);
  return objectOf({ type: 'object', properties, required }, hostility, depth);
}

/** A path or query value: a known one, the schema's value as text, or (unless `hostility` is 0) hostile text. */
export function textOf(schema: Schema, known: string[] = [], hostility = 1): fc.Arbitrary<string> {
  const fromSchema = validOf(schema, 0, 0).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const arbs = [{ weight: 3, arbitrary: fromSchema }];
  if (hostility > 0) arbs.push({ weight: 2, arbitrary: hostileText });
  if (known.length > 0) arbs.push({ weight: 3, arbitrary: fc.constantFrom(...known) });
  return fc.oneof(...arbs);
}

/** What no database column can take, more often than the other hostile values. */
const UNSTORABLE = fc.constantFrom('\u0000', 'a\u0000b', '\uD800');

/** A valid value with exactly one leaf (or, for a scalar, itself) replaced by a hostile one. */
export function mutatedOf(schema: Schema): fc.Arbitrary<unknown> {
  return fc
    .tuple(validOf(schema, 0, 0), fc.nat(), fc.oneof(UNSTORABLE, hostileJson))
    .map(([value, n, bad]) => replaceLeaf(structuredClone(value), n, bad));
}

function replaceLeaf(value: unknown, n: number, bad: unknown): unknown {
  const slots: [Record<string | number, unknown>, string | number][] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      if (child !== null && typeof child === 'object') walk(child);
      else slots.push([v as Record<string, unknown>, k]);
    }
  };
  walk(value);
  if (slots.length === 0) return bad;
  const [parent, key] = slots[n % slots.length]!;
  parent[key] = bad;
  return value;
}
