/**
 * Chinese personal names: cleaning, script detection, surname split and toneless pinyin.
 *
 * Names reach the MPI as characters (张小明, 張小明, ＺＨＡＮＧ), with stray spaces or the middle
 * dot of minority names (阿依古丽·买买提), or in pinyin only ("Wang Xiaoming", "WANG XIAO MING",
 * "Xiaoming Wang"). Everything is reduced to one comparable form: simplified characters and
 * toneless pinyin syllables ('v' for ü), family first.
 */
import { pinyin } from 'pinyin-pro';
import {
  COMMON_SURNAMES,
  COMPOUND_SURNAMES,
  PINYIN_SYLLABLES,
  TRADITIONAL_TO_SIMPLIFIED,
  UMLAUT_VARIANTS,
} from './name-data.js';

/** Which script a name was written in. */
export type NameScript = 'hanzi' | 'pinyin' | 'other' | 'empty';

/** A name reduced to comparable parts. Pinyin is toneless, lower case, ü written 'v'. */
export interface NormalisedName {
  script: NameScript;
  /** Simplified characters without separators (hanzi names only). */
  chars?: string;
  familyChars?: string;
  givenChars?: string;
  familySyllables: string[];
  givenSyllables: string[];
  /** Whole name, syllables joined: 'wangxiaoming'. */
  pinyin: string;
  familyPinyin: string;
  givenPinyin: string;
  /** First letter of every syllable: 'wxm'. */
  initials: string;
}

/** Raw name parts as a FHIR HumanName offers them. */
export interface NameInput {
  text?: string;
  family?: string;
  given?: string[];
}

const HAN = /\p{Script=Han}/u;
const HAN_ALL = /^\p{Script=Han}+$/u;
// Middle dots of minority and foreign names: U+00B7, U+30FB, U+2022, U+2027, U+FF65, U+2219, U+22C5.
const DOTS = /[·・•‧･∙⋅]/gu;

/**
 * Map traditional characters frequent in names to simplified ones (small table; see name-data.ts).
 * @param s any string
 */
export function toSimplified(s: string): string {
  let out = '';
  for (const ch of s) out += TRADITIONAL_TO_SIMPLIFIED[ch] ?? ch;
  return out;
}

/**
 * Unicode NFKC (full-width → half-width, compatibility ideographs → unified), trim, collapse
 * white space (incl. U+3000 ideographic space) to single spaces.
 * @param raw name as sent
 */
