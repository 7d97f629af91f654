import type { Origin } from '../catalog/index.js';

/**
 * What a node asks of the node that keeps a resource's records (docs/cascade.md, "A grant served
 * across nodes"): the records of these keys, only these fields, the masked ones masked where the
 * records are kept. The rest names the read for that node's ledger: who it is for and why.
 */
export interface RemoteAsk {
  keys: string[];
  /** The fields the caller sees here; the others never leave the other node. */
  fields: string[];
  /** Of those, the ones that leave masked. */
  masked: string[];
  purpose: string;
  /** The consuming organization here, and the grant it reads under (null: an operator's look). */
  org: string | null;
  grant: number | null;
}

/** A record found by key: the key as asked (a record may show no key field), and the record. */
export interface KeyedRecord {
  key: string;
  doc: Record<string, unknown>;
}

/**
 * Where ShareService fetches the records of a resource kept on another node (the city's entry
 * for a district's resource, marked with its origin). The hub gives the cascade's; share knows
 * only this shape.
 */
export type RemoteRecords = (origin: Origin, ask: RemoteAsk) => Promise<KeyedRecord[]>;

/** A node's ask as the keeping node receives it: the resource by its code there. */
export interface NodeAsk extends RemoteAsk {
  code: string;
}
