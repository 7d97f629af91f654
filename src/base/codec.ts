import { findDataElement } from '../catalog/index.js';
import { HubError, msg, NONCE_BYTES } from '../kernel/index.js';
import type { SealingKeys } from '../records/index.js';
import { BASES, type BaseKind } from './kinds.js';

type SealKey = Awaited<ReturnType<SealingKeys['current']>>;
type LookupKey = Awaited<ReturnType<SealingKeys['lookup']>>;

/**
 * A base at rest (docs/encryption.md, "The base databases"): what the records store does for a
 * resource, for the merge's tables, whose SQL compares keys and values across providers.
 *
 *  key   — when the base's key element is of sensitivity 4 (the citizen ID), every `subject_key`
 *          (and base.subject's `key`) is its **blind index**, a keyed hash: joins, conflicts,
 *          labels and changes work on it as on the key. The key itself is kept sealed once, in
 *          `base.key_book`, for what must show or return it.
 *  value — a value of a sensitivity-4 element (phone, disability certificate) is the JSON text
 *          `~<version>.<sealed>`, and its `norm` is `~` and the blind of the compared form, so
 *          that confirmations and conflicts are found as before.
 *
 * Values are sealed **deterministically**: the GCM nonce is a keyed hash of the subject, the
 * element and the plaintext (a synthetic IV). The merge decides "unchanged" by comparing stored
 * values, and a fresh random nonce would make every re-absorbed value a change: rewritten, and
 * returned to the districts again. Equal ciphertexts only show what the blind already shows, and
 * two different plaintexts never share a nonce (short of a 96-bit collision).
 */
export class BaseCodec {
  /** Whether subject keys are stored as blind indexes. */
  readonly keySealed: boolean;
  private readonly sealed: ReadonlySet<string>;
  private readonly scope: string;

  constructor(
    readonly kind: BaseKind,
    private readonly sealing:
      | {
          data: SealKey;
          lookup: LookupKey;
          keys: SealingKeys;
          /** The earlier data keys, loaded with the codec: opening never waits on the database then. */
          earlier?: ReadonlyMap<number, SealKey>;
        }
      | undefined,
  ) {
    this.scope = baseScope(kind);
    const sensitive = (element: string) => (findDataElement(element)?.sensitivity ?? 0) >= 4;
    this.keySealed = !!sealing && sensitive(BASES[kind].keyElement);
    this.sealed = new Set(sealing ? BASES[kind].elements.filter(sensitive) : []);
  }

  /** Whether values of `element` are sealed in this base. */
  isSealed(element: string): boolean {
    return this.sealed.has(element);
  }

  /** The elements whose values are sealed. */
  get sealedElements(): string[] {
    return [...this.sealed];
  }

  /** A subject key as the base's tables hold it. */
  storedKey(key: string): string {
    return this.keySealed ? this.blind('\u0000key', key) : key;
  }

  /** Keys sealed for the key book, each bound to its stored key (`stored[i]`); null where keys are not sealed. */
  sealKeys(keys: readonly string[], stored: readonly string[]): Array<string | null> {
    if (!this.keySealed) return keys.map(() => null);
    const { data } = this.sealing!;
    const items = keys.map((k, i) => ({ data: Buffer.from(k), aad: this.aad(stored[i]!, '\u0000key') }));
    return data.cipher.sealMany(data.key, items).map((b) => `~${data.version}.${b.toString('base64url')}`);
  }

  /** Opens sealed keys from the key book (`stored` → sealed), each checked against its stored key. */
  async openKeys(book: ReadonlyMap<string, string>): Promise<Map<string, string>> {
    const entries = [...book];
    const opened = await this.openMany(
      entries.map(([stored, sealed]) => ({ sealed, aad: this.aad(stored, '\u0000key') })),
    );
    return new Map(entries.map(([stored], i) => [stored, opened[i]!.toString()]));
  }

  /**
   * Seals values of sealed elements of one subject each (`subject` is its stored key): the
   * value's JSON text becomes a sealed text, its compared form a blind. All in one cipher call.
   */
  sealValues(items: ReadonlyArray<{ subject: string; element: string; value: unknown; norm: string }>) {
    const sealed = this.sealJson(items.map((it) => ({ ...it, json: JSON.stringify(it.value) })));
    return items.map((it, i) => ({ value: sealed[i]!, norm: this.storedNorm(it.element, it.norm) }));
  }

  /** The stored compared form of a plaintext one. */
  storedNorm(element: string, norm: string): string {
    return this.isSealed(element) ? `~${this.blind(element, norm)}` : norm;
  }

  /** The data key version this codec seals under. */
  get version(): number {
    return this.sealing?.data.version ?? 0;
  }

  /** Whether a stored value was sealed under another data key than the one this codec seals under. */
  isStale(value: unknown): value is string {
    return isSealedText(value) && Number(SEALED.exec(value)![1]) !== this.version;
  }

  /** Sealed values opened and sealed again under this codec's data key (a data rotation); forms unchanged. */
  async resealValues(items: ReadonlyArray<{ subject: string; element: string; value: string }>): Promise<string[]> {
    const opened = await this.openMany(
      items.map((it) => ({ sealed: it.value, aad: this.aad(it.subject, it.element) })),
    );
    return this.sealJson(items.map((it, i) => ({ ...it, json: opened[i]!.toString() })));
  }

