import { describe, expect, it } from 'vitest';
import { clusterLinks, UnionFind } from './clustering.js';
import { pairwiseMetrics } from './pairwise-metrics.js';
import { fuzzyPinyin, soundAlike } from './sound-alike.js';

describe('union–find', () => {
  it('joins components', () => {
    const uf = new UnionFind(5);
    uf.union(0, 1);
    uf.union(3, 4);
    uf.union(1, 4);
    expect(uf.find(0)).toBe(uf.find(3));
    expect(uf.find(2)).not.toBe(uf.find(0));
  });
});

describe('clusterLinks', () => {
  it('takes connected components of the links', () => {
    const c = clusterLinks(5, [{ a: 0, b: 1, weight: 10 }, { a: 1, b: 2, weight: 9 }], () => undefined);
    expect(c.clusters).toBe(3);
    expect(c.cluster[0]).toBe(c.cluster[2]);
    expect(c.cluster[3]).not.toBe(c.cluster[4]);
    expect(Array.from(c.cluster)).toEqual([0, 0, 0, 1, 2]);
  });
  it('never chains two different valid resident IDs through an ID-less record', () => {
    // 0 (ID A) — 1 (no ID) — 2 (ID B): the stronger link wins, the weaker one is refused
    const ids = ['A', undefined, 'B'];
    const c = clusterLinks(3, [{ a: 0, b: 1, weight: 8 }, { a: 1, b: 2, weight: 12 }], (i) => ids[i]);
    expect(c.cluster[1]).toBe(c.cluster[2]);
    expect(c.cluster[0]).not.toBe(c.cluster[1]);
    expect(c.refused).toEqual([{ a: 0, b: 1, weight: 8 }]);
  });
  it('lets records with the same ID and without one join', () => {
    const ids = ['A', undefined, 'A', undefined];
    const c = clusterLinks(4, [{ a: 0, b: 1, weight: 5 }, { a: 1, b: 2, weight: 5 }, { a: 2, b: 3, weight: 5 }], (i) => ids[i]);
    expect(c.clusters).toBe(1);
    expect(c.refused).toEqual([]);
  });
});

describe('pairwiseMetrics', () => {
  it('counts pairs from cluster sizes', () => {
    const truth = new Map([['a', '1'], ['b', '1'], ['c', '1'], ['d', '2'], ['e', '3']]);
    // predicted {a,b} {c,d} {e}: TP = 1 (a–b), predicted 2, true 3
    const pred = new Map([['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'y'], ['e', 'z'], ['f', 'z']]);
    const m = pairwiseMetrics(pred, truth);
    expect(m.truePositives).toBe(1);
    expect(m.predictedPairs).toBe(2);
    expect(m.truePairs).toBe(3);
    expect(m.precision).toBeCloseTo(0.5);
    expect(m.recall).toBeCloseTo(1 / 3);
    expect(m.f1).toBeCloseTo(0.4);
    expect(m.missingFromTruth).toBe(1);
  });
  it('is perfect on nothing to find', () => {
    expect(pairwiseMetrics(new Map([['a', 'x']]), new Map([['a', '1']])).f1).toBe(1);
  });
});

describe('sound-alike names', () => {
  it('applies the fuzzy-pinyin mergers', () => {
    expect(fuzzyPinyin('zhangxingjian')).toBe('zanxinjian');
    expect(fuzzyPinyin('huang')).toBe(fuzzyPinyin('wang'));
    expect(fuzzyPinyin('chen')).toBe(fuzzyPinyin('cheng'));
    expect(fuzzyPinyin('li')).not.toBe(fuzzyPinyin('ni'));
  });
  it('uses every reading of a polyphonic character', () => {
    expect(soundAlike({ chars: '柏', pinyin: 'bai' }, { chars: '博', pinyin: 'bo' })).toBe(true);
    expect(soundAlike({ chars: '兴建', pinyin: 'xingjian' }, { chars: '馨建', pinyin: 'xinjian' })).toBe(true);
    expect(soundAlike({ chars: '建国', pinyin: 'jianguo' }, { chars: '秀英', pinyin: 'xiuying' })).toBe(false);
  });
});
