import { msg, type Message, type MessageKey } from './index.js';

/** What an ajv error carries that a message needs (Fastify's `validation` items, TypeBox's checks). */
export interface SchemaError {
  keyword: string;
  params?: Record<string, unknown>;
  message?: string | undefined;
}

const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array', 'null']);
const FORMATS = new Set(['date', 'date-time', 'email', 'uri', 'uuid']);

/**
 * An ajv error as a message of the catalogue, for the keywords the API's schemas use; any other
 * keyword (anyOf of a union, a custom one) says the value is not valid, in the request's language.
 */
export function schemaMessage(error: SchemaError): Message {
  const p = error.params ?? {};
  const limit = typeof p.limit === 'number' || typeof p.limit === 'string' ? p.limit : '';
  switch (error.keyword) {
    case 'required':
      return msg('schema.required');
    case 'type': {
      const types = String(p.type ?? '')
        .split(',')
        .filter((t) => TYPES.has(t));
      if (types.length === 0) return msg('schema.invalid');
      return msg('schema.type', { type: types.map((t) => msg(`schemaType.${t}` as MessageKey)) });
    }
    case 'format': {
      const format = String(p.format ?? '');
      return msg('schema.format', {
        format: FORMATS.has(format)
          ? msg(`schemaFormat.${format}` as MessageKey)
          : msg('schemaFormat.other', { format }),
      });
    }
    case 'pattern':
      return msg('schema.pattern', { pattern: String(p.pattern ?? '') });
    case 'enum':
      return msg('schema.enum', { allowed: Array.isArray(p.allowedValues) ? p.allowedValues.map(String) : [] });
    case 'const':
      return msg('schema.const', { allowed: String(p.allowedValue ?? '') });
    case 'additionalProperties':
      return msg('schema.additionalProperties');
    case 'uniqueItems':
      return msg('schema.uniqueItems');
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
    case 'multipleOf':
      return msg(`schema.${error.keyword}`, { limit: error.keyword === 'multipleOf' ? String(p.multipleOf) : limit });
    default:
      return msg('schema.invalid');
  }
}
