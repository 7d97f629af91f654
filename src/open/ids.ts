/**
 * The names and ids a dataset is known by on the open-data portal, stable for as long as the
 * catalog entry lives. A dataset's CKAN `name` is its resource code in lower case (`jngaj-0001`):
 * CKAN's lowercase slug, readable, and turned back into the code without a lookup. Its `id` and the
 * ids of its distributions (CKAN resources) are UUID-shaped and carry the entry's number, so that
 * `resource_show?id=…` or `datastore_search?resource_id=…` finds the entry without a table of ids.
 */
export type Distribution = 'csv' | 'json' | 'xlsx';
/** Position of each distribution after the dataset itself (0). */
const KINDS = ['dataset', 'csv', 'json', 'xlsx'] as const;
export const DISTRIBUTIONS: readonly Distribution[] = ['csv', 'json', 'xlsx'];
/** "open" in hex: the first group of every id the portal hands out. */
const PREFIX = '6f70656e';
const ID = /^6f70656e-([0-9a-f]{4})-4([0-9a-f]{3})-8([0-9a-f]{3})-([0-9a-f]{12})$/;
const CODE = /^[A-Z0-9]{2,20}-\d{1,10}$/;
const NAME = /^[a-z0-9]{2,20}-\d{1,10}$/;

export const datasetName = (code: string) => code.toLowerCase();

/** The resource code a dataset name stands for, or undefined when it is no dataset name. */
export function codeOfName(name: string): string | undefined {
  return NAME.test(name) ? name.toUpperCase() : undefined;
}

export function isResourceCode(code: string): boolean {
  return CODE.test(code);
}

function uuidOf(entry: number, kind: number): string {
  const n = (BigInt(entry) << 4n) | BigInt(kind);
  const hex = n.toString(16).padStart(12, '0');
  return `${PREFIX}-0000-4000-8000-${hex}`;
}

export const datasetId = (entry: number) => uuidOf(entry, 0);
export const distributionId = (entry: number, d: Distribution) => uuidOf(entry, KINDS.indexOf(d));

/** The catalog entry and what of it an id names, or undefined when the id is not one of ours. */
export function parseId(id: string): { entry: number; kind: (typeof KINDS)[number] } | undefined {
  const m = ID.exec(id.toLowerCase());
  if (!m || m[1] !== '0000' || m[2] !== '000' || m[3] !== '000') return undefined;
  const n = BigInt(`0x${m[4]}`);
  const kind = KINDS[Number(n & 15n)];
  const entry = Number(n >> 4n);
  return kind && entry > 0 && entry <= 2 ** 31 - 1 ? { entry, kind } : undefined;
}
