/**
 * Field comparators. Each turns two field values into an agreement level that the
 * Fellegi–Sunter model weighs; the string metrics they use are exported for reuse.
 */

import { soundAlike } from './sound-alike.js';

/** Agreement level of one field of a record pair, from strongest to weakest; 'missing' carries no evidence. */
export type Level = 'exact' | 'close' | 'partial' | 'disagree' | 'missing';

/**
 * Jaro similarity (Jaro 1989, JASA 84:414): (m/|a| + m/|b| + (m−t)/m) / 3 over matching code points
 * within a window of ⌊max(|a|,|b|)/2⌋−1, t = half the transpositions.
 * @returns 0–1; 1 for two empty strings
 */
export function jaro(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0 && t.length === 0) return 1;
  if (s.length === 0 || t.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatch = new Array<boolean>(s.length).fill(false);
  const tMatch = new Array<boolean>(t.length).fill(false);
  let m = 0;
  for (let i = 0; i < s.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(t.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (tMatch[j] || s[i] !== t[j]) continue;
      sMatch[i] = tMatch[j] = true;
      m++;
      break;
    }
  }
  if (m === 0) return 0;
  let k = 0;
  let half = 0;
  for (let i = 0; i < s.length; i++) {
    if (!sMatch[i]) continue;
    while (!tMatch[k]) k++;
    if (s[i] !== t[k]) half++;
    k++;
  }
  const tr = half / 2;
  // Jaro 1989: Φ = (m/|a| + m/|b| + (m − t)/m) / 3
  return (m / s.length + m / t.length + (m - tr) / m) / 3;
}

/**
 * Jaro–Winkler similarity (Winkler 1990, Proc. Section on Survey Research Methods, ASA: 354–359):
 * jw = j + ℓ·p·(1 − j) for a common prefix ℓ ≤ 4, p = 0.1, applied when j exceeds 0.7.
 * @param prefixScale p, at most 0.25 so the result stays ≤ 1
 */
export function jaroWinkler(a: string, b: string, prefixScale = 0.1, boostThreshold = 0.7): number {
  const j = jaro(a, b);
  if (j <= boostThreshold) return j;
  const s = [...a];
  const t = [...b];
  let l = 0;
  while (l < 4 && l < s.length && l < t.length && s[l] === t[l]) l++;
  // Winkler 1990: Φ_w = Φ + ℓ·p·(1 − Φ)
  return j + l * prefixScale * (1 - j);
}

/**
 * Levenshtein distance (insertions, deletions, substitutions; Levenshtein 1966) over code points.
 */
export function levenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length];
}

/**
 * Damerau–Levenshtein distance, optimal-string-alignment variant (Damerau 1964): Levenshtein plus
 * transposition of two adjacent characters, each substring edited at most once.
 */
