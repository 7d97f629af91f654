import type { Database, Kysely } from '../db/index.js';
import type { Ledger } from '../ledger/index.js';
import {
  countiesOf,
  DEFAULT_LANGUAGE,
  findDivision,
  HubError,
  msg,
  type Language,
  type Logger,
} from '../kernel/index.js';
import type { SecretBox } from '../keys/index.js';
import { loadIdentity, type NodeIdentity } from './identity.js';
import { callPeer } from './link.js';
import { lastErrorIn, Peers, type Peer } from './peers.js';
import { signBoth, verifyBoth, type PublicKeys } from './signing.js';
import { Witnesses } from './witness.js';
import type { CascadeTables, NodeRole } from './tables.js';

export interface CascadeOptions {
  role?: NodeRole | undefined;
  division?: string | undefined;
  box: SecretBox;
  /** This node's ledger, which its peers witness and whose heads it publishes with their cosignatures. */
  ledger: Ledger;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  now?: () => Date;
}

/** What a node says of itself: public, so that an operator can compare fingerprints by eye. */
export interface NodeCard {
  nodeId: string;
  role: NodeRole;
  division: string;
  divisionName: string;
  publicKeys: PublicKeys;
  /** On a city: its districts and counties (GB/T 2260), which may enrol. */
  districts: Array<{ division: string; name: string }>;
}

/** What a district sends to enrol: its card, where it is reached, and the token signed by both its keys. */
export interface EnrolmentRequest {
  token: string;
  nodeId: string;
  division: string;
  url: string;
  publicKeys: PublicKeys;
  proof: string;
}

/** One node as the operations view lists it. */
export interface NodeStatus {
  nodeId: string;
  relation: Peer['relation'];
  division: string;
  divisionName: string;
  url: string;
  status: 'active' | 'suspended' | 'failing' | 'never_synced';
  enrolledAt: string;
  lastSeen: string | null;
  lastSync: string | null;
  /** Milliseconds the copy was behind at the last sync. */
  lag: number | null;
  lastError: string | null;
  /** Alerts of witnessing (forks) about this node or reported by it. */
  alerts: number;
}

const proofMessage = (token: string, nodeId: string) => Buffer.from(`qdh-enrol\n${token}\n${nodeId}`);

/**
 * The city–district cascade (docs/cascade.md): who this node is, which nodes it knows, and the
 * one handshake that makes a district known to its city. The work that flows between nodes
 * (catalog, push up, data return, witnessing) goes through `call` and `verify`.
 */
export class Cascade {
  /** Witnessed ledgers: this node's cosignatures of its peers' heads, and theirs of its own. */
  readonly witnesses: Witnesses;

  private constructor(
    private readonly db: Kysely<CascadeTables>,
    readonly self: NodeIdentity,
    readonly peers: Peers,
    ledger: Ledger,
    private readonly logger: Pick<Logger, 'info' | 'warn' | 'error'> | undefined,
  ) {
    this.witnesses = new Witnesses(
      db,
      self,
      peers,
      ledger,
      (peer, method, path, body) => this.call(peer, method, path, body),
      logger,
    );
  }

  static async open(database: Database, opts: CascadeOptions): Promise<Cascade> {
    const db = database.kysely.withTables<CascadeTables>();
    checkDivision(opts.role ?? 'city', opts.division);
    const self = await loadIdentity(db, opts.box, { role: opts.role, division: opts.division });
    return new Cascade(db, self, new Peers(db, opts.now), opts.ledger, opts.logger);
  }

  card(): NodeCard {
    const { nodeId, role, division, publicKeys } = this.self;
    const districts = role === 'city' ? countiesOf(division).map((d) => ({ division: d.code, name: d.name })) : [];
    return { nodeId, role, division, divisionName: findDivision(division)?.name ?? division, publicKeys, districts };
  }

  /** On the city: a one-time token a district enrols with (`qdh cascade token`). */
  async issueToken(opts: { division?: string | undefined; hours?: number; by: string }): Promise<string> {
    if (this.self.role !== 'city') throw new HubError('CAS_NOT_CITY');
    if (opts.division !== undefined) this.checkChild(opts.division);
    return this.peers.issueToken({ division: opts.division, hours: opts.hours ?? 24, by: opts.by });
  }

