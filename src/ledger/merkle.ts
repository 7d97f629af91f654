/**
 * RFC 9162 §2.1 Merkle tree hashing and proofs, independent of storage.
 *
 * leaf hash  = H(0x00 ‖ entry)            node hash = H(0x01 ‖ left ‖ right)
 * MTH of n > 1 leaves splits at k, the largest power of two smaller than n.
 *
 * Proofs are planned as expressions over *perfect* subtrees (2^level leaves starting at a
 * multiple of 2^level), which is what storage keeps: a proof over a 10 M-entry log needs
 * O(log n) stored hashes, read in one query.
 */
export type Hash = Buffer;
export type HashFn = (data: Uint8Array) => Hash;

export const leafHash = (h: HashFn, entry: Uint8Array): Hash => h(Buffer.concat([Buffer.of(0), entry]));
export const nodeHash = (h: HashFn, left: Uint8Array, right: Uint8Array): Hash =>
  h(Buffer.concat([Buffer.of(1), left, right]));

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A perfect subtree: 2^level leaves starting at index * 2^level. */
export interface NodeRef {
  level: number;
  index: number;
}

/** A hash to compute: a stored perfect subtree, or the node hash of two expressions. */
export type HashExpr = { node: NodeRef } | { left: HashExpr; right: HashExpr };

/** MTH(D[start:end]) as an expression over perfect subtrees. */
export function rangeExpr(start: number, end: number): HashExpr {
  const size = end - start;
  if (size <= 0) throw new RangeError(`empty range ${start}..${end}`);
  if ((size & (size - 1)) === 0 && start % size === 0) return { node: { level: Math.log2(size), index: start / size } };
  const k = splitPoint(size);
  return { left: rangeExpr(start, start + k), right: rangeExpr(start + k, end) };
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:n]) as expressions, leaf side first. */
export function inclusionPlan(index: number, size: number): HashExpr[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const path: HashExpr[] = [];
  const walk = (m: number, start: number, n: number) => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, k);
      path.push(rangeExpr(start + k, start + n));
    } else {
      walk(m - k, start + k, n - k);
      path.push(rangeExpr(start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]) as expressions. */
export function consistencyPlan(first: number, second: number): HashExpr[] {
  if (!(first >= 1 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  if (first === second) return [];
  const proof: HashExpr[] = [];
  const sub = (m: number, start: number, n: number, whole: boolean) => {
    if (m === n) {
      if (!whole) proof.push(rangeExpr(start, start + n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, k, whole);
      proof.push(rangeExpr(start + k, start + n));
    } else {
      sub(m - k, start + k, n - k, false);
      proof.push(rangeExpr(start, start + k));
    }
  };
  sub(first, 0, second, true);
  return proof;
}

export function nodesOf(exprs: HashExpr[]): NodeRef[] {
  const out: NodeRef[] = [];
  const visit = (e: HashExpr): void => {
    if ('node' in e) out.push(e.node);
    else {
      visit(e.left);
      visit(e.right);
    }
  };
  exprs.forEach(visit);
  return out;
}

export const nodeKey = (n: NodeRef) => `${n.level}:${n.index}`;

/** Right-shifts both counters until fn is odd or zero (the RFC's "until LSB(fn) is set or fn is 0"). */
function shiftWhileEven(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  return [fn, sn];
}

export function evaluate(h: HashFn, e: HashExpr, nodes: Map<string, Hash>): Hash {
  if ('node' in e) {
    const hash = nodes.get(nodeKey(e.node));
    if (!hash) throw new Error(`missing stored node ${nodeKey(e.node)}`);
    return hash;
  }
  return nodeHash(h, evaluate(h, e.left, nodes), evaluate(h, e.right, nodes));
}

/** MTH over leaf hashes held in memory (tests, verify of small logs, and the empty tree). */
export function rootOf(h: HashFn, leaves: Hash[]): Hash {
  if (leaves.length === 0) return h(new Uint8Array());
  if (leaves.length === 1) return leaves[0]!;
  const k = splitPoint(leaves.length);
  return nodeHash(h, rootOf(h, leaves.slice(0, k)), rootOf(h, leaves.slice(k)));
}

/** RFC 9162 §2.1.3.2: does `path` prove leaf `index` in the tree of `size` with `root`? */
export function verifyInclusion(h: HashFn, leaf: Hash, index: number, size: number, path: Hash[], root: Hash): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(h, p, r);
      if (fn % 2 === 0) [fn, sn] = shiftWhileEven(fn, sn);
    } else {
      r = nodeHash(h, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves is a prefix of the one of `second`? */
export function verifyConsistency(
  h: HashFn,
  first: number,
  second: number,
  proof: Hash[],
  firstRoot: Hash,
  secondRoot: Hash,
): boolean {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(h, c, fr);
      sr = nodeHash(h, c, sr);
      if (fn % 2 === 0) [fn, sn] = shiftWhileEven(fn, sn);
    } else {
      sr = nodeHash(h, sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
