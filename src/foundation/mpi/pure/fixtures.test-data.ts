/**
 * A small hand-made register of Chinese patients with the faults the MPI must survive: typos,
 * homophone characters (张伟/章伟), pinyin-only names, traditional characters, 15-digit legacy IDs,
 * IDs with a keying error, day/month transposition, changed phones, and hard non-matches
 * (same common name and close birth date, twins sharing a household). Test data only.
 */
import type { Patient } from '@medplum/fhirtypes';
import { INSURANCE_ID_SYSTEM, RESIDENT_ID_SYSTEM } from '../../fhir/index.js';
import { generateResidentId } from './resident-id.js';

interface Spec {
  id: string;
  /** Person label: records with the same label are the same resident. */
  person: string;
  name?: string | { family: string; given: string[] };
  dob?: string;
  sex?: 'male' | 'female';
  rid?: string;
  phone?: string;
  addr?: string;
  ins?: string;
}

const rid = (region: string, dob: string, seq: number, sex: 'male' | 'female') =>
  generateResidentId({ regionCode: region, birthDate: dob, sequence: seq, sex });

/** 15-digit legacy form of an 18-digit ID of someone born in the 1900s. */
const legacy = (id18: string) => id18.slice(0, 6) + id18.slice(8, 17);

const ZW = rid('330109', '1975-04-12', 8, 'male');
const WXY = rid('330109', '1956-11-03', 21, 'female');
const OYM = rid('330108', '1990-01-15', 3, 'male');
const LN = rid('330109', '1988-07-07', 40, 'female');
const LJG = rid('330109', '1949-10-01', 5, 'male');
const CJ = rid('330106', '1992-02-29', 12, 'female');
const HL = rid('330109', '1970-12-08', 30, 'female');
const AYG = rid('650102', '1995-06-18', 7, 'female');
const SMG = rid('330109', '1960-08-08', 2, 'male');
const ZL = rid('330110', '1985-03-30', 9, 'male');
// The ID of 李娜 with the 12th digit mistyped: fails the checksum, kept as sent.
const LN_TYPO = LN.slice(0, 11) + String((Number(LN[11]) + 1) % 10) + LN.slice(12);

const V1 = '浙江省杭州市萧山区城厢街道城河村3组';
const V2 = '浙江省杭州市萧山区新塘街道涝湖村5组';
const V3 = '浙江省杭州市萧山区瓜沥镇东恩村2组';

