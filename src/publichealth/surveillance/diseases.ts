/**
 * The configurable list of notifiable diseases and syndromes (pure data and validation).
 *
 * Classes A, B and C: Law of the PRC on the Prevention and Control of Infectious Diseases (2004,
 * amended 2013), art. 3, with the later listings (HFMD class C 2008, H7N9 class B 2013, COVID-19
 * class B 2023, mpox class B 2023). Report deadlines: National Infectious Disease Information
 * Reporting Management Standard (传染病信息报告管理规范, 2015), §4.3 — class A diseases and the class B
 * diseases managed as class A (pulmonary anthrax, SARS) within 2 hours; other class B and C cases
 * within 24 hours of diagnosis. Codes are ICD-10 prefixes (GB/T 14396); the longest prefix wins.
 *
 * Detection (which method at which org level) follows docs/surveillance.md: CIDARS' fixed threshold
 * (one case is a signal) for class A and managed-as-A diseases (Yang W. et al. 2011, WPSAR 2(1):10),
 * glrnb with n >= 2 per village and glrnb per town for the outbreak-prone diseases (the evaluation's
 * best single configurations), EWMA per town for syndromes.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isMethodName, METHOD_NAMES, type DetectorParams, type MethodName } from '../detectors/index.js';

export type DiseaseClass = 'A' | 'B' | 'C' | 'other';
/** Org levels by code length: district 6, town 9, village 12 characters. */
export type OrgLevel = 'district' | 'town' | 'village';
export const LEVEL_LENGTH: Record<OrgLevel, number> = { district: 6, town: 9, village: 12 };

/**
 * `fixed`: CIDARS fixed threshold — a signal when the day's count reaches `threshold` (default 1).
 * `scan`: Kulldorff's prospective space-time permutation scan across the org units of the level
 * (CIDARS' space-time method; scan-run.ts): `alpha` is the p-value cut (default 0.05), `baseline` the
 * longest cluster in days (default 7), `historyDays` the study period (default 56).
 */
export type SurveillanceMethod = MethodName | 'fixed' | 'scan';

export interface DetectionConfig {
  readonly level: OrgLevel;
  readonly method: SurveillanceMethod;
  /** Generic detector parameters (as `healthy-brain detect` flags); `threshold` for `fixed`. */
  readonly params?: Omit<DetectorParams, 'range' | 'startWeekday'> & { readonly threshold?: number };
  /** An alarm only becomes a signal when the compared count reaches this (docs/surveillance.md "n≥k"). */
  readonly minCount?: number;
  /** Days of history given to the method (default per method, see `historyDays`). */
  readonly historyDays?: number;
}

export interface DiseaseDefinition {
  /** Stable key (used in signals and the API). */
  readonly key: string;
  readonly name: string;
  /** `case`: notifiable case reports; `syndrome`: encounter diagnoses (syndromic surveillance). */
  readonly kind: 'case' | 'syndrome';
  /** Legal class (cases only). */
  readonly class?: DiseaseClass;
  /** ICD-10 code prefixes. */
  readonly icd10: readonly string[];
  /** Hours from diagnosis within which the case must be reported (cases only). */
  readonly deadlineHours?: number;
  readonly detection: readonly DetectionConfig[];
}

export type DiseaseList = readonly DiseaseDefinition[];

const FIXED: DetectionConfig[] = [{ level: 'village', method: 'fixed', params: { threshold: 1 } }];
const OUTBREAK: DetectionConfig[] = [
  { level: 'village', method: 'glrnb', minCount: 2 },
  { level: 'town', method: 'glrnb' },
];
const SYNDROME: DetectionConfig[] = [{ level: 'town', method: 'ewma', minCount: 3 }];

function c(key: string, name: string, cls: DiseaseClass, icd10: string[], detection: DetectionConfig[] = [], deadlineHours = 24): DiseaseDefinition {
  return { key, name, kind: 'case', class: cls, icd10, deadlineHours, detection };
}

