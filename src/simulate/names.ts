/**
 * Chinese personal names with their pinyin, and the homophone substitutions that real registration
 * desks produce. Surname frequencies: Zhejiang's most common surnames (Ministry of Public Security
 * household-registration name report 2020, Zhejiang list) with Xiaoshan's local surnames (沈, 俞, 施,
 * 来, 楼, 韩, 倪, 孔) raised; given-name characters by sex and birth era.
 */
import { pinyin } from 'pinyin-pro';
import type { Rng } from './random.js';

/** [surname, weight] — weights are relative frequencies in per cent. */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 6.5], ['王', 6.0], ['李', 4.2], ['张', 4.0], ['沈', 3.2], ['俞', 2.6], ['徐', 2.5], ['吴', 2.5],
  ['周', 2.2], ['施', 2.0], ['朱', 2.0], ['杨', 1.8], ['来', 1.6], ['韩', 1.5], ['楼', 1.5], ['孔', 1.4],
  ['倪', 1.3], ['傅', 1.3], ['汪', 1.2], ['蔡', 1.2], ['黄', 1.2], ['赵', 1.1], ['孙', 1.1], ['刘', 1.1],
  ['钱', 1.0], ['任', 0.9], ['郑', 0.9], ['方', 0.9], ['何', 0.9], ['高', 0.8], ['金', 0.8], ['林', 0.8],
  ['章', 0.8], ['丁', 0.7], ['董', 0.7], ['孟', 0.6], ['邵', 0.6], ['曹', 0.6], ['余', 0.6], ['胡', 0.6],
  ['葛', 0.5], ['戴', 0.5], ['许', 0.5], ['姚', 0.5], ['谢', 0.5], ['项', 0.4], ['单', 0.3], ['曾', 0.3],
];
const SURNAME_WEIGHTS = SURNAMES.map(([, w]) => w);

// Given-name characters, chosen without common polyphones so per-character pinyin is exact.
const MALE_OLD = '建国华明伟军平德林福根荣祥海强兴富忠龙财生水金土发宝庆永贵';
const FEMALE_OLD = '秀英兰芳珍凤玉梅娟琴霞萍花美月妹仙爱红云彩菊芬娣';
const MALE_YOUNG = '浩宇轩俊杰涛鹏飞博文浩然子豪晨阳峰磊勇斌超健凯睿泽航旭辰';
const FEMALE_YOUNG = '婷丽静怡欣雨佳琪雪颖慧敏晶瑶洁妍璐思涵梓萱诗蕾倩莉薇丹';

/**
 * Homophone groups (same toneless pinyin) that clerks and patients swap: 明/鸣/铭, 伟/玮/炜, …
 * Used to corrupt duplicate registrations.
 */
const HOMOPHONE_GROUPS: readonly string[] = [
  '明鸣铭名', '伟玮炜维', '华桦骅', '芳方舫', '军君均钧', '英瑛鹰', '红宏洪鸿', '平萍苹屏', '静婧靖', '霞侠',
  '杰洁捷', '斌彬滨', '涛韬', '勇永咏', '丽莉俐利', '娟鹃涓', '琴芹勤', '兰岚蓝', '梅玫媚', '珍真贞',
  '林琳霖麟', '强蔷', '龙隆', '生升声', '金津今', '宇雨语羽', '轩萱宣', '俊峻骏', '博波柏',
  '文雯闻', '晨辰臣', '阳扬洋杨', '峰锋丰枫', '磊蕾', '超潮', '健建剑', '凯恺铠', '睿锐瑞', '泽则',
  '航杭', '旭序', '婷庭亭', '怡宜仪', '欣新心馨', '佳嘉家', '琪琦淇', '雪学', '颖影盈', '慧惠蕙',
  '敏闵', '晶菁京', '瑶遥尧', '妍燕艳', '思斯丝', '涵寒含', '诗师', '倩茜', '薇微', '丹单',
  '秀绣', '凤峰', '玉钰煜', '花华', '月悦越', '仙先鲜', '爱艾', '云芸耘', '彩才', '菊桔', '芬纷',
  '国果', '福富复', '根庚', '荣蓉容', '祥翔', '兴星馨', '忠中钟', '财才', '水税', '发法', '宝保',
  '庆青清', '永泳', '贵桂', '德得', '飞菲非', '鹏朋', '豪浩昊',
  // surnames
  '陈程成', '王汪', '李黎', '张章', '徐许', '吴武', '周邹', '施史', '杨阳', '韩寒', '楼娄', '孔',
  // 黄/王 merge in the Wu dialect of Xiaoshan: a sound-alike, not a Mandarin homophone.
  '倪霓', '傅付富', '黄王', '赵照', '孙', '刘柳', '钱乾', '任', '郑正', '方房', '何贺', '高郜',
  '金靳', '林凌', '丁', '董', '孟', '邵', '曹', '余俞于', '胡', '葛', '戴代', '姚', '谢', '项向',
  '单', '曾',
];
const HOMOPHONES = new Map<string, string[]>();
for (const group of HOMOPHONE_GROUPS) {
  const chars = [...group];
  for (const c of chars) {
    const others = chars.filter((x) => x !== c);
    if (others.length > 0) HOMOPHONES.set(c, [...(HOMOPHONES.get(c) ?? []), ...others]);
  }
}

