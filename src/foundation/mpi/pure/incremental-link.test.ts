import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { RESIDENT_ID_SYSTEM } from '../../fhir/index.js';
import { IncrementalLinker, pairKey, scoreCandidates, type PoolEntry } from './incremental-link.js';
import { defaultMpiModel, modelFromJson, modelToJson } from './model-json.js';
import { extractMatchRecord } from './patient-features.js';
import { generateResidentId } from './resident-id.js';

const rid = (birthDate: string, sequence: number, sex: 'male' | 'female' = 'male') => generateResidentId({ regionCode: '330109', birthDate, sequence, sex });
const rec = (id: string, p: { name?: string; id?: string; birthDate?: string; gender?: 'male' | 'female'; phone?: string }) =>
  extractMatchRecord({
    resourceType: 'Patient',
    id,
    ...(p.name ? { name: [{ text: p.name }] } : {}),
    ...(p.id ? { identifier: [{ system: RESIDENT_ID_SYSTEM, value: p.id }] } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.phone ? { telecom: [{ system: 'phone', value: p.phone }] } : {}),
  } as Patient);

let n = 0;
const linker = (pool: PoolEntry[], extra: Partial<ConstructorParameters<typeof IncrementalLinker>[1]> = {}) =>
  new IncrementalLinker(pool, { model: defaultMpiModel(), newId: () => `new-${++n}`, ...extra });

const zhang = { name: '张伟', id: rid('1958-03-14', 12), birthDate: '1958-03-14', gender: 'male' as const, phone: '13812345678' };

describe('IncrementalLinker', () => {
  it('poolIsCandidates decides one record as the indexed linker does, and links one record only', () => {
    const stored: PoolEntry[] = [
      { patientId: 's1', personId: 'P1', record: rec('s1', { ...zhang, id: undefined, phone: '13812345678' }) },
      { patientId: 's2', personId: 'P2', record: rec('s2', { ...zhang, id: undefined, birthDate: '1958-03-15', phone: '13900000000' }) },
      { patientId: 's3', personId: 'P3', record: rec('s3', { ...zhang, id: rid('1961-01-02', 7), birthDate: '1961-01-02', phone: '13700000000' }) },
    ];
    const incoming = { patientId: 'x', record: rec('x', zhang) };
    const fixedIds = () => ({ newId: () => 'N' });
    const indexed = linker(stored, fixedIds()).link(incoming);
    const direct = linker(stored, { ...fixedIds(), poolIsCandidates: true });
    expect(direct.link(incoming)).toEqual(indexed);
    expect(indexed.personId).toBe('P1');
    expect(indexed.reviews.length).toBeGreaterThan(0);
    expect(() => direct.link({ patientId: 'y', record: rec('y', zhang) })).toThrow(/one record only/);
  });

  it('creates a person for a record that links to nobody, then links its duplicate to it', () => {
    const l = linker([]);
    const a = l.link({ patientId: 'a', record: rec('a', zhang) });
    expect(a.newPerson).toBe(true);
    expect(a.action).toBe('new-person');
    const b = l.link({ patientId: 'b', record: rec('b', { ...zhang, name: 'Zhang Wei', id: undefined }) });
    expect(b.personId).toBe(a.personId);
    expect(b.action).toBe('auto-link');
    expect(b.score).toBeGreaterThan(0);
  });

  it('never links into a person that carries another valid resident ID (review id-chain instead)', () => {
    const stored: PoolEntry[] = [{ patientId: 's', personId: 'P1', record: rec('s', { ...zhang, id: undefined }) }];
    const l = linker(stored, { personResidentNumbers: new Map([['P1', rid('1958-03-14', 40)]]) });
    const d = l.link({ patientId: 'x', record: rec('x', zhang) });
    expect(d.personId).not.toBe('P1');
    expect(d.reviews.map((r) => r.reason)).toContain('id-chain');
  });

  it('joins the strongest of two persons and sends the other to review (no chaining)', () => {
    const stored: PoolEntry[] = [
      { patientId: 's1', personId: 'P1', record: rec('s1', { ...zhang, id: undefined }) },
      { patientId: 's2', personId: 'P2', record: rec('s2', { ...zhang, id: undefined, phone: undefined }) },
    ];
    const d = linker(stored).link({ patientId: 'x', record: rec('x', zhang) });
    expect(d.personId).toBe('P1');
    expect(d.reviews).toEqual([expect.objectContaining({ a: 's2', b: 'x', reason: 'bridge' })]);
  });

  it('does not link or propose a pair a data steward rejected', () => {
    const stored: PoolEntry[] = [{ patientId: 's', personId: 'P1', record: rec('s', zhang) }];
    const d = linker(stored, { rejected: new Set([pairKey('s', 'x')]) }).link({ patientId: 'x', record: rec('x', zhang) });
    expect(d.personId).not.toBe('P1');
    expect(d.reviews).toEqual([]);
  });

  it('keeps a manual link on update; re-matches an auto link that no longer holds', () => {
    const stored: PoolEntry[] = [{ patientId: 's', personId: 'P1', record: rec('s', zhang) }];
    const other = rec('x', { name: '钱七', birthDate: '1990-05-05', gender: 'male' });
    const manual = linker(stored).link({ patientId: 'x', record: other, current: { personId: 'P1', how: 'manual' } });
    expect(manual.personId).toBe('P1');
    const auto = linker(stored).link({ patientId: 'x', record: other, current: { personId: 'P1', how: 'auto' }, othersInPerson: 1 });
    expect(auto.personId).not.toBe('P1');
    expect(auto.fromPerson).toBe('P1');
    expect(auto.newPerson).toBe(true);
  });

  it('matches a nameless record and one with a malformed ID on what they have', () => {
    const l = linker([{ patientId: 's', personId: 'P1', record: rec('s', zhang) }]);
    expect(l.link({ patientId: 'n', record: rec('n', { id: zhang.id, gender: 'male', phone: zhang.phone }) }).personId).toBe('P1');
    const bad = rec('m', { ...zhang, id: `${zhang.id.slice(0, 17)}${zhang.id.endsWith('1') ? '2' : '1'}` });
    expect(bad.residentIdStatus).toBe('invalid');
    expect(l.link({ patientId: 'm', record: bad }).personId).toBe('P1');
  });
});

describe('scoreCandidates and the model JSON', () => {
  it('orders candidates by weight and survives a JSON round trip of the model', () => {
    const pool: PoolEntry[] = [
      { patientId: 'far', personId: 'P2', record: rec('far', { name: '王芳', birthDate: '1970-01-01', gender: 'female' }) },
      { patientId: 'near', personId: 'P1', record: rec('near', zhang) },
    ];
    const model = modelFromJson(JSON.parse(JSON.stringify(modelToJson(defaultMpiModel()))));
    const scored = scoreCandidates(rec('x', zhang), pool, model);
    expect(scored[0].patientId).toBe('near');
    expect(scored[0].score.decision).toBe('link');
    expect(scored[1].score.decision).toBe('non-link');
    expect(model.thresholds).toEqual(defaultMpiModel().thresholds);
    expect(() => modelFromJson({})).toThrow('not an MPI model');
  });
});
