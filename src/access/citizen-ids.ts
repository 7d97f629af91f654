import type { FieldCipher } from '../kernel/index.js';
import type { SecretSeal } from './secrets.js';

/** The scope's lookup key, as the key store gives it (keys.lookup('access')). */
export type LookupKey = () => Promise<{ key: Buffer; cipher: FieldCipher }>;

/** A citizen ID as `access.user` stores it. */
export interface StoredCitizenId {
  citizen_id: string | null;
  citizen_tag: string | null;
}

/**
 * The citizen ID bound to a citizen account, at rest (#15): sealed with the `access` data key,
 * and found by its tag — a keyed hash (HMAC-SM3 or -SHA256) under the `access` lookup key — so
 * that an account is still found by ID with one index probe, and a copy of the database holds no
 * citizen's ID in clear. IDs an earlier version stored in clear are sealed when the hub starts.
 */
export class CitizenIds {
  constructor(
    private readonly box: SecretSeal,
    private readonly lookup: LookupKey,
  ) {}

  async stored(id: string | null): Promise<StoredCitizenId> {
    if (id === null) return { citizen_id: null, citizen_tag: null };
    return { citizen_id: await this.box.seal(Buffer.from(id, 'utf8')), citizen_tag: await this.tag(id) };
  }

  async tag(id: string): Promise<string> {
    const { key, cipher } = await this.lookup();
    return cipher.mac(key, id.trim().toUpperCase()).toString('hex');
  }

  /** The ID; one stored in clear (before the hub sealed it at start) as it is. */
  async open(stored: string | null): Promise<string | null> {
    if (stored === null) return null;
    return this.box.isSealed(stored) ? (await this.box.open(stored)).toString('utf8') : stored.trim();
  }
}