const SPECS: Spec[] = [
  // 张伟: characters + ID; homophone 章伟 without ID; pinyin-only with legacy ID and a new phone
  { id: 'zw-a', person: 'zw', name: '张伟', dob: '1975-04-12', sex: 'male', rid: ZW, phone: '13812345678', addr: V1 },
  { id: 'zw-b', person: 'zw', name: '章伟', dob: '1975-04-12', sex: 'male', phone: '138 1234 5678', addr: V1 },
  { id: 'zw-c', person: 'zw', name: 'Zhang Wei', dob: '1975-04-12', sex: 'male', rid: legacy(ZW), phone: '13998765432' },
  // 王秀英: day and month transposed, no ID on the second record
  { id: 'wxy-a', person: 'wxy', name: '王秀英', dob: '1956-11-03', sex: 'female', rid: WXY, phone: '13700001111', addr: V2 },
  { id: 'wxy-b', person: 'wxy', name: '王秀英', dob: '1956-03-11', sex: 'female', phone: '13700001111', addr: V2 },
  // 欧阳明: compound surname, once in pinyin (family/given parts)
  { id: 'oym-a', person: 'oym', name: '欧阳明', dob: '1990-01-15', sex: 'male', rid: OYM, phone: '15857100001' },
  { id: 'oym-b', person: 'oym', name: { family: 'Ouyang', given: ['Ming'] }, dob: '1990-01-15', sex: 'male', phone: '+86 158-5710-0001' },
  // 李娜: ID with a keying error on the second record
  { id: 'ln-a', person: 'ln', name: '李娜', dob: '1988-07-07', sex: 'female', rid: LN, phone: '13600002222', addr: V1, ins: 'ZJ330100123456' },
  { id: 'ln-b', person: 'ln', name: '李娜', dob: '1988-07-07', sex: 'female', rid: LN_TYPO, phone: '13600002222' },
  // 刘建国: legacy 15-digit ID at the village clinic, 18-digit at the hospital, phone changed
  { id: 'ljg-a', person: 'ljg', name: '刘建国', dob: '1949-10-01', sex: 'male', rid: legacy(LJG), phone: '13500003333', addr: V3 },
  { id: 'ljg-b', person: 'ljg', name: '刘建国', dob: '1949-10-01', sex: 'male', rid: LJG, phone: '18900004444', addr: V3 },
  // 陈静: traditional characters on the second record
  { id: 'cj-a', person: 'cj', name: '陈静', dob: '1992-02-29', sex: 'female', rid: CJ, phone: '13300005555' },
  { id: 'cj-b', person: 'cj', name: '陳靜', dob: '1992-02-29', sex: 'female', phone: '13300005555' },
  // 杨洋: birth-day typo, no ID anywhere
  { id: 'yy-a', person: 'yy', name: '杨洋', dob: '2001-05-20', sex: 'male', phone: '17700006666', addr: V2 },
  { id: 'yy-b', person: 'yy', name: '杨洋', dob: '2001-05-26', sex: 'male', phone: '17700006666', addr: V2 },
  // 黄丽: homophone given name 莉, new phone, same ID
  { id: 'hl-a', person: 'hl', name: '黄丽', dob: '1970-12-08', sex: 'female', rid: HL, phone: '13100007777' },
  { id: 'hl-b', person: 'hl', name: '黄莉', dob: '1970-12-08', sex: 'female', rid: HL, phone: '13100008888' },
  // 赵磊: pinyin in capitals, +86 phone
  { id: 'zl-a', person: 'zl', name: '赵磊', dob: '1985-03-30', sex: 'male', rid: ZL, phone: '15000009999' },
  { id: 'zl-b', person: 'zl', name: 'ZHAO LEI', dob: '1985-03-30', sex: 'male', phone: '0086 150 0000 9999' },
  // 阿依古丽·买买提: middle dot dropped on the second record
  { id: 'ayg-a', person: 'ayg', name: '阿依古丽·买买提', dob: '1995-06-18', sex: 'female', rid: AYG, phone: '13999001122' },
  { id: 'ayg-b', person: 'ayg', name: '阿依古丽买买提', dob: '1995-06-18', sex: 'female', phone: '13999001122' },
  // 司马光: landline only on the second record
  { id: 'smg-a', person: 'smg', name: '司马光', dob: '1960-08-08', sex: 'male', rid: SMG, phone: '13800110011', addr: V1 },
  { id: 'smg-b', person: 'smg', name: '司马光', dob: '1960-08-08', sex: 'male', phone: '0571-82345678', addr: V1 },
  // 周杰: adjacent digits of the phone swapped, no ID
  { id: 'zj-a', person: 'zj', name: '周杰', dob: '1979-01-18', sex: 'male', phone: '18600112233', addr: V3 },
  { id: 'zj-b', person: 'zj', name: '周杰', dob: '1979-01-18', sex: 'male', phone: '18600112323', addr: V3 },
  // Hard non-matches
  { id: 'zw2', person: 'zw2', name: '张伟', dob: '1982-09-03', sex: 'male', rid: rid('330109', '1982-09-03', 4, 'male'), phone: '13855550000', addr: V2 },
  { id: 'zw3', person: 'zw3', name: '张伟', dob: '1975-04-21', sex: 'male', rid: rid('330109', '1975-04-21', 6, 'male'), phone: '13612340000', addr: V3 },
  { id: 'wxy2', person: 'wxy2', name: '王秀英', dob: '1956-11-30', sex: 'female', rid: rid('330109', '1956-11-30', 11, 'female'), phone: '13722223333', addr: V3 },
  { id: 'll-twin', person: 'll', name: '李丽', dob: '1988-07-07', sex: 'female', rid: rid('330109', '1988-07-07', 41, 'female'), phone: '13600002222', addr: V1 },
  { id: 'ljh', person: 'ljh', name: '刘建华', dob: '1949-10-01', sex: 'male', rid: rid('330109', '1949-10-01', 6, 'male'), phone: '13588887777', addr: V1 },
  { id: 'yy2', person: 'yy2', name: '杨阳', dob: '2003-05-20', sex: 'female', phone: '17711112222', addr: V1 },
  { id: 'ssh', person: 'ssh', name: '孙丽华', dob: '1966-02-14', sex: 'female', rid: rid('330109', '1966-02-14', 1, 'female'), phone: '13011112222' },
  { id: 'mj', person: 'mj', name: '马军', dob: '1971-07-01', sex: 'male', phone: '13022223333', addr: V2 },
  { id: 'hm', person: 'hm', name: '胡敏', dob: '1983-11-11', sex: 'female', rid: rid('330109', '1983-11-11', 2, 'female') },
  { id: 'gq', person: 'gq', name: 'Guo Qiang', dob: '1990-10-10', sex: 'male', phone: '13233334444' },
  { id: 'hp', person: 'hp', name: '何平', sex: 'male', phone: '13344445555' },
  { id: 'noname', person: 'noname', dob: '1975-04-12', sex: 'male', rid: 'not-an-id' },
];

function toPatient(s: Spec): Patient {
  const p: Patient = { resourceType: 'Patient', id: s.id };
  if (typeof s.name === 'string') p.name = [{ text: s.name }];
  else if (s.name) p.name = [{ family: s.name.family, given: s.name.given }];
  if (s.dob) p.birthDate = s.dob;
  if (s.sex) p.gender = s.sex;
  const ids = [];
  if (s.rid) ids.push({ system: RESIDENT_ID_SYSTEM, value: s.rid });
  if (s.ins) ids.push({ system: INSURANCE_ID_SYSTEM, value: s.ins });
  if (ids.length) p.identifier = ids;
  if (s.phone) p.telecom = [{ system: 'phone', value: s.phone }];
  if (s.addr) p.address = [{ use: 'home', text: s.addr }];
  return p;
}

/** The register as FHIR Patients. */
export const REGISTER: Patient[] = SPECS.map(toPatient);
/** Person label by Patient id (ground truth). */
export const TRUTH: ReadonlyMap<string, string> = new Map(SPECS.map((s) => [s.id, s.person]));
