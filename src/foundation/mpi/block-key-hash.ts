/**
 * Blocking keys as stored in `mpi_block_key`: the first 64 bits of the MD5 of `rule:value`, as a
 * signed bigint in decimal. Eight bytes per key instead of ~40 keep the index of 2 M residents
 * (~7 keys each) small; a collision (p ≈ n²/2⁶⁵) only adds a candidate, which scoring rejects.
 */
import { createHash } from 'node:crypto';
import { blockingKeys, type MatchRecord } from './pure/index.js';

/** Hash of one blocking key, as a decimal bigint string (for `::bigint[]` parameters). */
export function hashBlockingKey(key: string): string {
  return createHash('md5').update(key).digest().readBigInt64BE(0).toString();
}

/** Distinct hashed blocking keys of a record. */
export function hashedBlockingKeys(record: MatchRecord): string[] {
  return [...new Set(blockingKeys(record).map(hashBlockingKey))];
}

/** A hashed key to look up, with the size above which its block is skipped. */
export interface CappedKey {
  key: string;
  cap: number;
}

/**
 * The broad name rules (pinyin+sex, given+year of pure/blocking.ts): their blocks grow with the
 * register (common names), unlike those of an ID, a phone or a full birth date.
 */
export const BROAD_BLOCKING_RULES: ReadonlySet<string> = new Set(['pinyin+sex', 'given+year']);

/** Block caps of real-time candidate generation. */
export interface RealtimeCaps {
  /** Any block larger than this is skipped (default 1000, as the batch). */
  maxBlockSize?: number;
  /**
   * A broad-name block larger than this is skipped when the record also has a narrower key
   * (resident ID, insurance, phone, birth date + surname initial or + initials) — default 100.
   * A record with broad keys only keeps `maxBlockSize` for them, so it is still compared.
   */
  broadBlockSize?: number;
}

/** Default cap of broad-name blocks in real time (see docs/mpi.md, "Measured (real time)"). */
export const DEFAULT_BROAD_BLOCK_SIZE = 100;

/**
 * Hashed blocking keys of a record with the cap of each block for real-time lookup: the batch's
 * cap everywhere, except the broad name rules, capped lower when a narrower key exists — so the
 * candidates of one create stay bounded as the register grows, while a record with nothing but a
 * name and a birth year is still looked up in its name blocks.
 */
export function cappedBlockingKeys(record: MatchRecord, caps: RealtimeCaps = {}): CappedKey[] {
  const max = caps.maxBlockSize ?? 1000;
  const broadCap = Math.min(max, caps.broadBlockSize ?? DEFAULT_BROAD_BLOCK_SIZE);
  const keys = blockingKeys(record);
  const ruleOf = (k: string) => k.slice(0, k.indexOf(':'));
  const hasNarrow = keys.some((k) => !BROAD_BLOCKING_RULES.has(ruleOf(k)));
  const out = new Map<string, number>();
  for (const k of keys) {
    const h = hashBlockingKey(k);
    const cap = hasNarrow && BROAD_BLOCKING_RULES.has(ruleOf(k)) ? broadCap : max;
    out.set(h, Math.max(out.get(h) ?? 0, cap));
  }
  return [...out].map(([key, cap]) => ({ key, cap }));
}

/** Union of the capped keys of several records: a key wanted by several keeps its largest cap. */
export function mergeCappedKeys(lists: readonly (readonly CappedKey[])[]): CappedKey[] {
  const out = new Map<string, number>();
  for (const list of lists) for (const { key, cap } of list) out.set(key, Math.max(out.get(key) ?? 0, cap));
  return [...out].map(([key, cap]) => ({ key, cap }));
}
