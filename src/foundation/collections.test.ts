import { describe, expect, it } from 'vitest';
import { pushTo } from './collections.js';

describe('pushTo', () => {
  it('groups values under their key in arrival order, keeping the same list object', () => {
    const m = new Map<string, number[]>();
    pushTo(m, 'a', 1);
    const first = m.get('a');
    pushTo(m, 'b', 2);
    pushTo(m, 'a', 3);
    expect(Object.fromEntries(m)).toEqual({ a: [1, 3], b: [2] });
    expect(m.get('a')).toBe(first);
  });
});
