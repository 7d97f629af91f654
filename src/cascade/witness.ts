import canonicalize from 'canonicalize';
import type { Kysely } from '../db/index.js';
import { getSuite, HubError, msg, type Logger, type SuiteName } from '../kernel/index.js';
import {
  verifyConsistency,
  verifyHead,
  type ConsistencyProof,
  type Ledger,
  type LedgerKey,
  type SignedTreeHead,
} from '../ledger/index.js';
import type { NodeIdentity } from './identity.js';
import type { Peer, Peers } from './peers.js';
import { signBoth, verifyBoth, type PublicKeys } from './signing.js';
import type { AlertKind, CascadeTables } from './tables.js';

/** What a witness signs: the peer's head as it saw it, and who saw it. */
export interface Cosigned {
  witness: string;
  node: string;
  treeSize: number;
  rootHash: string;
  timestamp: number;
}

/** A head of this node's ledger with the cosignatures of the nodes that witnessed it. */
export interface WitnessedHead extends SignedTreeHead {
  witnesses: Array<{ node: string; division: string; cosignature: string; witnessedAt: string }>;
}

export interface WitnessOutcome {
  node: string;
  treeSize: number;
  /** `new`: witnessed and cosigned; `same`: nothing since the last; otherwise the alert raised. */
  result: 'new' | 'same' | AlertKind;
}

const cosignedMessage = (c: Cosigned) => Buffer.from(canonicalize(c)!, 'utf8');

/** Whether `cosignature` is the witness's (both of its node keys, from its card) over the head as it saw it. */
export function verifyCosignature(witnessKeys: PublicKeys, cosigned: Cosigned, cosignature: string): boolean {
  return verifyBoth(witnessKeys, cosignedMessage(cosigned), cosignature);
}

/**
 * Witnessed ledgers (docs/cascade.md, "Witnessed ledgers"). Each node fetches each peer's newest
 * signed tree head, checks it against the last head of that peer it witnessed — same size, same
 * root; larger, a consistency proof from the last — and cosigns it with both node keys; the peer
 * keeps the cosignature beside its own head and publishes it. Two heads of one size with
 * different roots, a proof that does not hold, a smaller tree or another ledger key is a fork:
 * an alert on both sides. Witnessing writes no ledger entry: an entry would move the head the
 * other node then witnesses, and neither would ever be done.
 */