/** A generated name: characters and toneless pinyin, family and given parts. */
export interface PersonName {
  family: string;
  given: string;
  familyPinyin: string;
  givenPinyin: string;
}

const pinyinCache = new Map<string, string>();
/** Toneless pinyin of one character (cached; surname reading when `asSurname`). */
function charPinyin(ch: string, asSurname: boolean): string {
  const key = asSurname ? `s${ch}` : ch;
  let p = pinyinCache.get(key);
  if (p === undefined) {
    p = pinyin(ch, { toneType: 'none', v: true, ...(asSurname ? { mode: 'surname' as const } : {}) });
    pinyinCache.set(key, p);
  }
  return p;
}

/** Pinyin with capitalised syllable run, e.g. "Xiaoming" for 小明. */
export function pinyinOf(chars: string, asSurname = false): string {
  const syl = [...chars].map((c) => charPinyin(c, asSurname)).join('');
  return syl.charAt(0).toUpperCase() + syl.slice(1);
}

/** Draws a surname by frequency. */
export function drawSurname(rng: Rng): string {
  return SURNAMES[rng.categorical(SURNAME_WEIGHTS)][0];
}

/** Draws a given name (1 or 2 characters) for sex and birth year; older people more often have one character. */
export function drawGivenName(rng: Rng, sex: 'male' | 'female', birthYear: number): string {
  const old = birthYear < 1975 ? 0.85 : birthYear < 1990 ? 0.4 : 0.05;
  const pool = sex === 'male' ? (rng.chance(old) ? MALE_OLD : MALE_YOUNG) : rng.chance(old) ? FEMALE_OLD : FEMALE_YOUNG;
  const single = rng.chance(birthYear < 1960 ? 0.3 : birthYear < 2000 ? 0.15 : 0.08);
  const first = pool[rng.int(0, pool.length - 1)];
  if (single) return first;
  let second = pool[rng.int(0, pool.length - 1)];
  if (second === first && rng.chance(0.7)) second = pool[rng.int(0, pool.length - 1)];
  return first + second;
}

/** Builds the name record (with pinyin) for a surname and given name. */
export function makeName(family: string, given: string): PersonName {
  return { family, given, familyPinyin: pinyinOf(family, true), givenPinyin: pinyinOf(given) };
}

/** Replaces one character of `text` by a homophone; returns the text unchanged if none is known. */
export function homophoneVariant(rng: Rng, text: string): string {
  const chars = [...text];
  const candidates = chars.map((c, i) => [c, i] as const).filter(([c]) => HOMOPHONES.has(c));
  if (candidates.length === 0) return text;
  const [c, i] = rng.pick(candidates);
  chars[i] = rng.pick(HOMOPHONES.get(c) ?? [c]);
  return chars.join('');
}

/** True when some character of `text` has a homophone in the table. */
export function hasHomophone(text: string): boolean {
  return [...text].some((c) => HOMOPHONES.has(c));
}