/** The default list: the statutory diseases (plus chickenpox, monitored by most provinces) and three syndromes. */
export const DEFAULT_DISEASES: DiseaseList = [
  // Class A (甲类): 2 hours, one case is a signal.
  c('plague', '鼠疫 plague', 'A', ['A20'], FIXED, 2),
  c('cholera', '霍乱 cholera', 'A', ['A00'], FIXED, 2),
  // Class B managed as class A: 2 hours.
  c('sars', '传染性非典型肺炎 SARS', 'B', ['U04'], FIXED, 2),
  c('pulmonary-anthrax', '肺炭疽 pulmonary anthrax', 'B', ['A22.1'], FIXED, 2),
  // Class B (乙类): 24 hours.
  c('covid-19', '新型冠状病毒感染 COVID-19', 'B', ['U07.1']),
  c('hiv', '艾滋病 HIV/AIDS', 'B', ['B20', 'B21', 'B22', 'B23', 'B24']),
  c('viral-hepatitis', '病毒性肝炎 viral hepatitis', 'B', ['B15', 'B16', 'B17', 'B18', 'B19']),
  c('polio', '脊髓灰质炎 poliomyelitis', 'B', ['A80'], FIXED),
  c('avian-influenza', '人感染高致病性禽流感 human avian influenza', 'B', ['J09'], FIXED),
  c('measles', '麻疹 measles', 'B', ['B05'], OUTBREAK),
  c('hfrs', '流行性出血热 HFRS', 'B', ['A98.5']),
  c('rabies', '狂犬病 rabies', 'B', ['A82']),
  c('japanese-encephalitis', '流行性乙型脑炎 Japanese encephalitis', 'B', ['A83.0']),
  c('dengue', '登革热 dengue', 'B', ['A90', 'A91'], OUTBREAK),
  c('anthrax', '炭疽 anthrax', 'B', ['A22']),
  c('dysentery', '细菌性和阿米巴性痢疾 dysentery', 'B', ['A03', 'A06'], OUTBREAK),
  c('tuberculosis', '肺结核 tuberculosis', 'B', ['A15', 'A16', 'A17', 'A18', 'A19']),
  c('typhoid', '伤寒和副伤寒 typhoid and paratyphoid', 'B', ['A01'], OUTBREAK),
  c('meningococcal', '流行性脑脊髓膜炎 meningococcal meningitis', 'B', ['A39'], OUTBREAK),
  c('pertussis', '百日咳 pertussis', 'B', ['A37'], OUTBREAK),
  c('diphtheria', '白喉 diphtheria', 'B', ['A36'], FIXED),
  c('neonatal-tetanus', '新生儿破伤风 neonatal tetanus', 'B', ['A33']),
  c('scarlet-fever', '猩红热 scarlet fever', 'B', ['A38'], OUTBREAK),
  c('brucellosis', '布鲁氏菌病 brucellosis', 'B', ['A23']),
  c('gonorrhoea', '淋病 gonorrhoea', 'B', ['A54']),
  c('syphilis', '梅毒 syphilis', 'B', ['A50', 'A51', 'A52', 'A53']),
  c('leptospirosis', '钩端螺旋体病 leptospirosis', 'B', ['A27']),
  c('schistosomiasis', '血吸虫病 schistosomiasis', 'B', ['B65']),
  c('malaria', '疟疾 malaria', 'B', ['B50', 'B51', 'B52', 'B53', 'B54']),
  c('mpox', '猴痘 mpox', 'B', ['B04']),
  // Class C (丙类): 24 hours.
  c('influenza', '流行性感冒 influenza', 'C', ['J10', 'J11'], OUTBREAK),
  c('mumps', '流行性腮腺炎 mumps', 'C', ['B26'], OUTBREAK),
  c('rubella', '风疹 rubella', 'C', ['B06'], OUTBREAK),
  c('acute-haemorrhagic-conjunctivitis', '急性出血性结膜炎 acute haemorrhagic conjunctivitis', 'C', ['B30.3'], OUTBREAK),
  c('leprosy', '麻风病 leprosy', 'C', ['A30']),
  c('typhus', '斑疹伤寒 typhus', 'C', ['A75']),
  c('kala-azar', '黑热病 kala-azar', 'C', ['B55.0']),
  c('echinococcosis', '包虫病 echinococcosis', 'C', ['B67']),
  c('filariasis', '丝虫病 filariasis', 'C', ['B74']),
  c('norovirus', '其他感染性腹泻病 other infectious diarrhoea', 'C', ['A02', 'A04', 'A05', 'A07', 'A08', 'A09'], OUTBREAK),
  c('hfmd', '手足口病 hand, foot and mouth disease', 'C', ['B08.4'], OUTBREAK),
  // Not statutory nationally, reported by most provinces.
  c('chickenpox', '水痘 chickenpox', 'other', ['B01'], OUTBREAK),
  // Syndromes from encounter diagnoses (no report deadline).
  { key: 'ili', name: '流感样病例 influenza-like illness', kind: 'syndrome', icd10: ['J06', 'J09', 'J10', 'J11'], detection: SYNDROME },
  { key: 'acute-diarrhoea', name: '急性腹泻 acute diarrhoea', kind: 'syndrome', icd10: ['A00', 'A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07', 'A08', 'A09', 'K52.9', 'R19.7'], detection: SYNDROME },
  { key: 'fever-rash', name: '发热伴出疹 fever with rash', kind: 'syndrome', icd10: ['B01', 'B05', 'B06', 'B08', 'B09', 'R21'], detection: SYNDROME },
];

