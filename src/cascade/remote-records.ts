import type { Actor } from '../access/index.js';
import type { Origin } from '../catalog/index.js';
import { HubError, isHubError, msg } from '../kernel/index.js';
import type { KeyedRecord, NodeAsk, RemoteAsk } from '../share/index.js';
import type { Peer } from './peers.js';
import type { Cascade } from './service.js';

/** Where a district answers its city's reads of its records (src/http/routes/cascade-records.ts). */
export const RECORDS_PATH = '/api/v1/cascade/link/records';

/** The answer of RECORDS_PATH. */
export interface RecordsAnswer {
  records: KeyedRecord[];
}

/**
 * A grant on a district's resource served through the city (docs/cascade.md): the city's entry
 * for the resource holds no records, so its recorded read fetches them from the district that
 * keeps them (`fetch`, given to ShareService by the hub), and the district answers its parent
 * only, through its own recorded read (`serve`, with ShareService's `serveNode`).
 */
export class RemoteRecordsLink {
  constructor(
    private readonly cascade: Cascade,
    private readonly serveNode: (node: Actor, ask: NodeAsk) => Promise<KeyedRecord[]>,
  ) {}

  /** On the city: the records of a district's resource by key, from its node. */
  async fetch(origin: Origin, ask: RemoteAsk): Promise<KeyedRecord[]> {
    const peer = await this.nodeOf(origin);
    const body: NodeAsk = { ...ask, code: origin.code };
    const answer = await this.cascade
      .call<RecordsAnswer | undefined>(peer, 'POST', RECORDS_PATH, body)
      .catch(async (e: unknown) => {
        // A district that cannot be reached shows as failing in the operations view, with why; one
        // that answered with a refusal (not shared, not published) is working as it should.
        if (unreachable(e)) await this.cascade.peers.failed(peer.nodeId, e);
        throw e;
      });
    if (!Array.isArray(answer?.records))
      throw new HubError('CAS_PEER_FAILED', msg('cascade.badRecordsAnswer', { division: origin.divisionName }));
    // Only the keys asked: a record the district sent besides is not the caller's to see.
    const asked = new Set(ask.keys);
    return answer.records.filter((r) => asked.has(r?.key) && typeof r.doc === 'object' && r.doc !== null);
  }

  /** On a district: its parent's read, as the city's node reading for the city's consuming organization. */
  async serve(asker: Peer, ask: NodeAsk): Promise<RecordsAnswer> {
    if (this.cascade.self.role !== 'district') throw new HubError('CAS_NOT_DISTRICT');
    if (asker.relation !== 'parent') throw new HubError('CAS_NOT_PARENT');
    return { records: await this.serveNode(readerOf(asker, ask.org), ask) };
  }

  /**
   * The district's node, by the one the entry was synced from, else by its division (a district
   * rebuilt under a new node id keeps its entries until its next sync names the new one).
   */
  private async nodeOf(origin: Origin): Promise<Peer> {
    const known = await this.cascade.peers.get(origin.node);
    const peer =
      known?.relation === 'child'
        ? known
        : (await this.cascade.peers.children()).find((p) => p.division === origin.division);
    if (!peer || peer.status === 'suspended')
      throw new HubError('CAS_PEER_FAILED', msg('cascade.noNodeFor', { division: origin.divisionName }));
    return peer;
  }
}

/**
 * The city node as a reader on the district: no account of the district's, so an actor made for
 * the read — `cascade:<node id>`, a consumer of the city's consuming organization (its code as the
 * city knows it). The district's policy lets a consumer look records up; the grant was the city's.
 */
function readerOf(peer: Peer, org: string | null): Actor {
  return {
    userId: 0,
    username: `cascade:${peer.nodeId}`,
    roles: ['consumer'],
    org: org === null ? null : { id: 0, code: org, name: org },
    via: 'api_key',
  };
}

/** The link's own failure to reach the other node (link.ts), not that node's answer. */
const unreachable = (e: unknown) => isHubError(e) && e.detail?.key === 'cascade.unreachable';
