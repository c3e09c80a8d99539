import { describe, expect, it } from 'vitest';
import { OperationOutcomeError } from '../../foundation/fhir/index.js';
import { canonicalJson, fingerprint, parseBatch, parseRecord, replayOf } from './round-sync.js';

const NOW = new Date('2025-06-20T02:00:00Z');
const raw = { clientId: '0b7e3f2a-8c1d-4e5f-9a6b-7c8d9e0f1a2b', recordedAt: '2025-06-20T09:30:00+08:00', patient: 'p1', followUp: { date: '2025-06-20', bp: { systolic: 130, diastolic: 80 } } };
const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as OperationOutcomeError).outcome.issue?.[0]?.expression?.[0];
  }
  return 'no error';
};

describe('parseRecord', () => {
  it('normalises the client id and recordedAt', () => {
    expect(parseRecord({ ...raw, clientId: raw.clientId.toUpperCase() }, 0, NOW)).toMatchObject({ clientId: raw.clientId, recordedAt: '2025-06-20T01:30:00.000Z' });
  });
  it('names the field of a bad record', () => {
    expect(fieldOf(() => parseRecord({ ...raw, clientId: '42' }, 3, NOW))).toBe('records[3].clientId');
    expect(fieldOf(() => parseRecord({ ...raw, recordedAt: '2025-06-20' }, 0, NOW))).toBe('records[0].recordedAt');
    expect(fieldOf(() => parseRecord({ ...raw, patient: 'a b' }, 0, NOW))).toBe('records[0].patient');
    expect(fieldOf(() => parseRecord({ ...raw, followUp: [] }, 0, NOW))).toBe('records[0].followUp');
    expect(fieldOf(() => parseRecord({ ...raw, followUp: { ...raw.followUp, patient: 'p2' } }, 0, NOW))).toBe('records[0].followUp.patient');
    expect(fieldOf(() => parseRecord(null, 1, NOW))).toBe('records[1]');
  });
  it('allows 10 minutes of device clock skew, not more', () => {
    expect(fieldOf(() => parseRecord({ ...raw, recordedAt: '2025-06-20T02:10:00Z' }, 0, NOW))).toBe('no error');
    expect(fieldOf(() => parseRecord({ ...raw, recordedAt: '2025-06-20T02:10:01Z' }, 0, NOW))).toBe('records[0].recordedAt');
  });
});

describe('parseBatch', () => {
  it('takes 1–200 records', () => {
    expect(parseBatch({ records: [raw] })).toHaveLength(1);
    expect(fieldOf(() => parseBatch({ records: [] }))).toBe('records');
    expect(fieldOf(() => parseBatch({ records: Array(201).fill(raw) }))).toBe('records');
    expect(fieldOf(() => parseBatch(null))).toBe('records');
  });
});

describe('fingerprint and the replay rule', () => {
  it('is the same for the same payload in any key order and any time-zone spelling, different for another payload', () => {
    const a = parseRecord(raw, 0, NOW);
    const b = parseRecord({ followUp: { bp: { diastolic: 80, systolic: 130 }, date: '2025-06-20' }, patient: 'p1', recordedAt: '2025-06-20T01:30:00Z', clientId: raw.clientId }, 0, NOW);
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(parseRecord({ ...raw, followUp: { ...raw.followUp, bp: { systolic: 131, diastolic: 80 } } }, 0, NOW))).not.toBe(fingerprint(a));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });
  it('a duplicate only for the same payload from the same user', () => {
    expect(replayOf({ fingerprint: 'x', actor: 'u' }, { fingerprint: 'x', actor: 'u' })).toEqual({ kind: 'duplicate' });
    expect(replayOf({ fingerprint: 'x', actor: 'u' }, { fingerprint: 'y', actor: 'u' }).kind).toBe('conflict');
    expect(replayOf({ fingerprint: 'x', actor: 'u' }, { fingerprint: 'x', actor: 'v' }).kind).toBe('conflict');
  });
});
