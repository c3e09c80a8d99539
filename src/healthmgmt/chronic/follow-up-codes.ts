/**
 * Codes of two items of the national follow-up forms — symptoms (症状) and self-reported medication
 * adherence (服药依从性) — with the forms' words. Source: National Basic Public Health Service
 * Standard, 3rd edition (国家基本公共卫生服务规范（第三版）, 2017), 高血压患者随访服务记录表 (symptoms
 * 1–9) and 2型糖尿病患者随访服务记录表 (symptoms 1–9). Pure and import-free: the web form imports it.
 */

/** Symptoms of either form; oedema of the legs is on both (下肢水肿 / 下肢浮肿). */
export const FOLLOW_UP_SYMPTOMS = {
  none: '无症状',
  'headache-dizziness': '头痛头晕',
  'nausea-vomiting': '恶心呕吐',
  'blurred-vision-tinnitus': '眼花耳鸣',
  dyspnoea: '呼吸困难',
  'palpitation-chest-tightness': '心悸胸闷',
  epistaxis: '鼻衄出血不止',
  'limb-numbness': '四肢发麻',
  'leg-oedema': '下肢水肿',
  polydipsia: '多饮',
  polyphagia: '多食',
  polyuria: '多尿',
  'blurred-vision': '视力模糊',
  infection: '感染',
  'hand-foot-numbness': '手脚麻木',
  'weight-loss': '体重明显下降',
  other: '其他',
} as const;
export type FollowUpSymptom = keyof typeof FOLLOW_UP_SYMPTOMS;

/** The symptoms each form lists, in the form's order ("none" and "other" are on both). */
export const FORM_SYMPTOMS: Record<'hypertension' | 'diabetes', readonly FollowUpSymptom[]> = {
  hypertension: ['headache-dizziness', 'nausea-vomiting', 'blurred-vision-tinnitus', 'dyspnoea', 'palpitation-chest-tightness', 'epistaxis', 'limb-numbness', 'leg-oedema'],
  diabetes: ['polydipsia', 'polyphagia', 'polyuria', 'blurred-vision', 'infection', 'hand-foot-numbness', 'leg-oedema', 'weight-loss'],
};

/** 服药依从性: 1 规律, 2 间断, 3 不服药. */
export const MEDICATION_ADHERENCE = { regular: '规律', intermittent: '间断', 'not-taking': '不服药' } as const;
export type MedicationAdherence = keyof typeof MEDICATION_ADHERENCE;
