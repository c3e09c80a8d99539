import { describe, expect, it } from 'vitest';
import {
  cleanText,
  hanziToPinyin,
  isPinyinName,
  normaliseName,
  parsePinyinName,
  segmentPinyin,
  splitSurname,
  toSimplified,
} from './names.js';

describe('cleaning', () => {
  it('turns full-width letters and ideographic spaces into ASCII and single spaces', () => {
    expect(cleanText('ＷＡＮＧ　ＸＩＡＯ  ＭＩＮＧ ')).toBe('WANG XIAO MING');
  });
  it('maps common traditional name characters to simplified', () => {
    expect(toSimplified('張偉')).toBe('张伟');
    expect(toSimplified('歐陽華')).toBe('欧阳华');
    expect(toSimplified('王小明')).toBe('王小明');
  });
});

describe('splitSurname', () => {
  it('recognises compound surnames', () => {
    expect(splitSurname('欧阳修')).toEqual({ family: '欧阳', given: '修' });
    expect(splitSurname('司马相如')).toEqual({ family: '司马', given: '相如' });
    expect(splitSurname('诸葛亮')).toEqual({ family: '诸葛', given: '亮' });
  });
  it('takes one character otherwise', () => {
    expect(splitSurname('王小明')).toEqual({ family: '王', given: '小明' });
    expect(splitSurname('欧明')).toEqual({ family: '欧', given: '明' });
  });
});

describe('pinyin', () => {
  it('reads characters tonelessly, with surname readings for polyphonic surnames', () => {
    expect(hanziToPinyin('张伟')).toEqual(['zhang', 'wei']);
    expect(hanziToPinyin('单', true)).toEqual(['shan']);
    expect(hanziToPinyin('曾', true)).toEqual(['zeng']);
    expect(hanziToPinyin('吕')).toEqual(['lv']);
  });
  it('segments Latin runs into the fewest syllables', () => {
    expect(segmentPinyin('xiaoming')).toEqual(['xiao', 'ming']);
    expect(segmentPinyin('ZHUGELIANG')).toEqual(['zhu', 'ge', 'liang']);
    expect(segmentPinyin('lyu')).toEqual(['lv']);
    expect(segmentPinyin('smith')).toBeUndefined();
  });
  it('detects pinyin-only names and puts the family first', () => {
    expect(isPinyinName('Wang Xiaoming')).toBe(true);
    expect(isPinyinName('John Smith')).toBe(false);
    expect(parsePinyinName('Xiaoming Wang')).toEqual({ family: ['wang'], given: ['xiao', 'ming'] });
    expect(parsePinyinName('ZHANG, Wei')).toEqual({ family: ['zhang'], given: ['wei'] });
    expect(parsePinyinName('Ou Yang Xiu')).toEqual({ family: ['ou', 'yang'], given: ['xiu'] });
    expect(parsePinyinName('ouyangxiu')).toEqual({ family: ['ou', 'yang'], given: ['xiu'] });
  });
});

describe('normaliseName', () => {
  it('gives characters and pinyin the same toneless form', () => {
    const a = normaliseName({ text: '王小明' });
    for (const other of ['Wang Xiaoming', 'WANG XIAO MING', 'wang xiao-ming', 'Xiaoming Wang', 'ｗａｎｇ　ｘｉａｏｍｉｎｇ']) {
      const b = normaliseName({ text: other });
      expect(b.script).toBe('pinyin');
      expect([b.pinyin, b.familyPinyin, b.givenPinyin, b.initials]).toEqual([a.pinyin, a.familyPinyin, a.givenPinyin, a.initials]);
    }
    expect(a).toMatchObject({ script: 'hanzi', chars: '王小明', familyChars: '王', givenChars: '小明', pinyin: 'wangxiaoming', initials: 'wxm' });
  });
  it('removes spaces and traditional forms in characters', () => {
    expect(normaliseName({ text: '張 偉' })).toMatchObject({ chars: '张伟', familyChars: '张', givenChars: '伟' });
  });
  it('keeps homophones apart in characters and together in pinyin', () => {
    const a = normaliseName({ text: '张伟' });
    const b = normaliseName({ text: '章伟' });
    expect(a.chars).not.toBe(b.chars);
    expect(a.pinyin).toBe(b.pinyin);
  });
  it('uses FHIR family/given when text is absent, in characters or pinyin', () => {
    expect(normaliseName({ family: '欧阳', given: ['修'] })).toMatchObject({ familyChars: '欧阳', givenChars: '修' });
    expect(normaliseName({ family: 'Zhang', given: ['Xiao', 'Ming'] })).toMatchObject({ script: 'pinyin', familyPinyin: 'zhang', givenPinyin: 'xiaoming' });
  });
  it('treats a dotted minority name as one given name with no surname', () => {
    const n = normaliseName({ text: '阿依古丽·买买提' });
    expect(n.familyChars).toBeUndefined();
    expect(n.givenChars).toBe('阿依古丽买买提');
  });
  it('copes with empty and non-pinyin names', () => {
    expect(normaliseName({}).script).toBe('empty');
    expect(normaliseName({ text: 'John Smith' })).toMatchObject({ script: 'other', pinyin: 'johnsmith' });
  });
});
