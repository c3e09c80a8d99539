import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { cappedBlockingKeys, DEFAULT_BROAD_BLOCK_SIZE, hashBlockingKey, hashedBlockingKeys, mergeCappedKeys } from './block-key-hash.js';
import { extractMatchRecord } from './pure/index.js';

const P = (text: string, birthDate?: string, phone?: string): Patient => ({
  resourceType: 'Patient',
  name: [{ text }],
  gender: 'male',
  ...(birthDate ? { birthDate } : {}),
  ...(phone ? { telecom: [{ system: 'phone', value: phone }] } : {}),
});

const capOf = (keys: { key: string; cap: number }[], raw: string) => keys.find((k) => k.key === hashBlockingKey(raw))?.cap;

describe('real-time block caps', () => {
  it('caps the broad name blocks lower when the record has a narrower key', () => {
    const keys = cappedBlockingKeys(extractMatchRecord(P('王小明', '1980-03-07', '13812345678')), { broadBlockSize: 40 });
    expect(capOf(keys, 'pinyin+sex:wangxiaoming|male')).toBe(40);
    expect(capOf(keys, 'given+year:xiaoming|1980')).toBe(40);
    expect(capOf(keys, 'phone:13812345678')).toBe(1000);
    expect(capOf(keys, 'dob+si:1980-03-07|w')).toBe(1000);
  });
  it('keeps the full cap for a record that has nothing but broad keys', () => {
    // birth year only: no full-date rule, no phone, no ID — the name blocks are all it has
    const keys = cappedBlockingKeys(extractMatchRecord(P('王小明', '1980')), { broadBlockSize: 40 });
    expect(keys.map((k) => k.cap)).toEqual([1000, 1000]);
  });
  it('uses the same hashed keys as the stored index, with the documented default', () => {
    const record = extractMatchRecord(P('张伟', '1975-04-12', '13812345678'));
    const keys = cappedBlockingKeys(record);
    expect(keys.map((k) => k.key).sort()).toEqual(hashedBlockingKeys(record).sort());
    expect(Math.min(...keys.map((k) => k.cap))).toBe(DEFAULT_BROAD_BLOCK_SIZE);
    // never above the overall cap
    expect(Math.max(...cappedBlockingKeys(record, { maxBlockSize: 20, broadBlockSize: 50 }).map((k) => k.cap))).toBe(20);
  });
  it('merges the keys of a batch keeping the largest cap of a key', () => {
    const merged = mergeCappedKeys([
      [{ key: '1', cap: 40 }, { key: '2', cap: 1000 }],
      [{ key: '1', cap: 1000 }],
    ]);
    expect(merged).toEqual([{ key: '1', cap: 1000 }, { key: '2', cap: 1000 }]);
  });
});