  /** Sealed keys of the key book opened and sealed again under this codec's data key. */
  async resealKeys(book: ReadonlyMap<string, string>): Promise<Map<string, string>> {
    const opened = await this.openKeys(book);
    const stored = [...opened.keys()];
    const sealed = this.sealKeys([...opened.values()], stored);
    return new Map(stored.map((k, i) => [k, sealed[i]!]));
  }

  /** JSON texts sealed deterministically: the nonce a keyed hash of the associated data and the text. */
  private sealJson(items: ReadonlyArray<{ subject: string; element: string; json: string }>): string[] {
    const { data, lookup } = this.sealing!;
    const aads = items.map((it) => this.aad(it.subject, it.element));
    const nonces = Buffer.alloc(items.length * NONCE_BYTES);
    items.forEach((it, i) => {
      const synthetic = lookup.cipher.mac(
        lookup.key,
        Buffer.concat([NONCE_LABEL, aads[i]!, ZERO, Buffer.from(it.json)]),
      );
      synthetic.copy(nonces, i * NONCE_BYTES, 0, NONCE_BYTES);
    });
    const sealed = data.cipher.sealMany(
      data.key,
      items.map((it, i) => ({ data: Buffer.from(it.json), aad: aads[i]! })),
      nonces,
    );
    return sealed.map((b) => `~${data.version}.${b.toString('base64url')}`);
  }

  /** Opens the values of sealed elements; the others come back as they are. */
  async openValues(items: ReadonlyArray<{ subject: string; element: string; value: unknown }>): Promise<unknown[]> {
    const out = items.map((it) => it.value);
    // Only a sealed element's: a provider's name that happens to look sealed stays what it is.
    const todo = items.flatMap((it, i) => (this.isSealed(it.element) && isSealedText(it.value) ? [i] : []));
    if (todo.length === 0) return out;
    const opened = await this.openMany(
      todo.map((i) => ({ sealed: items[i]!.value as string, aad: this.aad(items[i]!.subject, items[i]!.element) })),
    );
    todo.forEach((i, n) => (out[i] = JSON.parse(opened[n]!.toString()) as unknown));
    return out;
  }

  private async openMany(items: Array<{ sealed: string; aad: Buffer }>): Promise<Buffer[]> {
    const byVersion = new Map<number, number[]>();
    const parsed = items.map((it, i) => {
      const m = SEALED.exec(it.sealed);
      if (!m || !this.sealing) throw new HubError('KEY_UNREADABLE', msg('keys.sealBroken', { scope: this.scope }));
      const version = Number(m[1]);
      byVersion.set(version, [...(byVersion.get(version) ?? []), i]);
      return { data: Buffer.from(m[2]!, 'base64url'), aad: it.aad };
    });
    const out: Buffer[] = new Array(items.length);
    for (const [version, indexes] of byVersion) {
      const { data, earlier, keys } = this.sealing!;
      const key =
        version === data.version ? data : (earlier?.get(version) ?? (await keys.version(this.scope, version)));
      try {
        key.cipher
          .openMany(
            key.key,
            indexes.map((i) => parsed[i]!),
          )
          .forEach((b, n) => (out[indexes[n]!] = b));
      } catch {
        throw new HubError('KEY_UNREADABLE', msg('keys.sealBroken', { scope: this.scope }));
      }
    }
    return out;
  }

  private blind(label: string, value: string): string {
    const { lookup } = this.sealing!;
    return lookup.cipher.mac(lookup.key, `${label}\u0000${value}`).toString('hex').slice(0, BLIND_HEX);
  }

  private aad(subject: string, element: string): Buffer {
    return Buffer.from(`${this.scope}\u0000${subject}\u0000${element}`);
  }
}

const SEALED = /^~(\d+)\.([A-Za-z0-9_-]+)$/;
const BLIND_HEX = 32;
const NONCE_LABEL = Buffer.from('\u0001synthetic-nonce\u0000');
const ZERO = Buffer.from([0]);

/** Whether a stored value is a sealed text (`~<version>.<sealed>`). */
export function isSealedText(value: unknown): value is string {
  return typeof value === 'string' && value.charCodeAt(0) === 126 /* ~ */ && SEALED.test(value);
}

export function baseScope(kind: BaseKind): string {
  return `base:${kind}`;
}

/**
 * The codecs of the two bases, keys from the key store (which keeps them unwrapped): a codec
 * per base, made again when a data rotation makes another data key active (NOTIFY keys_changed).
 * A codec holds every data key version up to the active one: reads open inside the base's
 * transactions, where fetching a key would wait for the one connection PGlite has.
 */
export function baseCodecs(keys: SealingKeys): (kind: BaseKind) => Promise<BaseCodec> {
  const made = new Map<BaseKind, BaseCodec>();
  return async (kind) => {
    const scope = baseScope(kind);
    const [data, lookup] = await Promise.all([keys.current(scope), keys.lookup(scope)]);
    let codec = made.get(kind);
    if (!codec || codec.version !== data.version) {
      const versions = Array.from({ length: data.version - 1 }, (_, i) => i + 1);
      const earlier = new Map(await Promise.all(versions.map(async (v) => [v, await keys.version(scope, v)] as const)));
      made.set(kind, (codec = new BaseCodec(kind, { data, lookup, keys, earlier })));
    }
    return codec;
  };
}

/** Bases stored as given: for tests of the merge alone. */
export const PLAIN_BASE_CODECS = (kind: BaseKind): Promise<BaseCodec> =>
  Promise.resolve(new BaseCodec(kind, undefined));
