import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from '../db/index.js';
import { HubError, detailIn, isHubError, LANGUAGES, msg, type Language } from '../kernel/index.js';
import { REPLAY_WINDOW_MS, SIGNED_HEADERS, signingString, verifyBoth, type PublicKeys } from './signing.js';
import type { CascadeTables, PeerRelation, PeerStatus } from './tables.js';

export interface Peer {
  nodeId: string;
  relation: PeerRelation;
  division: string;
  url: string;
  publicKeys: PublicKeys;
  status: PeerStatus;
  enrolledAt: Date;
  lastSeenAt: Date | null;
  lastSyncAt: Date | null;
  lagMs: number | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

type PeerRow = CascadeTables['cascade.peer'];

const toPeer = (r: Omit<PeerRow, 'status' | 'enrolled_at'> & { status: PeerStatus; enrolled_at: Date }): Peer => ({
  nodeId: r.node_id,
  relation: r.relation,
  division: r.division,
  url: r.url,
  publicKeys: { sm2: r.sm2_public, ed25519: r.ed25519_public },
  status: r.status,
  enrolledAt: r.enrolled_at,
  lastSeenAt: r.last_seen_at,
  lastSyncAt: r.last_sync_at,
  lagMs: r.lag_ms === null ? null : Number(r.lag_ms),
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
});

/** How often a process deletes nonces too old to replay. */
const PRUNE_EVERY_MS = 60_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The nodes this node knows, and the checks a signed request from one of them passes. */
export class Peers {
  private prunedAt = 0;

  constructor(
    private readonly db: Kysely<CascadeTables>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(): Promise<Peer[]> {
    const rows = await this.db.selectFrom('cascade.peer').selectAll().orderBy('division').execute();
    return rows.map(toPeer);
  }

  async get(nodeId: string): Promise<Peer | undefined> {
    const row = await this.db.selectFrom('cascade.peer').selectAll().where('node_id', '=', nodeId).executeTakeFirst();
    return row && toPeer(row);
  }

  async parent(): Promise<Peer | undefined> {
    const row = await this.db
      .selectFrom('cascade.peer')
      .selectAll()
      .where('relation', '=', 'parent')
      .executeTakeFirst();
    return row && toPeer(row);
  }

  async children(): Promise<Peer[]> {
    return (await this.list()).filter((p) => p.relation === 'child' && p.status === 'active');
  }

  /** A one-time enrolment token: only its hash is kept. */
  async issueToken(opts: { division?: string | undefined; hours: number; by: string }): Promise<string> {
    const token = `qdhe_${randomBytes(24).toString('base64url')}`;
    await this.db
      .insertInto('cascade.enrolment')
      .values({
        token_hash: hashToken(token),
        division: opts.division ?? null,
        created_by: opts.by,
        expires_at: new Date(this.now().getTime() + opts.hours * 3_600_000),
      })
      .execute();
    return token;
  }

  /**
   * Takes an enrolment: the token used once, within its time and for its district, and the
   * node stored (replacing an earlier node of that district) — both or neither.
   */
  async enrol(
    token: string,
    peer: Omit<Peer, 'status' | 'enrolledAt' | 'lastSeenAt' | 'lastSyncAt' | 'lagMs' | 'lastError' | 'lastErrorAt'>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const used = await trx
        .updateTable('cascade.enrolment')
        .set({ used_at: this.now(), used_by: peer.nodeId })
        .where('token_hash', '=', hashToken(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', this.now())
        .where((eb) => eb.or([eb('division', 'is', null), eb('division', '=', peer.division)]))
        .returning('token_hash')
        .executeTakeFirst();
      if (!used) throw new HubError('CAS_TOKEN_INVALID');
      await this.store(trx, peer);
    });
  }

  /** The parent, as it answered an enrolment. */
  async storeParent(peer: Parameters<Peers['enrol']>[1]): Promise<void> {
    await this.db.transaction().execute((trx) => this.store(trx, peer));
  }

  private async store(trx: Kysely<CascadeTables>, peer: Parameters<Peers['enrol']>[1]): Promise<void> {
    await trx
      .deleteFrom('cascade.peer')
      .where('division', '=', peer.division)
      .where('relation', '=', peer.relation)
      .execute();
    await trx
      .insertInto('cascade.peer')
      .values({
        node_id: peer.nodeId,
        relation: peer.relation,
        division: peer.division,
        url: peer.url,
        sm2_public: peer.publicKeys.sm2,
        ed25519_public: peer.publicKeys.ed25519,
      })
      .execute();
  }

  /**
   * The peer that signed a request, or a refusal: unknown or suspended node, a signature that
   * does not verify with both of its keys, a date outside the window, or a nonce seen before.
   * The nonce is recorded only once the signature verifies, so nobody can burn another's nonces.
   */
  async verify(req: {
    method: string;
    path: string;
    headers: Record<string, unknown>;
    body: Uint8Array;
  }): Promise<Peer> {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined;
    };
    const nodeId = header(SIGNED_HEADERS.node);
    const date = header(SIGNED_HEADERS.date);
    const nonce = header(SIGNED_HEADERS.nonce);
    const signature = header(SIGNED_HEADERS.signature);
    if (!nodeId || !date || !nonce || !signature) throw new HubError('CAS_UNSIGNED');
    const peer = await this.get(nodeId);
    if (!peer || peer.status !== 'active') throw new HubError('CAS_UNKNOWN_NODE');
    const message = signingString({ method: req.method, path: req.path, date, nonce, body: req.body });
    if (!verifyBoth(peer.publicKeys, message, signature)) throw new HubError('CAS_SIGNATURE_INVALID');
    const now = this.now().getTime();
    if (!/^\d{1,15}$/.test(date) || Math.abs(now - Number(date)) > REPLAY_WINDOW_MS)
      throw new HubError('CAS_REPLAYED', msg('cascade.outsideWindow', { minutes: REPLAY_WINDOW_MS / 60_000 }));
    const fresh = await this.db
      .insertInto('cascade.nonce')
      .values({ node_id: nodeId, nonce })
      .onConflict((oc) => oc.columns(['node_id', 'nonce']).doNothing())
      .returning('nonce')
      .executeTakeFirst();
    if (!fresh) throw new HubError('CAS_REPLAYED', msg('cascade.nonceSeen'));
    await this.pruneNonces(now);
    await this.db.updateTable('cascade.peer').set({ last_seen_at: this.now() }).where('node_id', '=', nodeId).execute();
    return peer;
  }

