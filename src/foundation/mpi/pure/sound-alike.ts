/**
 * Sound-alike names beyond identical toneless pinyin: the "fuzzy pinyin" (模糊音) mergers of
 * Chinese input methods, which follow the distinctions that southern speakers — Wu, Min, Cantonese,
 * southwestern Mandarin — do not make, and the other readings of polyphonic characters
 * (柏 bai/bo, 单 dan/shan). A clerk who hears 黄 from a Xiaoshan patient may type 王; one who reads
 * 柏 as bǎi turns 博 (bó) into a different pinyin.
 *
 * Mergers kept (the common IME set, e.g. Sogou/Google Pinyin 模糊音 settings, minus l/n, f/h and
 * r/l, which merge too many unrelated names): z=zh, c=ch, s=sh, -n=-ng (an/ang, en/eng, in/ing,
 * ian/iang, uan/uang), and huang=wang (Wu dialect; Chao 1928, 現代吳語的研究).
 */
import { pinyin } from 'pinyin-pro';

const fuzzyCache = new Map<string, string>();

/**
 * Fuzzy-pinyin key of toneless pinyin: 'zhangxingjian' → 'zanxinjian', 'huang' → 'wan'.
 * @param s toneless pinyin, syllables joined or spaced
 */
export function fuzzyPinyin(s: string): string {
  let k = fuzzyCache.get(s);
  if (k === undefined) {
    k = s
      .toLowerCase()
      .replace(/[^a-zv]/g, '')
      .replace(/huang/g, 'wang')
      .replace(/([zcs])h/g, '$1')
      .replace(/ng/g, 'n');
    if (fuzzyCache.size > 100_000) fuzzyCache.clear();
    fuzzyCache.set(s, k);
  }
  return k;
}

const readingCache = new Map<string, readonly string[]>();

/** Every toneless reading pinyin-pro knows for one character, as fuzzy keys. */
export function charReadings(c: string): readonly string[] {
  let r = readingCache.get(c);
  if (r === undefined) {
    const all = pinyin(c, { toneType: 'none', multiple: true, type: 'array', v: true }) as string[];
    r = [...new Set(all.map(fuzzyPinyin))];
    readingCache.set(c, r);
  }
  return r;
}

/**
 * Whether two name parts sound alike: same fuzzy pinyin, or — both in characters, same length —
 * every position holds the same character or characters sharing a (fuzzy) reading.
 */
export function soundAlike(a: { chars?: string; pinyin?: string }, b: { chars?: string; pinyin?: string }): boolean {
  if (a.pinyin && b.pinyin && fuzzyPinyin(a.pinyin) === fuzzyPinyin(b.pinyin)) return true;
  if (!a.chars || !b.chars) return false;
  const x = [...a.chars];
  const y = [...b.chars];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    const rb = charReadings(y[i]);
    if (!charReadings(x[i]).some((r) => rb.includes(r))) return false;
  }
  return true;
}