export function cleanText(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/**
 * Split a characters-only name into family and given name. Two-character compound surnames
 * (欧阳, 司马, 诸葛 …) are recognised; otherwise the first character is the surname.
 * @param chars simplified characters without separators
 */
export function splitSurname(chars: string): { family: string; given: string } {
  const cps = [...chars];
  if (cps.length >= 3 && COMPOUND_SURNAMES.has(cps[0] + cps[1])) {
    return { family: cps[0] + cps[1], given: cps.slice(2).join('') };
  }
  // a two-character name that is itself a compound surname (e.g. 司马) is read as surname + given
  return { family: cps[0] ?? '', given: cps.slice(1).join('') };
}

/**
 * Toneless pinyin of characters, one syllable per character, ü as 'v'.
 * @param chars Chinese characters
 * @param asSurname read polyphonic characters with their surname reading (单 shan, 曾 zeng, 区 ou)
 */
export function hanziToPinyin(chars: string, asSurname = false): string[] {
  if (chars.length === 0) return [];
  const syl = pinyin(chars, {
    toneType: 'none',
    v: true,
    type: 'array',
    ...(asSurname ? { mode: 'surname' as const, surname: 'all' as const } : {}),
  });
  return syl.map((s) => s.toLowerCase()).filter((s) => /^[a-z]+$/.test(s));
}

function canonicalSyllable(s: string): string {
  return UMLAUT_VARIANTS[s] ?? s;
}

/**
 * Split a run of Latin letters into pinyin syllables, preferring the fewest syllables
 * ("xiaoming" → xiao ming, "xian" → xian). Accepts lyu/lue/nue/ü spellings.
 * @returns the syllables, or undefined when the word is not pinyin
 */
export function segmentPinyin(word: string): string[] | undefined {
  const w = word.toLowerCase().replace(/ü|u:/g, 'v');
  const n = w.length;
  if (n === 0 || !/^[a-z]+$/.test(w)) return undefined;
  // best[i] = fewest syllables covering w[i..]; dynamic programming from the end.
  const best: (string[] | undefined)[] = new Array(n + 1);
  best[n] = [];
  for (let i = n - 1; i >= 0; i--) {
    for (let len = Math.min(6, n - i); len >= 1; len--) {
      const piece = w.slice(i, i + len);
      const syl = PINYIN_SYLLABLES.has(piece) ? piece : UMLAUT_VARIANTS[piece];
      const rest = best[i + len];
      if (syl === undefined || rest === undefined) continue;
      if (best[i] === undefined || rest.length + 1 < best[i]!.length) best[i] = [syl, ...rest];
    }
  }
  return best[0]?.map(canonicalSyllable);
}

let surnamePinyinCache: Set<string> | undefined;
let compoundPinyinCache: Set<string> | undefined;
/** Toneless pinyin of the common and compound surnames ('wang', 'ouyang' …), built once. */
function surnamePinyins(): Set<string> {
  if (!surnamePinyinCache) {
    compoundPinyinCache = new Set([...COMPOUND_SURNAMES].map((cs) => hanziToPinyin(cs, true).join('')));
    surnamePinyinCache = new Set([...COMMON_SURNAMES].map((ch) => hanziToPinyin(ch, true).join('')));
    for (const p of compoundPinyinCache) surnamePinyinCache.add(p);
  }
  return surnamePinyinCache;
}

/**
 * Is this pinyin the reading of a common surname ('wang', 'zhang', 'ouyang')?
 * @param syllablesJoined toneless pinyin without spaces
 */
export function isSurnamePinyin(syllablesJoined: string): boolean {
  return surnamePinyins().has(syllablesJoined);
}

/**
 * Read a Latin-script name as pinyin. Every token must be pinyin. Order: "FAMILY, Given" is
 * explicit; otherwise family first (Chinese order) unless the first token is no known surname
 * and the last one is ("Xiaoming Wang"). A single token keeps its first syllable (or a compound
 * surname's two) as family name.
 * @returns family and given syllables, or undefined when this is not a pinyin name
 */
export function parsePinyinName(text: string): { family: string[]; given: string[] } | undefined {
  const t = cleanText(text).toLowerCase();
  if (!/^[a-zü:\s,'’.\-]+$/u.test(t) || !/[a-z]/.test(t)) return undefined;
  const comma = t.indexOf(',');
  const seg = (part: string): string[][] | undefined => {
    const out: string[][] = [];
    for (const tok of part.split(/[\s'’.\-]+/u).filter(Boolean)) {
      const s = segmentPinyin(tok);
      if (!s) return undefined;
      out.push(s);
    }
    return out;
  };
  if (comma >= 0) {
    const fam = seg(t.slice(0, comma));
    const giv = seg(t.slice(comma + 1).replace(/,/g, ' '));
    if (!fam || !giv || fam.length === 0) return undefined;
    return { family: fam.flat(), given: giv.flat() };
  }
  const tokens = seg(t);
  if (!tokens || tokens.length === 0) return undefined;
  if (tokens.length === 1) return splitSyllables(tokens[0]);
  const first = tokens[0].join('');
  const last = tokens[tokens.length - 1].join('');
  if (!isSurnamePinyin(first) && isSurnamePinyin(last)) {
    return { family: tokens[tokens.length - 1], given: tokens.slice(0, -1).flat() };
  }
  // "Ou Yang Xiu" → compound surname spelled in two tokens
  if (tokens.length >= 3 && tokens[0].length === 1 && tokens[1].length === 1 && isCompoundPinyin(first + tokens[1][0])) {
    return { family: [...tokens[0], ...tokens[1]], given: tokens.slice(2).flat() };
  }
  return { family: tokens[0], given: tokens.slice(1).flat() };
}

function isCompoundPinyin(joined: string): boolean {
  surnamePinyins();
  return compoundPinyinCache!.has(joined);
}

function splitSyllables(syl: string[]): { family: string[]; given: string[] } {
  if (syl.length >= 3 && isCompoundPinyin(syl[0] + syl[1])) return { family: syl.slice(0, 2), given: syl.slice(2) };
  return { family: syl.slice(0, 1), given: syl.slice(1) };
}

/**
 * True when the text is a name written in pinyin only ("Wang Xiaoming", "WANG XIAO MING").
 * @param text name as sent
 */
export function isPinyinName(text: string): boolean {
  return parsePinyinName(text) !== undefined;
}

function stripSeparators(s: string): string {
  return s.replace(DOTS, '').replace(/[\s.\-_]/gu, '');
}

function build(script: NameScript, family: string[], given: string[], chars?: { all: string; family?: string; given?: string }): NormalisedName {
  const all = [...family, ...given];
  return {
    script,
    ...(chars ? { chars: chars.all, familyChars: chars.family, givenChars: chars.given } : {}),
    familySyllables: family,
    givenSyllables: given,
    pinyin: all.join(''),
    familyPinyin: family.join(''),
    givenPinyin: given.join(''),
    initials: all.map((s) => s[0]).join(''),
  };
}

function fromHanzi(rawText: string, family?: string, given?: string): NormalisedName {
  const dotted = DOTS.test(rawText);
  DOTS.lastIndex = 0;
  const chars = toSimplified(stripSeparators(rawText));
  let fam = family !== undefined ? toSimplified(stripSeparators(family)) : undefined;
  let giv = given !== undefined ? toSimplified(stripSeparators(given)) : undefined;
  if (fam === undefined || giv === undefined || fam + giv !== chars) {
    if (dotted) {
      // Minority names (personal name · father's name) carry no surname: compare as a whole.
      fam = undefined;
      giv = chars;
    } else if (HAN_ALL.test(chars)) {
      ({ family: fam, given: giv } = splitSurname(chars));
    } else {
      fam = undefined;
      giv = chars;
    }
  }
  const famSyl = fam ? hanziToPinyin(fam, true) : [];
  const givSyl = giv ? hanziToPinyin(giv) : [];
  return build('hanzi', famSyl, givSyl, { all: chars, family: fam || undefined, given: giv || undefined });
}

/**
 * Normalise a name from its FHIR parts. Characters win over pinyin: `text` is used when it holds
 * characters, else family + given; a Latin-only name is parsed as pinyin (explicit family/given
 * first, then `text`). Anything else keeps lower-cased letters as its "pinyin".
 * @param input text and/or family and given parts
 */
export function normaliseName(input: NameInput): NormalisedName {
  const text = cleanText(input.text ?? '');
  const family = cleanText(input.family ?? '');
  const given = cleanText((input.given ?? []).join(''));
  const joinedParts = family + given;
  if (HAN.test(text)) {
    return fromHanzi(text, family || undefined, given || undefined);
  }
  if (HAN.test(joinedParts)) return fromHanzi(joinedParts, family || undefined, given || undefined);
  if (family || given) {
    const fam = family ? segmentPinyin(stripSeparators(family)) : [];
    const givParts = (input.given ?? []).flatMap((g) => cleanText(g).split(/[\s'’.\-]+/u)).filter(Boolean);
    const giv = givParts.map(segmentPinyin);
    if (fam && giv.every((g) => g !== undefined)) {
      return build('pinyin', fam, giv.flat() as string[]);
    }
  }
  const source = text || `${family} ${(input.given ?? []).join(' ')}`.trim();
  if (!source) return build('empty', [], []);
  const parsed = parsePinyinName(source);
  if (parsed) return build('pinyin', parsed.family, parsed.given);
  const letters = source.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  return { ...build('other', [], []), pinyin: letters, givenPinyin: letters, initials: letters.slice(0, 1) };
}