  /** On the city: a district's enrolment, taken once its token and its proof of both keys hold. */
  async acceptEnrolment(req: EnrolmentRequest): Promise<NodeCard> {
    if (this.self.role !== 'city') throw new HubError('CAS_NOT_CITY');
    this.checkChild(req.division);
    if (!verifyBoth(req.publicKeys, proofMessage(req.token, req.nodeId), req.proof))
      throw new HubError('CAS_SIGNATURE_INVALID');
    await this.peers.enrol(req.token, {
      nodeId: req.nodeId,
      relation: 'child',
      division: req.division,
      url: req.url,
      publicKeys: req.publicKeys,
    });
    this.logger?.info({ node: req.nodeId, division: req.division }, 'district node enrolled');
    return this.card();
  }

  /** On a district: enrols with the city at `parentUrl`, unless already enrolled there. */
  async enrolWith(parentUrl: string, token: string, ownUrl: string): Promise<Peer> {
    if (this.self.role !== 'district') throw new HubError('CAS_NOT_DISTRICT');
    const known = await this.peers.parent();
    if (known && known.url === parentUrl) return known;
    const body: EnrolmentRequest = {
      token,
      nodeId: this.self.nodeId,
      division: this.self.division,
      url: ownUrl,
      publicKeys: this.self.publicKeys,
      proof: signBoth(this.self.keys, proofMessage(token, this.self.nodeId)),
    };
    const city = await callPeer<NodeCard>(this.self, parentUrl, 'POST', '/api/v1/cascade/enrol', body);
    if (city.role !== 'city' || city.division.slice(0, 4) !== this.self.division.slice(0, 4))
      throw new HubError('CAS_PEER_FAILED', msg('cascade.notMyCity', { division: city.division }));
    await this.peers.storeParent({
      nodeId: city.nodeId,
      relation: 'parent',
      division: city.division,
      url: parentUrl,
      publicKeys: city.publicKeys,
    });
    this.logger?.info({ parent: city.nodeId }, 'enrolled with the city node');
    return (await this.peers.parent())!;
  }

  /** The peer that signed an incoming request (Peers.verify). */
  verify(req: Parameters<Peers['verify']>[0]): Promise<Peer> {
    return this.peers.verify(req);
  }

  /** A signed call to a known peer. */
  call<T>(peer: Peer, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return callPeer<T>(this.self, peer.url, method, path, body);
  }

  async parent(): Promise<Peer> {
    const parent = await this.peers.parent();
    if (!parent) throw new HubError('CAS_NOT_ENROLLED');
    return parent;
  }

  /** The nodes this node knows, with why each last failed in `language`. */
  async nodes(language: Language = DEFAULT_LANGUAGE): Promise<NodeStatus[]> {
    const counts = await this.db
      .selectFrom('cascade.alert')
      .select(['node_id', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('node_id')
      .execute();
    const alerts = new Map(counts.map((c) => [c.node_id, Number(c.n)]));
    return (await this.peers.list()).map((p) => ({ ...statusOf(p, language), alerts: alerts.get(p.nodeId) ?? 0 }));
  }

  private checkChild(division: string): void {
    if (!countiesOf(this.self.division).some((d) => d.code === division))
      throw new HubError('CAS_BAD_DIVISION', msg('cascade.notOurDistrict', { division, city: this.self.division }));
  }
}

function checkDivision(role: NodeRole, division: string | undefined): void {
  if (division === undefined) {
    if (role === 'district') throw new HubError('CAS_BAD_DIVISION', msg('cascade.districtNeedsDivision'));
    return;
  }
  const d = findDivision(division);
  const fits = d && division.length === 6 && (role === 'city' ? d.level === 'city' : d.level === 'county');
  if (!fits) throw new HubError('CAS_BAD_DIVISION', msg('cascade.wrongLevel', { division }));
}

function statusOf(p: Peer, language: Language): Omit<NodeStatus, 'alerts'> {
  const failing = p.lastErrorAt !== null && (p.lastSyncAt === null || p.lastErrorAt > p.lastSyncAt);
  return {
    nodeId: p.nodeId,
    relation: p.relation,
    division: p.division,
    divisionName: findDivision(p.division)?.name ?? p.division,
    url: p.url,
    status: p.status === 'suspended' ? 'suspended' : failing ? 'failing' : p.lastSyncAt ? 'active' : 'never_synced',
    enrolledAt: p.enrolledAt.toISOString(),
    lastSeen: p.lastSeenAt?.toISOString() ?? null,
    lastSync: p.lastSyncAt?.toISOString() ?? null,
    lag: p.lagMs,
    lastError: lastErrorIn(p.lastError, language),
  };
}
