/**
 * A seeded synthetic register for tests: residents with realistic surname frequencies, each
 * registered 1–3 times with the corruptions of real clinics (homophones, pinyin-only names,
 * traditional characters, missing/legacy/mistyped IDs, date typos, changed phones). Test data only.
 */
import type { Patient } from '@medplum/fhirtypes';
import { RESIDENT_ID_SYSTEM } from '../../fhir/index.js';
import { hanziToPinyin } from './names.js';
import { drawIndex, mulberry32 } from '../../random.js';
import { generateResidentId, isCalendarDate } from './resident-id.js';

// Approximate shares (%) of the top surnames (MPS name reports); the rest share the remainder.
const TOP = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const TOP_SHARE = [7.1, 7.0, 6.7, 5.4, 4.6, 3.1, 2.5, 2.3, 2.0, 1.9, 1.7, 1.5, 1.3, 1.3, 1.2, 1.2, 1.1, 1.1, 1.1, 1.0];
const REST = '郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华兰平刚桂玲建国红霞文辉鹏飞宇浩婷雪梅琳晨欣怡佳俊';
// Homophones a clerk may type instead (same toneless pinyin).
const HOMOPHONE: Record<string, string> = {
  张: '章', 伟: '玮', 丽: '莉', 明: '铭', 静: '晶', 华: '桦', 芳: '方', 军: '君', 杰: '洁', 玲: '铃',
  红: '宏', 英: '瑛', 平: '萍', 林: '琳', 强: '蔷', 文: '雯', 涛: '韬', 勇: '永', 飞: '菲', 宇: '雨',
};
const TRAD: Record<string, string> = { 张: '張', 陈: '陳', 刘: '劉', 杨: '楊', 黄: '黃', 赵: '趙', 伟: '偉', 华: '華', 国: '國', 军: '軍' };
const VILLAGES = ['城河村', '涝湖村', '东恩村', '前进村', '新华社区', '湘湖村', '联华村', '长山村'];
const TOWNS = ['城厢街道', '新塘街道', '瓜沥镇', '义桥镇'];

/** One synthetic register. */
export interface SyntheticRegister {
  patients: Patient[];
  /** Person label by Patient id. */
  truth: Map<string, string>;
}

/**
 * Generate a register.
 * @param people number of residents
 * @param seed PRNG seed
 * @param dupRate share of residents registered more than once
 */
export function syntheticRegister(people: number, seed: number, dupRate = 0.4): SyntheticRegister {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: ArrayLike<T>): T => xs[Math.floor(rnd() * xs.length)];
  const restShare = (100 - TOP_SHARE.reduce((a, b) => a + b, 0)) / REST.length;
  const surnameProbs = [...TOP_SHARE, ...[...REST].map(() => restShare)].map((x) => x / 100);
  const surnames = [...TOP, ...REST];
  const patients: Patient[] = [];
  const truth = new Map<string, string>();
  const seqs = new Map<string, number>();
  for (let p = 0; p < people; p++) {
    const family = surnames[drawIndex(surnameProbs, rnd)];
    const given = rnd() < 0.35 ? pick(GIVEN) : pick(GIVEN) + pick(GIVEN);
    const sex = rnd() < 0.5 ? 'male' : 'female';
    let dob = '';
    do {
      dob = `${1935 + Math.floor(rnd() * 80)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    } while (!isCalendarDate(dob));
    const seqKey = `${dob}|${sex}`;
    const seq = seqs.get(seqKey) ?? Math.floor(rnd() * 100);
    seqs.set(seqKey, seq + 1);
    const rid = generateResidentId({ regionCode: '330109', birthDate: dob, sequence: seq, sex });
    const phone = `1${pick('3578')}${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`;
    const addr = `浙江省杭州市萧山区${pick(TOWNS)}${pick(VILLAGES)}${1 + Math.floor(rnd() * 9)}组`;
    const copies = rnd() < dupRate ? (rnd() < 0.7 ? 2 : 3) : 1;
    for (let c = 0; c < copies; c++) {
      const id = `p${p}-${c}`;
      truth.set(id, `person${p}`);
      const dirty = c > 0;
      let fam = family;
      let giv = given;
      if (dirty && rnd() < 0.12) giv = [...giv].map((ch) => (HOMOPHONE[ch] && rnd() < 0.7 ? HOMOPHONE[ch] : ch)).join('');
      if (dirty && rnd() < 0.04 && HOMOPHONE[fam]) fam = HOMOPHONE[fam];
      if (dirty && rnd() < 0.05) [fam, giv] = [fam, giv].map((s) => [...s].map((ch) => TRAD[ch] ?? ch).join(''));
      let name: Patient['name'];
      if (dirty && rnd() < 0.15) {
        const py = (s: string) => hanziToPinyin(s, s === fam).join('');
        const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
        name = rnd() < 0.5 ? [{ text: `${cap(py(fam))} ${cap(py(giv))}` }] : [{ family: py(fam).toUpperCase(), given: [py(giv).toUpperCase()] }];
      } else name = [{ text: fam + giv }];
      let birthDate: string | undefined = dob;
      const r = rnd();
      if (dirty && r < 0.03) birthDate = `${dob.slice(0, 5)}${dob.slice(8, 10)}-${dob.slice(5, 7)}`;
      else if (dirty && r < 0.06) birthDate = `${dob.slice(0, 9)}${(Number(dob[9]) + 1) % 10}`;
      if (birthDate && !isCalendarDate(birthDate)) birthDate = dob;
      if (dirty && rnd() < 0.03) birthDate = undefined;
      const ident: string[] = [];
      const ri = rnd();
      if (!dirty || ri < 0.45) ident.push(rid);
      else if (ri < 0.55 && dob < '2000') ident.push(rid.slice(0, 6) + rid.slice(8, 17));
      else if (ri < 0.58) ident.push(rid.slice(0, 10) + String((Number(rid[10]) + 3) % 10) + rid.slice(11));
      const ph = rnd();
      const phones = !dirty || ph < 0.6 ? [phone] : ph < 0.8 ? [`1${pick('3578')}${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}`] : [];
      const patient: Patient = { resourceType: 'Patient', id, name, gender: sex };
      if (birthDate) patient.birthDate = birthDate;
      if (ident.length) patient.identifier = ident.map((value) => ({ system: RESIDENT_ID_SYSTEM, value }));
      if (phones.length) patient.telecom = phones.map((value) => ({ system: 'phone' as const, value }));
      if (!dirty || rnd() < 0.5) patient.address = [{ use: 'home', text: addr }];
      patients.push(patient);
    }
  }
  return { patients, truth };
}
