import { describe, expect, it } from 'vitest';
import type { Patient } from '@medplum/fhirtypes';
import { INSURANCE_ID_SYSTEM, RESIDENT_ID_SYSTEM } from '../../fhir/index.js';
import { extractMatchRecord, tokeniseAddress } from './patient-features.js';

describe('tokeniseAddress', () => {
  it('splits at administrative suffixes', () => {
    expect(tokeniseAddress('浙江省杭州市萧山区城厢街道城河村3组12号')).toEqual(['浙江省', '杭州市', '萧山区', '城厢街道', '城河村', '3组', '12号']);
    expect(tokeniseAddress('新疆维吾尔自治区 乌鲁木齐市')).toEqual(['新疆维吾尔自治区', '乌鲁木齐市']);
  });
});

describe('extractMatchRecord', () => {
  it('reads name, IDs, phones and address per the conventions', () => {
    const p: Patient = {
      resourceType: 'Patient', id: 'x', gender: 'female', birthDate: '1949-12-31',
      name: [{ use: 'official', text: 'Wang Li' }, { text: '王丽' }],
      identifier: [
        { system: RESIDENT_ID_SYSTEM, value: '11010519491231002x' },
        { system: INSURANCE_ID_SYSTEM, value: 'zj 3301 0012' },
      ],
      telecom: [{ system: 'email', value: 'a@b.c' }, { system: 'phone', value: '0571-87654321' }, { system: 'phone', value: '+86 138-1234-5678' }],
      address: [{ use: 'home', state: '浙江省', city: '杭州市', district: '萧山区', line: ['城厢街道城河村3组'] }],
    };
    const r = extractMatchRecord(p);
    expect(r).toMatchObject({
      id: 'x', birthDate: '1949-12-31', birthDateSource: 'patient', sex: 'female',
      residentId: '11010519491231002X', residentIdStatus: 'valid', insuranceId: 'ZJ33010012',
      phones: ['13812345678', '057187654321'],
      addressTokens: ['浙江省', '杭州市', '萧山区', '城厢街道', '城河村', '3组'],
    });
    expect(r.name).toMatchObject({ chars: '王丽', pinyin: 'wangli' });
  });
  it('upgrades a legacy ID, recognises the NNCHN type code and fills a missing birth date from it', () => {
    const r = extractMatchRecord({
      resourceType: 'Patient', id: 'y',
      identifier: [{ type: { coding: [{ code: 'NNCHN' }] }, system: 'urn:other', value: '110105491231002' }],
    });
    expect(r).toMatchObject({ residentId: '11010519491231002X', residentIdStatus: 'legacy', legacyId: '110105491231002', birthDate: '1949-12-31', birthDateSource: 'resident-id', sex: 'female' });
  });
  it('keeps a malformed ID as sent and flags it, and survives a Patient without name', () => {
    const r = extractMatchRecord({ resourceType: 'Patient', identifier: [{ system: RESIDENT_ID_SYSTEM, value: '110105194912310021' }] });
    expect(r).toMatchObject({ id: '', residentIdStatus: 'invalid', residentIdRaw: '110105194912310021', phones: [], addressTokens: [] });
    expect(r.residentId).toBeUndefined();
    expect(r.name.script).toBe('empty');
  });
  it('reads pinyin-only family/given parts', () => {
    const r = extractMatchRecord({ resourceType: 'Patient', name: [{ family: 'OUYANG', given: ['Ming'] }] });
    expect(r.name).toMatchObject({ script: 'pinyin', familyPinyin: 'ouyang', givenPinyin: 'ming' });
  });
});
