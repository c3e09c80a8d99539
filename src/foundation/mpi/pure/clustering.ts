/**
 * Clustering of linked pairs into persons: union–find (connected components of the link graph)
 * with a guard against chaining two people with different valid resident IDs into one cluster.
 *
 * The rule: a cluster holds at most one distinct valid (or upgraded legacy) resident ID. Links
 * are applied strongest first; a link whose two components already carry different valid IDs is
 * refused (and reported, so the caller can send it to review). GB 11643 numbers are unique per
 * person and one keying error cannot produce another valid number (ISO 7064 MOD 11-2 detects all
 * single-character substitutions), so two valid IDs in one component mean a chain through a
 * record without an ID (A–x–B) and at least one of the two links is wrong.
 */

/** Union–find over 0..n−1 with path halving and union by size (Tarjan 1975). */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  /** @param n number of elements */
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /** Representative of i's component. */
  find(i: number): number {
    let x = i;
    while (this.parent[x] !== x) {
      this.parent[x] = this.parent[this.parent[x]]; // path halving
      x = this.parent[x];
    }
    return x;
  }

  /** Merge the components of a and b; returns the new root (or the common one). */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (this.size[ra] < this.size[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    return ra;
  }
}

/** One link to apply: record positions and a strength (higher first). */
export interface WeightedLink {
  a: number;
  b: number;
  weight: number;
}

/** Result of {@link clusterLinks}. */
export interface Clustering {
  /** Cluster number per record (0-based, numbered by the first record of each cluster). */
  cluster: Int32Array;
  /** Number of clusters. */
  clusters: number;
  /** Links refused because they would put two different valid resident IDs in one cluster. */
  refused: WeightedLink[];
}

/**
 * Connected components of the link graph, links applied by decreasing weight, with the
 * one-valid-ID-per-cluster guard described at the top of this file.
 * @param n number of records
 * @param links auto-links (any order; sorted here, ties by position for determinism)
 * @param residentIdOf valid (or upgraded legacy) resident ID of a record, undefined otherwise
 */
export function clusterLinks(n: number, links: readonly WeightedLink[], residentIdOf: (i: number) => string | undefined): Clustering {
  const uf = new UnionFind(n);
  // The valid resident ID carried by each root's component (at most one by construction).
  const idOfRoot = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const id = residentIdOf(i);
    if (id !== undefined) idOfRoot.set(i, id);
  }
  const sorted = [...links].sort((x, y) => y.weight - x.weight || x.a - y.a || x.b - y.b);
  const refused: WeightedLink[] = [];
  for (const link of sorted) {
    const ra = uf.find(link.a);
    const rb = uf.find(link.b);
    if (ra === rb) continue;
    const ia = idOfRoot.get(ra);
    const ib = idOfRoot.get(rb);
    if (ia !== undefined && ib !== undefined && ia !== ib) {
      refused.push(link);
      continue;
    }
    const root = uf.union(ra, rb);
    const id = ia ?? ib;
    idOfRoot.delete(ra);
    idOfRoot.delete(rb);
    if (id !== undefined) idOfRoot.set(root, id);
  }
  const cluster = new Int32Array(n);
  const numberOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = uf.find(i);
    let c = numberOfRoot.get(r);
    if (c === undefined) {
      c = numberOfRoot.size;
      numberOfRoot.set(r, c);
    }
    cluster[i] = c;
  }
  return { cluster, clusters: numberOfRoot.size, refused };
}
