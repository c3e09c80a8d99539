import { describe, expect, it } from 'vitest';
import {
  compareAddress,
  compareBirthDate,
  compareExact,
  compareGivenName,
  compareIdentifier,
  comparePhones,
  compareString,
  compareSurname,
  damerauLevenshtein,
  jaccard,
  jaro,
  jaroWinkler,
  levenshtein,
} from './comparators.js';

describe('Jaro and Jaro–Winkler', () => {
  it('reproduces the published examples (Winkler 1990; MARTHA/MARHTA, DWAYNE/DUANE, DIXON/DICKSONX)', () => {
    expect(jaro('MARTHA', 'MARHTA')).toBeCloseTo(0.9444, 4);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.9611, 4);
    expect(jaro('DWAYNE', 'DUANE')).toBeCloseTo(0.8222, 4);
    expect(jaroWinkler('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 4);
    expect(jaro('DIXON', 'DICKSONX')).toBeCloseTo(0.7667, 4);
    expect(jaroWinkler('DIXON', 'DICKSONX')).toBeCloseTo(0.8133, 4);
  });
  it('handles empty, identical and disjoint strings', () => {
    expect(jaro('', '')).toBe(1);
    expect(jaro('abc', '')).toBe(0);
    expect(jaroWinkler('wangxiaoming', 'wangxiaoming')).toBe(1);
    expect(jaro('abc', 'xyz')).toBe(0);
  });
  it('is symmetric and works on code points (characters)', () => {
    expect(jaroWinkler('zhangwei', 'zhangwie')).toBeCloseTo(jaroWinkler('zhangwie', 'zhangwei'), 12);
    expect(jaro('王小明', '王晓明')).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
  });
});

describe('edit distances', () => {
  it('counts Levenshtein edits', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('王小明', '王晓明')).toBe(1);
  });
  it('counts an adjacent transposition once in Damerau–Levenshtein (OSA)', () => {
    expect(levenshtein('ab', 'ba')).toBe(2);
    expect(damerauLevenshtein('ab', 'ba')).toBe(2 - 1);
    expect(damerauLevenshtein('13812345678', '13812345687')).toBe(1);
    expect(damerauLevenshtein('CA', 'ABC')).toBe(3); // OSA, not unrestricted Damerau (which gives 2)
  });
  it('computes Jaccard of token sets', () => {
    expect(jaccard(['a', 'b', 'c'], ['b', 'c', 'd'])).toBeCloseTo(0.5, 12);
    expect(jaccard([], [])).toBe(0);
  });
});

describe('field comparators', () => {
  it('exact and generic string levels', () => {
    expect(compareExact('a', 'a')).toBe('exact');
    expect(compareExact('a', undefined)).toBe('missing');
    expect(compareExact('a', 'b')).toBe('disagree');
    expect(compareString('wangxiaoming', 'wangxiaomin')).toBe('close');
    expect(compareString('abc', 'xyz')).toBe('disagree');
  });
  it('surname: characters, homophones, pinyin-only', () => {
    expect(compareSurname({ chars: '张', pinyin: 'zhang' }, { chars: '张', pinyin: 'zhang' })).toBe('exact');
    expect(compareSurname({ chars: '张', pinyin: 'zhang' }, { chars: '章', pinyin: 'zhang' })).toBe('close');
    expect(compareSurname({ chars: '张', pinyin: 'zhang' }, { pinyin: 'zhang' })).toBe('close');
    expect(compareSurname({ pinyin: 'zhang' }, { pinyin: 'zhang' })).toBe('exact');
    expect(compareSurname({ chars: '张', pinyin: 'zhang' }, { chars: '王', pinyin: 'wang' })).toBe('disagree');
    expect(compareSurname({}, { chars: '王', pinyin: 'wang' })).toBe('missing');
  });
  it('given name: near misses are partial', () => {
    expect(compareGivenName({ chars: '小明', pinyin: 'xiaoming' }, { chars: '晓明', pinyin: 'xiaoming' })).toBe('close');
    expect(compareGivenName({ chars: '小明', pinyin: 'xiaoming' }, { chars: '小鸣', pinyin: 'xiaoming' })).toBe('close');
    // -n/-ng merge in southern speech (fuzzy pinyin, sound-alike.ts): 明/敏 sound alike
    expect(compareGivenName({ chars: '小明', pinyin: 'xiaoming' }, { chars: '小敏', pinyin: 'xiaomin' })).toBe('close');
    expect(compareGivenName({ chars: '小明', pinyin: 'xiaoming' }, { chars: '小梅', pinyin: 'xiaomei' })).toBe('partial');
    expect(compareGivenName({ chars: '博健', pinyin: 'bojian' }, { chars: '柏健', pinyin: 'baijian' })).toBe('close'); // 柏 bai/bo
    expect(compareSurname({ chars: '黄', pinyin: 'huang' }, { chars: '王', pinyin: 'wang' })).toBe('close'); // Wu merger
    expect(compareGivenName({ chars: '建国', pinyin: 'jianguo' }, { chars: '秀英', pinyin: 'xiuying' })).toBe('disagree');
  });
  it('birth date: transposition and single-digit typos are close', () => {
    expect(compareBirthDate('1980-03-07', '1980-03-07')).toBe('exact');
    expect(compareBirthDate('1980-03-07', '1980-07-03')).toBe('close');
    expect(compareBirthDate('1980-03-07', '1980-03-01')).toBe('close');
    expect(compareBirthDate('1980-03-17', '1980-03-71')).toBe('close');
    expect(compareBirthDate('1980-03-07', '1981-04-07')).toBe('disagree');
    expect(compareBirthDate('1957-04-30', '1957-05-01')).toBe('close');
    expect(compareBirthDate('1989-12-31', '1990-01-01')).toBe('close');
    expect(compareBirthDate('1957-04-29', '1957-05-01')).toBe('disagree');
    expect(compareBirthDate('1980', '1980-03-07')).toBe('partial');
    expect(compareBirthDate(undefined, '1980-03-07')).toBe('missing');
  });
  it('phones: shared number, suffix of 7, suffix of 4', () => {
    expect(comparePhones(['13812345678'], ['13900000000', '13812345678'])).toBe('exact');
    expect(comparePhones(['13812345678'], ['13912345678'])).toBe('close');
    expect(comparePhones(['13812345678'], ['13812345687'])).toBe('close');
    expect(comparePhones(['13812345678'], ['15900005678'])).toBe('partial');
    expect(comparePhones(['13812345678'], ['15900000000'])).toBe('disagree');
    expect(comparePhones([], ['15900000000'])).toBe('missing');
  });
  it('address tokens by Jaccard bands', () => {
    const a = ['浙江省', '杭州市', '萧山区', '城厢街道', '城河村', '3组'];
    expect(compareAddress(a, [...a])).toBe('exact');
    expect(compareAddress(a, a.slice(0, 5))).toBe('close');
    expect(compareAddress(a, ['浙江省', '杭州市', '萧山区'])).toBe('partial'); // 3/6
    expect(compareAddress(a, ['北京市', '朝阳区'])).toBe('disagree');
  });
  it('identifiers: one keying error is close', () => {
    expect(compareIdentifier('11010519491231002X', '11010519491231002X')).toBe('exact');
    expect(compareIdentifier('11010519491231002X', '11010519491213002X')).toBe('close');
    expect(compareIdentifier('11010519491231002X', '440524188001010014')).toBe('disagree');
  });
});
