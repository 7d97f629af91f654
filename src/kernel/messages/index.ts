/**
 * Server messages in the user's language. A message is a key of the catalogue and its params;
 * it is rendered when it leaves the hub (in the language of the request) and in English for logs.
 * Templates name params as `{name}`; a param is a value, a list, a text per language (a label
 * from another table) or a nested message.
 */
import { MESSAGES } from './catalogue.js';
import { DEFAULT_LANGUAGE, type Language } from './language.js';

export { MESSAGES } from './catalogue.js';
export { DEFAULT_LANGUAGE, LANGUAGES, languageOf, type Language } from './language.js';
export { PROBLEM_TITLES_ZH } from './titles.js';
export { schemaMessage, type SchemaError } from './schema.js';

export type MessageKey = keyof typeof MESSAGES;
/** One text per language: a label that comes from another table (an action, a type). */
export type Texts = Readonly<Record<Language, string>>;
export type Param = string | number | Texts | Message | readonly string[] | readonly Message[];
export type Params = Readonly<Record<string, Param>>;

export interface Message {
  key: MessageKey;
  params?: Params;
}

/** A message of the catalogue, for a HubError, a field problem or a check's reason. */
export function msg(key: MessageKey, params?: Params): Message {
  return params === undefined ? { key } : { key, params };
}

export function isMessage(v: unknown): v is Message {
  return (
    typeof v === 'object' && v !== null && typeof (v as Message).key === 'string' && (v as Message).key in MESSAGES
  );
}

const isTexts = (v: unknown): v is Texts => typeof v === 'object' && v !== null && 'zh-CN' in v && 'en' in v;

/** The message in `language`; a param the template names but the message lacks stays as `{name}`. */
export function render(message: Message, language: Language = DEFAULT_LANGUAGE): string {
  // A key built at run time (`status.${s}`) may name no template: show the key rather than fail the answer.
  const template = (MESSAGES[message.key] as { zh: string; en: string } | undefined)?.[language === 'en' ? 'en' : 'zh'];
  if (template === undefined) return message.key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = message.params?.[name];
    return value === undefined ? whole : renderParam(value, language);
  });
}

/** English, for logs and for `Error.message`. */
export const english = (message: Message): string => render(message, 'en');

export function renderParam(value: Param, language: Language): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const messages = value.some((v) => typeof v !== 'string');
    const parts = value.map((v: string | Message) => (typeof v === 'string' ? v : render(v, language)));
    if (language === 'en') return parts.join(messages ? '; ' : ', ');
    return parts.join(messages ? '；' : '、');
  }
  if (isTexts(value)) return value[language];
  return render(value as Message, language);
}

/** The params as plain values in `language`, for a problem's `params`: lists stay lists. */
export function resolveParams(
  params: Params | undefined,
  language: Language,
): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'number' || typeof value === 'string') out[name] = value;
    else if (Array.isArray(value))
      out[name] = value.map((v: string | Message) => (typeof v === 'string' ? v : render(v, language)));
    else out[name] = renderParam(value as Param, language);
  }
  return out;
}

/** A failed check: its reason in English (for logs and stored reports) and as a message. */
export interface Refusal {
  ok: false;
  reason: string;
  message: Message;
}

export function refuse(key: MessageKey, params?: Params): Refusal {
  const message = msg(key, params);
  return { ok: false, reason: english(message), message };
}

/** A message as the `code` and `params` of a field problem or a stored reason. */
export function keyOf(message: Message): { code: MessageKey; params?: Params } {
  return message.params === undefined ? { code: message.key } : { code: message.key, params: message.params };
}

/**
 * Refusals that quote the value they refuse, and the same refusal without it. A reason that is
 * stored (a load's quarantine) must not keep a piece of a citizen ID — its birth date, its check
 * digit — in clear beside records that are sealed; the row and field say where to look.
 */
const QUOTE_FREE: Partial<Record<MessageKey, MessageKey>> = {
  'id.division': 'id.divisionUnknown',
  'id.checkDigit': 'id.checkDigitWrong',
  'id.birthDateMissing': 'id.birthDateNone',
  'id.birthDateRange': 'id.birthDateOut',
  'credit.char': 'credit.charBad',
  'credit.orgCode': 'credit.orgCodeWrong',
  'credit.checkChar': 'credit.checkCharWrong',
  'value.dateMissing': 'value.dateNone',
  'kernel.notDivision': 'value.notDivision',
};

/** `message`, or its quote-free form when it quotes the value it refuses. */
export function unquoted(message: Message): Message {
  const free = QUOTE_FREE[message.key];
  return free === undefined ? message : msg(free);
}
