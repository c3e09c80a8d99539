import { describe, expect, it } from 'vitest';
import { isValidMobile, normaliseMobile, normalisePhone } from './phone.js';

describe('normalisePhone', () => {
  it('strips +86, 0086, spaces, dashes and brackets', () => {
    for (const raw of ['13812345678', '+86 138 1234 5678', '0086-138-1234-5678', '(+86)13812345678', '86 13812345678', '１３８１２３４５６７８', '0138 1234 5678']) {
      expect(normaliseMobile(raw)).toBe('13812345678');
    }
  });
  it('keeps landlines as digits but not as mobiles', () => {
    expect(normalisePhone('0571-8765 4321')).toEqual({ digits: '057187654321', mobile: false });
    expect(normaliseMobile('0571-87654321')).toBeUndefined();
  });
  it('applies 1[3-9]\\d{9}', () => {
    expect(isValidMobile('12812345678')).toBe(false);
    expect(isValidMobile('19912345678')).toBe(true);
    expect(isValidMobile('1381234567')).toBe(false);
    expect(isValidMobile('138123456789')).toBe(false);
  });
  it('returns undefined when there are no digits', () => {
    expect(normalisePhone('无')).toBeUndefined();
    expect(normalisePhone('')).toBeUndefined();
  });
  it('drops an extension', () => {
    expect(normalisePhone('0571-87654321 转 802')?.digits).toBe('057187654321');
  });
});
