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
