/**
 * Blocking: only pairs that share at least one blocking key are compared. Several independent
 * rules (Christen 2012, "Data Matching", ch. 4; Splink's OR-ed blocking rules) so that one wrong
 * field — a changed phone, a typo in the birth date, a missing ID — does not hide a match.
 */
import type { MatchRecord } from './patient-features.js';

/** A blocking rule: a name and the keys it gives a record (none when a field is missing). */
export interface BlockingRule {
  name: string;
  keys(r: MatchRecord): string[];
}

const year = (r: MatchRecord): string | undefined => (r.birthDate && r.birthDate.length >= 4 ? r.birthDate.slice(0, 4) : undefined);
const fullDate = (r: MatchRecord): string | undefined => (r.birthDate && r.birthDate.length === 10 ? r.birthDate : undefined);
const surnameInitial = (r: MatchRecord): string | undefined => (r.name.familyPinyin || r.name.pinyin).slice(0, 1) || undefined;

/**
 * The default rules:
 * - `id`: resident ID (valid or upgraded legacy);
 * - `ins`: insurance number;
 * - `phone`: each phone number;
 * - `dob+si`: date of birth + surname pinyin initial;
 * - `given+year`: given-name pinyin + birth year (survives day/month errors and a new phone);
 * - `pinyin+sex`: full-name pinyin + sex (survives any birth-date error; capped by block size);
 * - `dob+initials`: date of birth + all pinyin initials (survives a changed surname reading).
 */
export const DEFAULT_BLOCKING_RULES: readonly BlockingRule[] = [
  { name: 'id', keys: (r) => (r.residentId ? [r.residentId] : []) },
  { name: 'ins', keys: (r) => (r.insuranceId ? [r.insuranceId] : []) },
  { name: 'phone', keys: (r) => r.phones },
  {
    name: 'dob+si',
    keys: (r) => {
      const d = fullDate(r);
      const s = surnameInitial(r);
      return d && s ? [`${d}|${s}`] : [];
    },
  },
  {
    name: 'given+year',
    keys: (r) => {
      const y = year(r);
      return y && r.name.givenPinyin ? [`${r.name.givenPinyin}|${y}`] : [];
    },
  },
  { name: 'pinyin+sex', keys: (r) => (r.name.pinyin ? [`${r.name.pinyin}|${r.sex ?? ''}`] : []) },
  {
    name: 'dob+initials',
    keys: (r) => {
      const d = fullDate(r);
      return d && r.name.initials.length >= 2 ? [`${d}|${r.name.initials}`] : [];
    },
  },
];

/**
 * All blocking keys of a record, prefixed by rule name so that rules never collide.
 * @param r the matching record
 * @param rules blocking rules (default {@link DEFAULT_BLOCKING_RULES})
 */
export function blockingKeys(r: MatchRecord, rules: readonly BlockingRule[] = DEFAULT_BLOCKING_RULES): string[] {
  const out = new Set<string>();
  for (const rule of rules) for (const k of rule.keys(r)) if (k) out.add(`${rule.name}:${k}`);
  return [...out];
}

/** Options of {@link candidatePairs}. */
export interface BlockingOptions {
  rules?: readonly BlockingRule[];
  /** Blocks larger than this are skipped (reported), so one very common key cannot explode. */
  maxBlockSize?: number;
}

/** Result of blocking a list of records. */
export interface BlockingResult {
  /** Index pairs [i, j] with i < j, each pair once, sorted. */
  pairs: Array<[number, number]>;
  /** Keys of the blocks skipped for size. */
  oversized: string[];
}

/** An inverted index key → record positions, for blocking one new record against many. */
export type BlockIndex = Map<string, number[]>;

/**
 * Build the inverted index of blocking keys.
 * @param records records in a fixed order; positions are the values of the index
 */
export function buildBlockIndex(records: readonly MatchRecord[], rules: readonly BlockingRule[] = DEFAULT_BLOCKING_RULES): BlockIndex {
  const index: BlockIndex = new Map();
  records.forEach((r, i) => {
    for (const k of blockingKeys(r, rules)) {
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    }
  });
  return index;
}

/**
 * Candidate pairs from a list of records: every pair that shares a blocking key, deduplicated.
 * @param records the records to deduplicate
 * @param opts rules and the block-size cap (default 1000)
 */
export function candidatePairs(records: readonly MatchRecord[], opts: BlockingOptions = {}): BlockingResult {
  const max = opts.maxBlockSize ?? 1000;
  const index = buildBlockIndex(records, opts.rules ?? DEFAULT_BLOCKING_RULES);
  const n = records.length;
  const seen = new Set<number>();
  const oversized: string[] = [];
  for (const [key, members] of index) {
    if (members.length < 2) continue;
    if (members.length > max) {
      oversized.push(key);
      continue;
    }
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) seen.add(members[a] * n + members[b]); // members ascending
    }
  }
  const pairs = [...seen].sort((x, y) => x - y).map((code) => [Math.floor(code / n), code % n] as [number, number]);
  return { pairs, oversized };
}

/**
 * Positions of the indexed records that share a blocking key with a new record (real-time match).
 * @param r the incoming record
 * @param index index of the stored records
 * @param maxBlockSize blocks larger than this are ignored
 */
export function candidatesFor(
  r: MatchRecord,
  index: BlockIndex,
  rules: readonly BlockingRule[] = DEFAULT_BLOCKING_RULES,
  maxBlockSize = 1000,
): number[] {
  const out = new Set<number>();
  for (const k of blockingKeys(r, rules)) {
    const list = index.get(k);
    if (list && list.length <= maxBlockSize) for (const i of list) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}