/** Days of history a method gets by default: enough for its baseline (R / Rnssp / CIDARS defaults). */
export function historyDays(d: DetectionConfig): number {
  if (d.historyDays !== undefined) return d.historyDays;
  const p = d.params ?? {};
  switch (d.method) {
    case 'fixed':
      return 1;
    case 'scan':
      return 56;
    case 'ears-c1':
    case 'ears-c2':
    case 'ears-c3':
      return (p.baseline ?? 7) + 5;
    case 'ewma':
    case 'regression':
      return (p.baseline ?? 28) + (p.w ?? 2) + 7;
    case 'mpm':
      return ((p.b ?? 3) + 1) * 365 + 7 * ((p.w ?? 1) + 1) + (p.baseline ?? 7);
    case 'farrington':
    case 'farrington-flexible':
    case 'noufaily':
      return ((p.b ?? 5) * 52 + (p.w ?? 3) + 2) * 7;
    case 'cusum':
    case 'glrnb':
      return 2 * 365;
  }
}

/** Weekly methods (the Farrington family, as R's `farrington*` on weekly sts objects). */
export function isWeekly(method: SurveillanceMethod): boolean {
  return method === 'farrington' || method === 'farrington-flexible' || method === 'noufaily';
}

const detectionSchema = z.object({
  level: z.enum(['district', 'town', 'village']),
  method: z.string().refine((m) => m === 'fixed' || m === 'scan' || isMethodName(m), { message: `method must be fixed, scan or one of ${METHOD_NAMES.join(', ')}` }),
  params: z
    .object({
      alpha: z.number().positive().lt(1).optional(),
      baseline: z.number().int().positive().optional(),
      minSigma: z.number().nonnegative().optional(),
      b: z.number().int().positive().optional(),
      w: z.number().int().nonnegative().optional(),
      thresholdMethod: z.enum(['delta', 'nbPlugin', 'muan']).optional(),
      k: z.number().optional(),
      h: z.number().positive().optional(),
      threshold: z.number().int().positive().optional(),
    })
    .strict()
    .optional(),
  minCount: z.number().int().nonnegative().optional(),
  historyDays: z.number().int().positive().max(20 * 366).optional(),
});

const diseaseSchema = z.object({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'key: lower-case letters, digits and dashes'),
  name: z.string().min(1),
  kind: z.enum(['case', 'syndrome']),
  class: z.enum(['A', 'B', 'C', 'other']).optional(),
  icd10: z.array(z.string().regex(/^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/, 'ICD-10 code prefix like A00 or B08.4')).min(1),
  deadlineHours: z.number().positive().max(24 * 30).optional(),
  detection: z.array(detectionSchema).default([]),
});

/**
 * Validates a disease list (e.g. a JSON file given to `surveillance run --diseases`).
 * @throws Error naming the first bad entry and field
 */
export function parseDiseaseList(value: unknown): DiseaseList {
  const parsed = z.array(diseaseSchema).min(1).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`disease list: ${issue.path.join('.')}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const [i, d] of parsed.data.entries()) {
    if (seen.has(d.key)) throw new Error(`disease list: ${i}.key: duplicate key ${d.key}`);
    seen.add(d.key);
    if (d.kind === 'case' && (!d.class || d.deadlineHours === undefined)) throw new Error(`disease list: ${i}: a case disease needs class and deadlineHours`);
    for (const [j, c] of d.detection.entries()) {
      if (c.method !== 'scan') continue;
      // 999 replications give p-values of 1/1000 and up; a study period no longer than the longest
      // cluster makes every cylinder's expected count its observed one (no signal is possible).
      if (c.params?.alpha !== undefined && c.params.alpha < 0.001) throw new Error(`disease list: ${i}.detection.${j}.params.alpha: a scan's p-value is at least 0.001 (999 replications)`);
      if (historyDays(c as DetectionConfig) <= (c.params?.baseline ?? 7)) throw new Error(`disease list: ${i}.detection.${j}.historyDays: the study period must be longer than the longest cluster (params.baseline, default 7)`);
    }
  }
  return parsed.data as DiseaseList;
}

/**
 * Reads and checks a disease-list file (`surveillance run --diseases FILE`, the server's
 * HB_SURVEILLANCE_DISEASES); throws one line naming the file and the bad entry and field.
 */
export function loadDiseaseList(path: string): DiseaseList {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the disease list (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  try {
    return parseDiseaseList(doc);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** Longest-prefix match of an ICD-10 code among the diseases of one kind (dots kept: "A22.1" beats "A22"). */
export function matchDisease(list: DiseaseList, kind: 'case' | 'syndrome', code: string): DiseaseDefinition[] {
  const upper = code.trim().toUpperCase();
  if (kind === 'syndrome') return list.filter((d) => d.kind === 'syndrome' && d.icd10.some((p) => upper.startsWith(p)));
  let best: DiseaseDefinition | undefined;
  let bestLength = 0;
  for (const d of list) {
    if (d.kind !== 'case') continue;
    for (const p of d.icd10) if (upper.startsWith(p) && p.length > bestLength) [best, bestLength] = [d, p.length];
  }
  return best ? [best] : [];
}