export class Witnesses {
  constructor(
    private readonly db: Kysely<CascadeTables>,
    private readonly self: NodeIdentity,
    private readonly peers: Peers,
    private readonly ledger: Ledger,
    private readonly call: <T>(peer: Peer, method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>,
    private readonly logger?: Pick<Logger, 'error' | 'warn'>,
  ) {}

  /** Witnesses every active peer; a peer that cannot be reached is marked failed, the others go on. */
  async witnessAll(): Promise<WitnessOutcome[]> {
    const outcomes: WitnessOutcome[] = [];
    for (const peer of (await this.peers.list()).filter((p) => p.status === 'active')) {
      try {
        outcomes.push(await this.witness(peer));
      } catch (e) {
        await this.peers.failed(peer.nodeId, e);
      }
    }
    return outcomes;
  }

  async witness(peer: Peer): Promise<WitnessOutcome> {
    const key = await this.call<LedgerKey>(peer, 'GET', '/api/v1/ledger/key');
    const head = await this.call<SignedTreeHead>(peer, 'GET', '/api/v1/ledger/head');
    const outcome = (result: WitnessOutcome['result']): WitnessOutcome => ({
      node: peer.nodeId,
      treeSize: head.treeSize,
      result,
    });
    const pinned = await this.pinnedKey(peer, key);
    if (pinned !== key.publicKeyPem) return outcome(await this.raise(peer, 'key_changed', { pinned, presented: key }));
    if (head.suite !== key.suite || !verifyHead(getSuite(key.suite), key.publicKeyPem, head))
      throw new HubError('CAS_PEER_FAILED', msg('cascade.badHead', { node: peer.nodeId }));
    const sameSize = await this.seen(peer.nodeId, head.treeSize);
    if (sameSize) {
      if (sameSize.rootHash === head.rootHash) return outcome('same');
      return outcome(await this.raise(peer, 'fork', { heads: [sameSize, head] }));
    }
    const last = await this.lastSeen(peer.nodeId);
    if (last && last.treeSize > head.treeSize)
      return outcome(await this.raise(peer, 'rollback', { heads: [last, head] }));
    if (last && !(await this.consistent(peer, key, last, head)))
      return outcome(await this.raise(peer, 'inconsistent', { heads: [last, head] }));
    await this.cosign(peer, head);
    return outcome('new');
  }

  /** A cosignature a peer sends for one of this node's heads: kept once the head is this node's own. */
  async receive(from: Peer, head: SignedTreeHead, cosignature: string): Promise<void> {
    const signed: Cosigned = {
      witness: from.nodeId,
      node: this.self.nodeId,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
    };
    if (!verifyCosignature(from.publicKeys, signed, cosignature)) throw new HubError('CAS_SIGNATURE_INVALID');
    const size = await this.ledger.size();
    const own = head.treeSize <= size && (await this.ledger.rootAt(head.treeSize)).toString('hex') === head.rootHash;
    if (!own) {
      await this.record(from.nodeId, 'fork', { witnessed: head, note: 'a head this node never made' });
      throw new HubError('CAS_FORK');
    }
    await this.db
      .insertInto('cascade.witnessed')
      .values({
        tree_size: head.treeSize,
        witness: from.nodeId,
        root_hash: head.rootHash,
        timestamp: head.timestamp,
        signature: head.signature,
        cosignature,
      })
      .onConflict((oc) => oc.columns(['tree_size', 'witness']).doNothing())
      .execute();
  }

  /** A fork a peer found in this node's ledger, as it reported it. */
  async reported(from: Peer, kind: AlertKind, detail: unknown): Promise<void> {
    await this.record(from.nodeId, 'reported', { kind, detail });
  }

  /** This node's heads with their witnesses, newest first. */
  async published(limit = 50, before = Number.MAX_SAFE_INTEGER): Promise<WitnessedHead[]> {
    const sizes = await this.db
      .selectFrom('cascade.witnessed')
      .select('tree_size')
      .distinct()
      .where('tree_size', '<', before)
      .orderBy('tree_size', 'desc')
      .limit(limit)
      .execute();
    if (sizes.length === 0) return [];
    const rows = await this.db
      .selectFrom('cascade.witnessed as w')
      .leftJoin('cascade.peer as p', 'p.node_id', 'w.witness')
      .select([
        'w.tree_size',
        'w.root_hash',
        'w.timestamp',
        'w.signature',
        'w.witness',
        'w.cosignature',
        'w.received_at',
        'p.division',
      ])
      .where(
        'w.tree_size',
        'in',
        sizes.map((s) => s.tree_size),
      )
      .orderBy('w.tree_size', 'desc')
      .orderBy('w.witness')
      .execute();
    const heads = new Map<number, WitnessedHead>();
    for (const r of rows) {
      const size = Number(r.tree_size);
      const head = heads.get(size) ?? {
        treeSize: size,
        rootHash: r.root_hash,
        timestamp: Number(r.timestamp),
        suite: this.ledger.suite,
        signature: r.signature,
        witnesses: [],
      };
      head.witnesses.push({
        node: r.witness,
        division: r.division ?? '',
        cosignature: r.cosignature,
        witnessedAt: r.received_at.toISOString(),
      });
      heads.set(size, head);
    }
    return [...heads.values()];
  }

  async alerts(
    limit = 100,
  ): Promise<Array<{ id: number; node: string; kind: AlertKind; detail: unknown; at: string }>> {
    const rows = await this.db.selectFrom('cascade.alert').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      node: r.node_id,
      kind: r.kind,
      detail: JSON.parse(r.detail),
      at: r.at.toISOString(),
    }));
  }

  private async cosign(peer: Peer, head: SignedTreeHead): Promise<void> {
    const signed: Cosigned = {
      witness: this.self.nodeId,
      node: peer.nodeId,
      treeSize: head.treeSize,
      rootHash: head.rootHash,
      timestamp: head.timestamp,
    };
    const cosignature = signBoth(this.self.keys, cosignedMessage(signed));
    await this.db
      .insertInto('cascade.witness')
      .values({
        node_id: peer.nodeId,
        tree_size: head.treeSize,
        root_hash: head.rootHash,
        timestamp: head.timestamp,
        suite: head.suite,
        signature: head.signature,
        cosignature,
      })
      .onConflict((oc) => oc.columns(['node_id', 'tree_size']).doNothing())
      .execute();
    await this.call(peer, 'POST', '/api/v1/cascade/link/witness', { head, cosignature });
  }

  private async consistent(peer: Peer, key: LedgerKey, last: SignedTreeHead, head: SignedTreeHead): Promise<boolean> {
    const proof = await this.call<ConsistencyProof>(
      peer,
      'GET',
      `/api/v1/ledger/proof/consistency?first=${last.treeSize}&second=${head.treeSize}`,
    );
    const h = (d: Uint8Array) => getSuite(key.suite).hash(d);
    return verifyConsistency(
      h,
      last.treeSize,
      head.treeSize,
      proof.proof.map((p) => Buffer.from(p, 'hex')),
      Buffer.from(last.rootHash, 'hex'),
      Buffer.from(head.rootHash, 'hex'),
    );
  }

  /** The peer's ledger key as first seen (trust on first use, beside the node keys of enrolment). */
  private async pinnedKey(peer: Peer, key: LedgerKey): Promise<string> {
    await this.db
      .insertInto('cascade.ledger_key')
      .values({ node_id: peer.nodeId, suite: key.suite, public_key: key.publicKeyPem })
      .onConflict((oc) => oc.column('node_id').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('cascade.ledger_key')
      .select('public_key')
      .where('node_id', '=', peer.nodeId)
      .executeTakeFirstOrThrow();
    return row.public_key;
  }

  private async seen(nodeId: string, size: number): Promise<SignedTreeHead | undefined> {
    const row = await this.db
      .selectFrom('cascade.witness')
      .selectAll()
      .where('node_id', '=', nodeId)
      .where('tree_size', '=', size)
      .executeTakeFirst();
    return row && toHead(row);
  }

  private async lastSeen(nodeId: string): Promise<SignedTreeHead | undefined> {
    const row = await this.db
      .selectFrom('cascade.witness')
      .selectAll()
      .where('node_id', '=', nodeId)
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toHead(row);
  }

  /** Raises an alert here and tells the peer, which records it too (a peer that does not answer is marked failed). */
  private async raise(peer: Peer, kind: AlertKind, detail: object): Promise<AlertKind> {
    await this.record(peer.nodeId, kind, detail);
    try {
      await this.call(peer, 'POST', '/api/v1/cascade/link/alerts', { kind, detail });
    } catch (e) {
      await this.peers.failed(peer.nodeId, e);
    }
    return kind;
  }

  private async record(nodeId: string, kind: AlertKind, detail: object): Promise<void> {
    this.logger?.error({ node: nodeId, kind }, 'ledger fork: a witnessed head conflicts');
    await this.db
      .insertInto('cascade.alert')
      .values({ node_id: nodeId, kind, detail: JSON.stringify(detail) })
      .execute();
  }
}

function toHead(row: {
  tree_size: number | string;
  root_hash: string;
  timestamp: number | string;
  suite: SuiteName;
  signature: string;
}): SignedTreeHead {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    timestamp: Number(row.timestamp),
    suite: row.suite,
    signature: row.signature,
  };
}
