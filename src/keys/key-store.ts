import { randomBytes } from 'node:crypto';
import { sql, type Database, type Kysely } from '../db/index.js';
import { fieldCipher, HubError, msg, type FieldCipher, type Logger, type SuiteName } from '../kernel/index.js';
import { LocalKek, type KeyEncryptionKey } from './kek.js';
import type { KeyPurpose, KeysTables, KeyState } from './tables.js';

/** A data key unwrapped: its version (carried in each value it seals) and its suite's cipher. */
export interface DataKey {
  version: number;
  key: Buffer;
  cipher: FieldCipher;
}

/** Secrets of another module sealed under one scope's data key (the ledger's signing key, access secrets). */
export interface SecretBox {
  seal(plain: Uint8Array): Promise<string>;
  open(stored: string): Promise<Buffer>;
  /** Whether `stored` is a sealed value (else it is a secret from before encryption at rest). */
  isSealed(stored: string): boolean;
}

export interface KeyStoreOptions {
  /** The suite of keys made from now on (each key keeps the suite it was made with). Default gm. */
  suite?: SuiteName;
  /** Configured KEKs, newest first; none: a generated one kept in the database (demo, tests). */
  keks?: KeyEncryptionKey[];
  /**
   * Whether a database with no KEK yet may get a generated one kept in it (default true: the
   * library, tests). The command line allows it only for the demo city or with
   * QDH_KEK_GENERATE=1, so that an install never starts keeping its key beside its data by mistake.
   */
  generate?: boolean;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export interface KeyStatus {
  kek: { id: string; generated: boolean };
  keks: Array<{ id: string; keys: number }>;
  scopes: Array<{ scope: string; purpose: KeyPurpose; version: number; state: KeyState; suite: SuiteName }>;
  rotations: Array<{ scope: string; toVersion: number; done: number; total: number; finished: boolean }>;
}

const CHANNEL = 'keys_changed';
/** The advisory lock class of key changes; 7301 is migrations', 7401 the base's, 7501 record merges'. */
const KEYS_LOCK = 7601;
const BOX_PREFIX = 'dek:';

/**
 * Envelope keys: per scope, data keys (DEKs) wrapped by the key-encryption key (KEK), stored in
 * keys.dek and kept unwrapped in this process's memory. A data key's bytes never change (a KEK
 * rotation re-wraps them), so the cache of unwrapped keys stays valid; which version is active
 * does change (a data rotation), and every process hears of it by NOTIFY.
 */
export class KeyStore {
  private readonly db: Kysely<KeysTables>;
  private readonly unwrapped = new Map<string, Promise<Buffer>>();
  private readonly active = new Map<string, Promise<DataKey>>();
  /** Keys whose bytes never change (a version once made; a lookup key): kept for the life of the process. */
  private readonly versions = new Map<string, Promise<DataKey>>();
  private readonly lookups = new Map<string, Promise<DataKey>>();
  private stopListening: (() => Promise<void>) | undefined;

  private constructor(
    database: Database,
    private readonly suite: SuiteName,
    /** Every KEK this process holds, the sealing one first. */
    private ring: KeyEncryptionKey[],
    private generated: Set<string>,
  ) {
    this.db = database.kysely.withTables<KeysTables>();
  }

