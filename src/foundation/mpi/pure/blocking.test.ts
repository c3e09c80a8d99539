import { describe, expect, it } from 'vitest';
import { blockingKeys, buildBlockIndex, candidatePairs, candidatesFor } from './blocking.js';
import { extractMatchRecord } from './patient-features.js';
import type { Patient } from '@medplum/fhirtypes';

const P = (id: string, text: string, birthDate?: string, phone?: string, gender: Patient['gender'] = 'male'): Patient => ({
  resourceType: 'Patient', id, name: [{ text }], gender, ...(birthDate ? { birthDate } : {}),
  ...(phone ? { telecom: [{ system: 'phone', value: phone }] } : {}),
});

describe('blocking', () => {
  it('gives several prefixed keys per record', () => {
    const keys = blockingKeys(extractMatchRecord(P('a', '王小明', '1980-03-07', '13812345678')));
    expect(keys).toEqual(expect.arrayContaining(['phone:13812345678', 'dob+si:1980-03-07|w', 'given+year:xiaoming|1980', 'pinyin+sex:wangxiaoming|male', 'dob+initials:1980-03-07|wxm']));
  });
  it('still pairs records when one field is wrong (OR of rules), and never the unrelated one', () => {
    const recs = [
      P('a', '王小明', '1980-03-07', '13812345678'),
      P('b', 'Wang Xiaoming', '1980-07-03', '13999999999'), // dob transposed, new phone: pinyin+sex
      P('c', '汪晓明', '1980-03-07', '13812345678'), // shares phone and dob+initials
      P('d', '李娜', '1990-01-01', '13700000000', 'female'),
    ].map((p) => extractMatchRecord(p));
    const { pairs } = candidatePairs(recs);
    expect(pairs).toEqual([[0, 1], [0, 2], [1, 2]]); // b~c: same pinyin (homophone 汪), never d
  });
  it('deduplicates pairs found by several rules and skips oversized blocks', () => {
    const recs = Array.from({ length: 5 }, (_, i) => extractMatchRecord(P(`p${i}`, '张伟', '1975-04-12', '13812345678')));
    const r = candidatePairs(recs);
    expect(r.pairs).toHaveLength(10);
    const capped = candidatePairs(recs, { maxBlockSize: 4 });
    expect(capped.pairs).toHaveLength(0);
    expect(capped.oversized.length).toBeGreaterThan(0);
  });
  it('finds candidates for one new record from an index', () => {
    const stored = [P('a', '王小明', '1980-03-07', '13812345678'), P('d', '李娜', '1990-01-01', '13700000000', 'female')].map((p) => extractMatchRecord(p));
    const index = buildBlockIndex(stored);
    expect(candidatesFor(extractMatchRecord(P('n', '王晓明', '1980-03-07')), index)).toEqual([0]);
    expect(candidatesFor(extractMatchRecord(P('n', '赵磊', '2000-01-01')), index)).toEqual([]);
  });
});