export function damerauLevenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => {
    const row = new Array<number>(t.length + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[s.length][t.length];
}

/**
 * Whether two strings of equal length differ by at most one keying error — one substituted
 * character or one adjacent transposition — which is Damerau–Levenshtein ≤ 1 for equal lengths
 * (Damerau 1964), in O(n) without allocating (the hot path of ID and phone comparison).
 */
export function withinOneKeyingError(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    if (first < 0) {
      first = i;
      continue;
    }
    // second mismatch: only an adjacent swap of the first one is allowed, and nothing after it
    if (i !== first + 1 || a[first] !== b[i] || a[i] !== b[first]) return false;
    for (let k = i + 1; k < a.length; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
    return true;
  }
  return true;
}

/**
 * Jaccard index |A∩B| / |A∪B| of two token sets (Jaccard 1901).
 * @returns 0–1; 0 when both are empty
 */
export function jaccard(a: Iterable<string>, b: Iterable<string>): number {
  const A = new Set(a);
  const B = new Set(b);
  if (A.size === 0 && B.size === 0) return 0;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}

const absent = (v: string | undefined | null): v is undefined | null => v === undefined || v === null || v === '';

/**
 * Exact comparison: 'exact' | 'disagree' | 'missing'.
 */
export function compareExact(a: string | undefined | null, b: string | undefined | null): Level {
  if (absent(a) || absent(b)) return 'missing';
  return a === b ? 'exact' : 'disagree';
}

/**
 * Generic string comparison: 'exact'; 'close' when Jaro–Winkler ≥ `close` (default 0.92);
 * 'partial' when ≥ `partial` (default 0.85); else 'disagree'.
 */
export function compareString(a: string | undefined, b: string | undefined, close = 0.92, partial = 0.85): Level {
  if (absent(a) || absent(b)) return 'missing';
  if (a === b) return 'exact';
  const jw = jaroWinkler(a, b);
  return jw >= close ? 'close' : jw >= partial ? 'partial' : 'disagree';
}

/** Name part in characters and/or toneless pinyin. */
export interface NamePart {
  chars?: string;
  pinyin?: string;
}

/**
 * Surname: 'exact' (same characters, or both known only in pinyin and equal), 'close' (same
 * toneless pinyin: homophones 张/章, characters vs pinyin-only; or sound-alike, see
 * sound-alike.ts: 黄/王, 陈/程, 博/柏), else 'disagree'.
 */
export function compareSurname(a: NamePart, b: NamePart): Level {
  if (absent(a.pinyin) && absent(a.chars)) return 'missing';
  if (absent(b.pinyin) && absent(b.chars)) return 'missing';
  if (!absent(a.chars) && !absent(b.chars)) {
    if (a.chars === b.chars) return 'exact';
    return (a.pinyin && a.pinyin === b.pinyin) || soundAlike(a, b) ? 'close' : 'disagree';
  }
  if (a.pinyin && a.pinyin === b.pinyin) return absent(a.chars) && absent(b.chars) ? 'exact' : 'close';
  return soundAlike(a, b) ? 'close' : 'disagree';
}

/**
 * Given name: levels of {@link compareSurname}, plus 'partial' for a near miss — Jaro–Winkler of
 * the pinyin ≥ 0.88, or one character substituted, dropped or swapped (Damerau ≤ 1, names ≥ 2 chars).
 */
export function compareGivenName(a: NamePart, b: NamePart): Level {
  const level = compareSurname(a, b);
  if (level !== 'disagree') return level;
  if (a.chars && b.chars && Math.max([...a.chars].length, [...b.chars].length) >= 2 && damerauLevenshtein(a.chars, b.chars) <= 1) {
    return 'partial';
  }
  if (a.pinyin && b.pinyin && jaroWinkler(a.pinyin, b.pinyin) >= 0.88) return 'partial';
  return 'disagree';
}

/**
 * Date of birth (ISO YYYY-MM-DD): 'exact'; 'close' for day/month transposed, one digit wrong, two
 * adjacent digits swapped (clerical errors, Winkler 1995 "Matching and record linkage") or one
 * calendar day apart (Splink's date-difference levels, Linacre et al. 2022); 'partial'
 * when only the year is given on one side and agrees; else 'disagree'.
 */
export function compareBirthDate(a: string | undefined, b: string | undefined): Level {
  if (absent(a) || absent(b)) return 'missing';
  if (a === b) return 'exact';
  const da = a.replace(/-/g, '');
  const db = b.replace(/-/g, '');
  if (da.length !== 8 || db.length !== 8) {
    return da.slice(0, 4) === db.slice(0, 4) ? 'partial' : 'disagree';
  }
  const sameYear = da.slice(0, 4) === db.slice(0, 4);
  if (sameYear && da.slice(4, 6) === db.slice(6, 8) && da.slice(6, 8) === db.slice(4, 6)) return 'close';
  if (withinOneKeyingError(da, db)) return 'close'; // one digit wrong or two adjacent swapped
  // One calendar day apart across a month or year end (04-30/05-01): a ±1-day keying or
  // midnight-birth error that the digit rules above miss.
  const days = Math.abs(Date.UTC(+da.slice(0, 4), +da.slice(4, 6) - 1, +da.slice(6, 8)) - Date.UTC(+db.slice(0, 4), +db.slice(4, 6) - 1, +db.slice(6, 8))) / 86_400_000;
  if (days === 1) return 'close';
  return 'disagree';
}

/**
 * Phones (lists of normalised digits): 'exact' when a number is shared; 'close' when two share the
 * last 7 digits or differ by one keying error; 'partial' when they share the last 4; else 'disagree'.
 */
export function comparePhones(a: readonly string[], b: readonly string[]): Level {
  if (a.length === 0 || b.length === 0) return 'missing';
  let best: Level = 'disagree';
  for (const x of a) {
    for (const y of b) {
      if (x === y) return 'exact';
      if (x.slice(-7) === y.slice(-7) || withinOneKeyingError(x, y)) best = 'close';
      else if (best === 'disagree' && x.length >= 4 && x.slice(-4) === y.slice(-4)) best = 'partial';
    }
  }
  return best;
}

/**
 * Address tokens: Jaccard 1 → 'exact', ≥ 0.6 → 'close', ≥ 0.3 → 'partial', else 'disagree'.
 */
export function compareAddress(a: readonly string[], b: readonly string[]): Level {
  if (a.length === 0 || b.length === 0) return 'missing';
  const j = jaccard(a, b);
  return j >= 1 ? 'exact' : j >= 0.6 ? 'close' : j >= 0.3 ? 'partial' : 'disagree';
}

/**
 * Identifier numbers (resident ID, insurance number): 'exact'; 'close' for one keying error
 * (one digit or adjacent swap, Damerau ≤ 1, same length); else 'disagree'.
 */
export function compareIdentifier(a: string | undefined, b: string | undefined): Level {
  if (absent(a) || absent(b)) return 'missing';
  if (a === b) return 'exact';
  return withinOneKeyingError(a, b) ? 'close' : 'disagree';
}
