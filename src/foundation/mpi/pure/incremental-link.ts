/**
 * Real-time linking, without I/O: one incoming Patient (or a batch of them, in order) against a
 * pool of stored candidates found through the blocking-key index. The caller (the projector)
 * loads the pool and writes the plan; everything decided here is deterministic given the pool.
 *
 * Rules (Fellegi & Sunter 1969 decisions + the business rules of mpi-model.ts `scorePair`):
 * - auto-link to the person of the strongest candidate scored `link`, unless that person already
 *   carries a different valid resident ID (GB 11643 numbers are unique per person; same guard as
 *   the batch clustering) — then the pair goes to review (`id-chain`);
 * - a record that links to several persons joins the strongest; the other persons are not merged
 *   automatically (no chaining in real time): each such pair goes to review (`bridge`);
 * - pairs scored `review` whose records end in different persons go to review (`weight`);
 * - a pair a data steward rejected is never linked or proposed again;
 * - a manual link is never undone automatically; an auto-linked record that is updated stays with
 *   its person while it still links to one of the person's records, otherwise it is re-matched.
 */
import { blockingKeys } from './blocking.js';
import type { Decision, PairScore } from './fellegi-sunter.js';
import { scorePair, type MpiModel } from './mpi-model.js';
import type { MatchRecord } from './patient-features.js';
import { compareRecords } from './record-comparison.js';

/** A stored record found through the blocking index. */
export interface PoolEntry {
  patientId: string;
  /** Person the record is linked to (null when unlinked). */
  personId: string | null;
  record: MatchRecord;
}

/** A record to link, with its current link when it has one (an update). */
export interface IncomingRecord {
  patientId: string;
  record: MatchRecord;
  current?: { personId: string; how: string };
  /** Other records linked to the current person (needed only for auto-linked updates). */
  othersInPerson?: number;
}

/** One candidate scored against the incoming record. */
export interface ScoredCandidate extends PoolEntry {
  score: PairScore & { decision: Decision };
  /** The pair was rejected by a data steward (treated as non-link). */
  rejected: boolean;
}

/** Why a pair is in the review queue. */
export type ReviewReason = 'weight' | 'id-chain' | 'bridge';

/** What to write for one incoming record. */
export interface LinkDecision {
  patientId: string;
  personId: string;
  /** New person created for this record. */
  newPerson: boolean;
  /** Person the record left (an update that no longer links to its old person). */
  fromPerson: string | null;
  /** 'new-person' | 'auto-link' (joined an existing person) | 'stay' (kept its link). */
  action: 'new-person' | 'auto-link' | 'stay';
  how: string;
  /** Weight of the link that placed the record (null for a new person or a manual link). */
  score: number | null;
  reviews: Array<{ a: string; b: string; weight: number; probability: number; reason: ReviewReason }>;
}

/** Options of {@link IncrementalLinker}. */
export interface LinkerOptions {
  model: MpiModel;
  /** Person ids for new persons. */
  newId: () => string;
  /** Pairs rejected by a data steward, as `a|b` with a < b. */
  rejected?: ReadonlySet<string>;
  /** Valid resident number carried by each known person. */
  personResidentNumbers?: ReadonlyMap<string, string>;
  /** Blocks larger than this in the pool are ignored (default 1000). */
  maxBlockSize?: number;
  /**
   * The pool is already the candidate set of the single record to link (the projector's candidate
   * query for one create reads exactly the blocks within their caps): no blocking index is built,
   * and the pool is scored as it is. Only for linking one record.
   */
  poolIsCandidates?: boolean;
}

/** Key of an unordered pair: ids in lexical order. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * Score an incoming record against pool entries (every entry, or those sharing a blocking key).
 * @param record the incoming record
 * @param pool candidate records
 * @param model the FS model
 * @param rejected rejected pairs (`a|b`), checked when the record has an id
 */
export function scoreCandidates(record: MatchRecord, pool: readonly PoolEntry[], model: MpiModel, rejected?: ReadonlySet<string>): ScoredCandidate[] {
  return pool
    .filter((p) => p.patientId !== record.id)
    .map((p) => {
      const isRejected = Boolean(record.id && rejected?.has(pairKey(record.id, p.patientId)));
      const score = scorePair(compareRecords(record, p.record), model);
      return { ...p, score: isRejected ? { ...score, decision: 'non-link' as const } : score, rejected: isRejected };
    })
    .sort((x, y) => y.score.weight - x.score.weight || (x.patientId < y.patientId ? -1 : 1));
}