  /**
   * Opens the key store: the KEK ring from configuration, else a generated KEK kept in the
   * database (said so in the log, never the key; made only where `generate` allows). Refuses with KEY_WRONG_KEK when a stored data
   * key was wrapped by a KEK this process does not hold, or does not unwrap under it: a hub
   * started with the wrong KEK stops here, not at its first read.
   */
  static async open(database: Database, opts: KeyStoreOptions = {}): Promise<KeyStore> {
    const suite = opts.suite ?? 'gm';
    const db = database.kysely.withTables<KeysTables>();
    const configured = opts.keks ?? [];
    let generated = await generatedKeks(db, suite);
    if (configured.length === 0 && generated.length === 0) {
      if (opts.generate === false) {
        const names = { kek: 'QDH_KEK', kekFile: 'QDH_KEK_FILE', demo: '--demo', generate: 'QDH_KEK_GENERATE=1' };
        throw new HubError('KEY_NO_KEK', msg('keys.noKek', names));
      }
      // Processes starting at once on a new database (`--workers N`) make one KEK between them.
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${KEYS_LOCK}, 0)`.execute(trx);
        const made = await trx.selectFrom('keys.generated_kek').select('id').limit(1).executeTakeFirst();
        if (!made) await trx.insertInto('keys.generated_kek').values(newGeneratedKek(suite)).execute();
      });
      generated = await generatedKeks(db, suite);
    }
    if (configured.length === 0) {
      opts.logger?.warn(
        { kek: generated[0]!.id },
        'key-encryption key: generated and kept in the database (demo and tests only); set QDH_KEK or QDH_KEK_FILE',
      );
    } else opts.logger?.info({ kek: configured[0]!.id }, 'key-encryption key: configured');
    const store = new KeyStore(database, suite, [...configured, ...generated], new Set(generated.map((k) => k.id)));
    await store.checkRing();
    store.stopListening = await database.listen(CHANNEL, () => store.active.clear());
    return store;
  }

  /** The KEK that wraps new keys. */
  get kekId(): string {
    return this.ring[0]!.id;
  }

  /** The active data key of a scope, made on first use. */
  current(scope: string): Promise<DataKey> {
    let hit = this.active.get(scope);
    if (!hit) {
      hit = this.loadActive(scope, 'data');
      hit.catch(() => this.active.delete(scope));
      this.active.set(scope, hit);
    }
    return hit;
  }

  /** A data key of a scope by version (any state): what opens a value sealed under it. */
  version(scope: string, version: number): Promise<DataKey> {
    const id = `${scope}\u0000${version}`;
    let hit = this.versions.get(id);
    if (!hit) {
      hit = this.loadVersion(scope, version);
      hit.catch(() => this.versions.delete(id));
      this.versions.set(id, hit);
    }
    return hit;
  }

  /** The scope's lookup (blind-index) key, made on first use; it is not rotated (docs/encryption.md). */
  lookup(scope: string): Promise<DataKey> {
    const id = `${scope}\u0000lookup`;
    let hit = this.lookups.get(id);
    if (!hit) {
      hit = this.loadActive(scope, 'lookup');
      hit.catch(() => this.lookups.delete(id));
      this.lookups.set(id, hit);
    }
    return hit;
  }

  /** Secrets of a module sealed under the scope's data key, as text. */
  box(scope: string): SecretBox {
    const aad = Buffer.from(scope);
    return {
      seal: async (plain) => {
        const k = await this.current(scope);
        return `${BOX_PREFIX}${k.version}:${k.cipher.seal(k.key, plain, aad).toString('base64')}`;
      },
      open: async (stored) => {
        const m = /^dek:(\d+):(.+)$/s.exec(stored);
        if (!m) throw new HubError('KEY_UNREADABLE', msg('keys.notSealed', { scope }));
        const k = await this.version(scope, Number(m[1]));
        try {
          return k.cipher.open(k.key, Buffer.from(m[2]!, 'base64'), aad);
        } catch {
          throw new HubError('KEY_UNREADABLE', msg('keys.sealBroken', { scope }));
        }
      },
      isSealed: (stored) => stored.startsWith(BOX_PREFIX),
    };
  }

  /**
   * KEK rotation: every data key re-wrapped under the sealing KEK, one statement per key (fast:
   * no data is touched). Without a configured KEK a new generated one is made first. Generated
   * KEKs that wrap nothing any more are dropped. Returns how many keys were re-wrapped.
   */
  async rewrap(): Promise<{ kek: string; rewrapped: number }> {
    if (this.generated.has(this.kekId)) {
      const fresh = newGeneratedKek(this.suite);
      await this.db.insertInto('keys.generated_kek').values(fresh).execute();
      const kek = new LocalKek(fresh.key, this.suite);
      this.ring = [kek, ...this.ring];
      this.generated.add(kek.id);
    }
    const sealing = this.ring[0]!;
    const stale = await this.db
      .selectFrom('keys.dek')
      .select(['scope', 'purpose', 'version', 'suite', 'kek_id', 'wrapped'])
      .where('kek_id', '<>', sealing.id)
      .execute();
    for (const row of stale) {
      const dek = await this.unwrap(row.scope, row.purpose, row.version, row);
      await this.db
        .updateTable('keys.dek')
        .set({ kek_id: sealing.id, wrapped: await sealing.wrap(dek) })
        .where('scope', '=', row.scope)
        .where('purpose', '=', row.purpose)
        .where('version', '=', row.version)
        .where('kek_id', '=', row.kek_id)
        .execute();
    }
    await this.db
      .deleteFrom('keys.generated_kek')
      .where('id', '<>', sealing.id)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('keys.dek').select('scope').whereRef('keys.dek.kek_id', '=', 'keys.generated_kek.id'))),
      )
      .execute();
    await this.announce();
    return { kek: sealing.id, rewrapped: stale.length };
  }

  /**
   * Starts a data rotation of a scope: a new data key becomes active (new values are sealed
   * under it at once, in every process), the old ones retire but still open what they sealed.
   */
  async beginRotation(scope: string, total: number): Promise<number> {
    const version = await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${KEYS_LOCK}, hashtext(${scope}))`.execute(trx);
      const top = await trx
        .selectFrom('keys.dek')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('scope', '=', scope)
        .where('purpose', '=', 'data')
        .executeTakeFirst();
      const next = (top?.v ?? 0) + 1;
      await trx
        .updateTable('keys.dek')
        .set({ state: 'retiring' })
        .where('scope', '=', scope)
        .where('purpose', '=', 'data')
        .where('state', '=', 'active')
        .execute();
      await trx
        .insertInto('keys.dek')
        .values(await this.newKey(scope, 'data', next))
        .execute();
      await trx
        .insertInto('keys.rotation')
        .values({ scope, to_version: next, done: 0, total })
        .onConflict((oc) =>
          oc
            .column('scope')
            .doUpdateSet({ to_version: next, done: 0, total, started_at: new Date(), finished_at: null }),
        )
        .execute();
      return next;
    });
    this.active.delete(scope);
    await this.announce();
    return version;
  }

  async progress(scope: string, done: number): Promise<void> {
    await this.db.updateTable('keys.rotation').set({ done }).where('scope', '=', scope).execute();
  }

  /** The data of a scope is all under `version`: older keys retire (kept, never used to seal). */
  async finishRotation(scope: string, version: number): Promise<void> {
    await this.db
      .updateTable('keys.dek')
      .set({ state: 'retired' })
      .where('scope', '=', scope)
      .where('purpose', '=', 'data')
      .where('version', '<', version)
      .execute();
    await this.db.updateTable('keys.rotation').set({ finished_at: new Date() }).where('scope', '=', scope).execute();
  }

  async status(): Promise<KeyStatus> {
    const keys = await this.db
      .selectFrom('keys.dek')
      .select(['scope', 'purpose', 'version', 'state', 'suite', 'kek_id'])
      .orderBy('scope')
      .orderBy('purpose')
      .orderBy('version')
      .execute();
    const perKek = new Map<string, number>();
    for (const k of keys) perKek.set(k.kek_id, (perKek.get(k.kek_id) ?? 0) + 1);
    const rotations = await this.db.selectFrom('keys.rotation').selectAll().orderBy('scope').execute();
    return {
      kek: { id: this.kekId, generated: this.generated.has(this.kekId) },
      keks: [...perKek].map(([id, n]) => ({ id, keys: n })),
      scopes: keys.map((k) => ({
        scope: k.scope,
        purpose: k.purpose,
        version: k.version,
        state: k.state,
        suite: k.suite,
      })),
      rotations: rotations.map((r) => ({
        scope: r.scope,
        toVersion: r.to_version,
        done: Number(r.done),
        total: Number(r.total),
        finished: r.finished_at !== null,
      })),
    };
  }

  async close(): Promise<void> {
    await this.stopListening?.();
  }

  private async announce(): Promise<void> {
    await sql`select pg_notify(${CHANNEL}, '')`.execute(this.db);
  }

  /** Every stored key's KEK is in the ring and one key of each unwraps; else the hub does not start. */
  private async checkRing(): Promise<void> {
    const { rows } = await sql<{
      kek_id: string;
      scope: string;
      purpose: KeyPurpose;
      version: number;
      wrapped: Buffer;
    }>`
      select distinct on (kek_id) kek_id, scope, purpose, version, wrapped from keys.dek order by kek_id`.execute(
      this.db,
    );
    for (const r of rows) {
      const kek = this.ring.find((k) => k.id === r.kek_id);
      if (!kek) throw new HubError('KEY_WRONG_KEK', wrongKek(r.kek_id));
      await kek.unwrap(r.wrapped).catch(() => {
        throw new HubError('KEY_WRONG_KEK', wrongKek(r.kek_id));
      });
    }
  }

  private async loadVersion(scope: string, version: number): Promise<DataKey> {
    const row = await this.db
      .selectFrom('keys.dek')
      .select(['suite', 'kek_id', 'wrapped'])
      .where('scope', '=', scope)
      .where('purpose', '=', 'data')
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw new HubError('KEY_UNREADABLE', msg('keys.noVersion', { scope, version }));
    return { version, key: await this.unwrap(scope, 'data', version, row), cipher: fieldCipher(row.suite) };
  }

  private async loadActive(scope: string, purpose: KeyPurpose): Promise<DataKey> {
    const read = () =>
      this.db
        .selectFrom('keys.dek')
        .select(['version', 'suite', 'kek_id', 'wrapped'])
        .where('scope', '=', scope)
        .where('purpose', '=', purpose)
        .where('state', '=', 'active')
        .executeTakeFirst();
    let row = await read();
    if (!row) {
      // Two processes may make a scope's first key at once: the primary key keeps one of them.
      await this.db
        .insertInto('keys.dek')
        .values(await this.newKey(scope, purpose, 1))
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await read();
      if (!row) throw new HubError('KEY_UNREADABLE', msg('keys.noVersion', { scope, version: 1 }));
    }
    return {
      version: row.version,
      key: await this.unwrap(scope, purpose, row.version, row),
      cipher: fieldCipher(row.suite),
    };
  }

  private async newKey(scope: string, purpose: KeyPurpose, version: number) {
    const bytes = purpose === 'lookup' ? 32 : fieldCipher(this.suite).keyBytes;
    const kek = this.ring[0]!;
    const wrapped = await kek.wrap(randomBytes(bytes));
    return { scope, purpose, version, suite: this.suite, kek_id: kek.id, wrapped, state: 'active' as KeyState };
  }

  private unwrap(
    scope: string,
    purpose: KeyPurpose,
    version: number,
    row: { kek_id: string; wrapped: Buffer },
  ): Promise<Buffer> {
    const id = `${scope}\u0000${purpose}\u0000${version}`;
    let hit = this.unwrapped.get(id);
    if (!hit) {
      const kek = this.ring.find((k) => k.id === row.kek_id);
      hit = kek
        ? kek.unwrap(row.wrapped).catch(() => {
            throw new HubError('KEY_WRONG_KEK', wrongKek(row.kek_id));
          })
        : Promise.reject(new HubError('KEY_WRONG_KEK', wrongKek(row.kek_id)));
      hit.catch(() => this.unwrapped.delete(id));
      this.unwrapped.set(id, hit);
    }
    return hit;
  }
}

function newGeneratedKek(suite: SuiteName): { id: string; key: Buffer } {
  const key = randomBytes(32);
  return { id: new LocalKek(key, suite).id, key };
}

/** The generated KEKs kept in the database, newest first. */
async function generatedKeks(db: Kysely<KeysTables>, suite: SuiteName): Promise<LocalKek[]> {
  const rows = await db.selectFrom('keys.generated_kek').select('key').orderBy('created_at', 'desc').execute();
  return rows.map((r) => new LocalKek(r.key, suite));
}

function wrongKek(kek: string) {
  return msg('keys.wrongKek', { kek, current: 'QDH_KEK', previous: 'QDH_KEK_PREVIOUS' });
}
