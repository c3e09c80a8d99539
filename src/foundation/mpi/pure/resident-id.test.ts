import { describe, expect, it } from 'vitest';
import {
  generateResidentId,
  isCalendarDate,
  parseResidentId,
  residentIdCheckChar,
  upgradeLegacyResidentId,
  validateResidentId,
} from './resident-id.js';

describe('residentIdCheckChar (ISO 7064 MOD 11-2)', () => {
  it('gives X for the example of GB 11643-1999 (11010519491231002X)', () => {
    // Σ a_i·W_i = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
  });
  it('gives 4 for the second published example 440524188001010014', () => {
    // Σ = 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → '4'
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
  });
  it('matches hand-computed sums, including Σ ≡ 0 → 1', () => {
    // 33010219900307041: Σ = 21+27+0+5+0+8+2+9+54+0+0+27+0+35+0+16+2 = 206 ≡ 8 → '4'
    expect(residentIdCheckChar('33010219900307041')).toBe('4');
    // 11000000000000000: Σ = 7+9 = 16 ≡ 5 → '7'
    expect(residentIdCheckChar('11000000000000000')).toBe('7');
    // 10000000000000001: Σ = 7+2 = 9 → '3'; 20000000000000000: Σ = 14 ≡ 3 → '9'
    expect(residentIdCheckChar('10000000000000001')).toBe('3');
    expect(residentIdCheckChar('20000000000000000')).toBe('9');
    // 00000000000000000: Σ = 0 → '1'
    expect(residentIdCheckChar('00000000000000000')).toBe('1');
  });
  it('rejects input that is not 17 digits', () => {
    expect(() => residentIdCheckChar('1234')).toThrow(RangeError);
  });
});

describe('validateResidentId', () => {
  it('accepts the standard example and reads birth date, sex and region', () => {
    const r = validateResidentId('11010519491231002X');
    expect(r).toMatchObject({ valid: true, id: '11010519491231002X', birthDate: '1949-12-31', sex: 'female', regionCode: '110105', legacy: false });
    expect(parseResidentId('440524188001010014')).toEqual({
      id: '440524188001010014', legacy: false, birthDate: '1880-01-01', sex: 'male', regionCode: '440524',
    });
  });
  it('tolerates lower-case x, spaces, dashes and full-width digits', () => {
    expect(validateResidentId(' 110105 19491231 002x ').valid).toBe(true);
    expect(validateResidentId('１１０１０５１９４９１２３１００２Ｘ').valid).toBe(true);
    expect(validateResidentId('110105-19491231-002X').valid).toBe(true);
  });
  it('reports a wrong check character and never corrects it', () => {
    const r = validateResidentId('110105194912310021');
    expect(r).toEqual({ valid: false, problem: 'checksum', input: '110105194912310021', normalised: '110105194912310021' });
  });
  it('detects a single-digit typo and an adjacent transposition through the checksum', () => {
    expect(validateResidentId('11010519491231012X').valid).toBe(false);
    expect(validateResidentId('11010519491213002X').valid).toBe(false);
  });
  it('names the problem: length, characters, region, birth date', () => {
    expect(validateResidentId('')).toMatchObject({ problem: 'empty' });
    expect(validateResidentId('1101051949123100')).toMatchObject({ problem: 'length' });
    expect(validateResidentId('11010519491231A02X')).toMatchObject({ problem: 'characters' });
    const badRegion = '99010519491231002';
    expect(validateResidentId(badRegion + residentIdCheckChar(badRegion))).toMatchObject({ problem: 'region' });
    const feb30 = '11010519490230002';
    expect(validateResidentId(feb30 + residentIdCheckChar(feb30))).toMatchObject({ problem: 'birth-date' });
  });
  it('rejects a birth date after the caller-supplied day', () => {
    const id = generateResidentId({ regionCode: '330109', birthDate: '2030-01-01', sequence: 3, sex: 'male' });
    expect(validateResidentId(id).valid).toBe(true);
    expect(validateResidentId(id, { notAfter: '2025-06-30' })).toMatchObject({ valid: false, problem: 'birth-date' });
  });
});

describe('legacy 15-digit numbers', () => {
  it('upgrades by inserting 19 and computing the check character', () => {
    // 110105491231002 → 11010519491231002 + 'X' (the standard's example is this person's upgrade)
    expect(upgradeLegacyResidentId('110105491231002')).toBe('11010519491231002X');
    // 44052419800101001: Σ = 28+36+0+25+16+16+2+9+48+0+0+9+0+5+0+0+2 = 196 ≡ 9 → '3'
    expect(upgradeLegacyResidentId('440524800101001')).toBe('440524198001010013');
    expect(upgradeLegacyResidentId('12345')).toBeUndefined();
  });
  it('validates a 15-digit number and marks it legacy', () => {
    expect(validateResidentId('110105491231002')).toMatchObject({ valid: true, legacy: true, id: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' });
    expect(validateResidentId('110105491331002')).toMatchObject({ valid: false, problem: 'birth-date' });
  });
});

describe('generateResidentId', () => {
  it('makes numbers that validate and encode sex in the order code parity', () => {
    for (let seq = 0; seq < 500; seq += 37) {
      for (const sex of ['male', 'female'] as const) {
        const id = generateResidentId({ regionCode: '330109', birthDate: '1962-02-28', sequence: seq, sex });
        expect(parseResidentId(id)).toMatchObject({ birthDate: '1962-02-28', sex, regionCode: '330109', legacy: false });
      }
    }
  });
  it('reproduces the standard example (sequence 1, female → order 002)', () => {
    expect(generateResidentId({ regionCode: '110105', birthDate: '1949-12-31', sequence: 1, sex: 'female' })).toBe('11010519491231002X');
  });
  it('refuses bad specifications', () => {
    expect(() => generateResidentId({ regionCode: '110105', birthDate: '1949-02-29', sequence: 1, sex: 'male' })).toThrow(RangeError);
    expect(() => generateResidentId({ regionCode: '110105', birthDate: '1949-01-29', sequence: 500, sex: 'male' })).toThrow(RangeError);
    expect(() => generateResidentId({ regionCode: '000105', birthDate: '1949-01-29', sequence: 1, sex: 'male' })).toThrow(RangeError);
  });
});

describe('isCalendarDate', () => {
  it('knows Gregorian leap years', () => {
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-04-31')).toBe(false);
  });
});