/** Links records one after another against a pool that grows with every record linked. */
export class IncrementalLinker {
  private readonly index = new Map<string, PoolEntry[]>();
  private readonly residentNumbers: Map<string, string>;
  private readonly max: number;

  private readonly pool: readonly PoolEntry[] | null;
  private linkedOne = false;

  constructor(
    pool: readonly PoolEntry[],
    private readonly options: LinkerOptions,
  ) {
    this.residentNumbers = new Map(options.personResidentNumbers ?? []);
    this.max = options.maxBlockSize ?? 1000;
    this.pool = options.poolIsCandidates ? pool : null;
    if (!this.pool) for (const p of pool) this.add(p);
  }

  /** Resident number of a person after the decisions made so far. */
  residentNumberOf(personId: string): string | undefined {
    return this.residentNumbers.get(personId);
  }

  private add(entry: PoolEntry): void {
    for (const k of blockingKeys(entry.record)) {
      const list = this.index.get(k);
      if (list) list.push(entry);
      else this.index.set(k, [entry]);
    }
  }

  /** Pool entries sharing a blocking key with `record` (blocks over the cap skipped). */
  candidates(record: MatchRecord): PoolEntry[] {
    if (this.pool) return this.pool.filter((e) => e.patientId !== record.id);
    const seen = new Map<string, PoolEntry>();
    for (const k of blockingKeys(record)) {
      const list = this.index.get(k);
      if (!list || list.length > this.max) continue;
      for (const e of list) if (e.patientId !== record.id) seen.set(e.patientId, e);
    }
    return [...seen.values()];
  }

  /** Decide the link of one incoming record and add it to the pool. */
  link(incoming: IncomingRecord): LinkDecision {
    if (this.pool && this.linkedOne) throw new Error('IncrementalLinker: poolIsCandidates links one record only');
    const { model, newId, rejected } = this.options;
    const record = { ...incoming.record, id: incoming.patientId };
    const scored = scoreCandidates(record, this.candidates(record), model, rejected);
    const current = incoming.current;
    const decision: LinkDecision = {
      patientId: incoming.patientId,
      personId: '',
      newPerson: false,
      fromPerson: null,
      action: 'stay',
      how: current?.how ?? 'auto',
      score: null,
      reviews: [],
    };
    const linking = scored.filter((c) => c.score.decision === 'link' && c.personId !== null);
    if (current && (current.how === 'manual' || linking.some((c) => c.personId === current.personId))) {
      // A manual link stands; an auto link stands while the record still links to its person.
      decision.personId = current.personId;
      decision.score = current.how === 'manual' ? null : (linking.find((c) => c.personId === current.personId)?.score.weight ?? null);
    } else {
      const keepAlone = current && (incoming.othersInPerson ?? 0) === 0 ? current.personId : null;
      const own = record.residentId;
      for (const c of linking) {
        if (c.personId === decision.personId) continue;
        const number = this.residentNumbers.get(c.personId!);
        if (own && number && number !== own) {
          decision.reviews.push({ a: record.id, b: c.patientId, weight: c.score.weight, probability: c.score.probability, reason: 'id-chain' });
          continue;
        }
        if (!decision.personId) {
          decision.personId = c.personId!;
          decision.score = c.score.weight;
          decision.action = 'auto-link';
          decision.how = 'auto';
        } else {
          decision.reviews.push({ a: record.id, b: c.patientId, weight: c.score.weight, probability: c.score.probability, reason: 'bridge' });
        }
      }
      if (!decision.personId && keepAlone) {
        decision.personId = keepAlone; // alone in its person and still no link elsewhere
      } else if (!decision.personId) {
        decision.personId = newId();
        decision.newPerson = true;
        decision.action = 'new-person';
        decision.how = 'auto';
      }
      if (current && current.personId !== decision.personId) decision.fromPerson = current.personId;
    }
    if (record.residentId && !this.residentNumbers.has(decision.personId)) this.residentNumbers.set(decision.personId, record.residentId);
    for (const c of scored) {
      if (c.score.decision === 'review' && c.personId !== decision.personId) {
        decision.reviews.push({ a: record.id, b: c.patientId, weight: c.score.weight, probability: c.score.probability, reason: 'weight' });
      }
    }
    // bridge/id-chain pairs are scored 'link': never also listed as 'weight'
    decision.reviews = decision.reviews.map((r) => (r.a < r.b ? r : { ...r, a: r.b, b: r.a }));
    if (this.pool) this.linkedOne = true;
    else this.add({ patientId: record.id, personId: decision.personId, record });
    return decision;
  }
}