  /** Work done by sync loops, shown in the operations view. */
  async synced(nodeId: string, lagMs: number): Promise<void> {
    await this.db
      .updateTable('cascade.peer')
      .set({ last_sync_at: this.now(), lag_ms: lagMs, last_error: null, last_error_at: null })
      .where('node_id', '=', nodeId)
      .execute();
  }

  /** Why work with the node failed, kept in every language the operations view is read in. */
  async failed(nodeId: string, error: unknown): Promise<void> {
    await this.db
      .updateTable('cascade.peer')
      .set({ last_error: JSON.stringify(reasonTexts(error)), last_error_at: this.now() })
      .where('node_id', '=', nodeId)
      .execute();
  }

  /**
   * Nonces older than twice the window can no longer be replayed (the date check refuses them).
   * Pruned at most once a minute per process: a push sends many batches a second, and a delete
   * on every one of them would cost as much as the nonce check itself.
   */
  private async pruneNonces(now: number): Promise<void> {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const before = new Date(now - 2 * REPLAY_WINDOW_MS);
    await this.db.deleteFrom('cascade.nonce').where('seen_at', '<', before).execute();
  }
}

/** An error's detail in each language (a hub problem has one; anything else is what it says). */
function reasonTexts(error: unknown): Record<Language, string> {
  const text = (language: Language) =>
    (isHubError(error) ? detailIn(error, language) : error instanceof Error ? error.message : String(error)).slice(
      0,
      300,
    );
  return Object.fromEntries(LANGUAGES.map((l) => [l, text(l)])) as Record<Language, string>;
}

/** A stored reason in `language`; a reason stored as plain text (before it was kept per language) as it is. */
export function lastErrorIn(stored: string | null, language: Language): string | null {
  if (stored === null) return null;
  try {
    const texts = JSON.parse(stored) as Partial<Record<Language, string>>;
    return texts[language] ?? stored;
  } catch {
    return stored;
  }
}
