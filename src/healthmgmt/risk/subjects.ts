/**
 * The JSON contract of `healthy-brain risk --model <china-par|pce|cdrs> --input subjects.json`
 * (issue 7): an array of subjects in, an array of `{ risk, category, score?, outOfRange? }` out.
 * Pure. Cholesterol comes in mmol/L (PCE converts with 1 mmol/L = 38.67 mg/dL; China-PAR with its own
 * 0.0259). A missing or mistyped field is an Error naming it (`subjects[2].hdl is required`); a value
 * outside a model's validated range is scored and named in `outOfRange`. China-PAR results also carry
 * `lifetimeAssessmentIndicated` (2019 guideline: age 20–59, 10-year risk < 10 %) and `lifetimeRisk: null`,
 * because the lifetime equations are not implemented (docs/risk-models.md); where the lipid and
 * primary-prevention guidelines' risk-factor rule applies (10-year risk intermediate, age < 55) they carry
 * `lifetimeRiskHigh` and `lifetimeRiskFactors` (optional subject fields `bmi` and `diastolic` feed it).
 */
import {
  chinaPar10YearRisk,
  chineseDiabetesRiskScore,
  lifetimeRiskByFactors,
  cholesterolMmolLToMgDl,
  pooledCohort10YearRisk,
  type ChinaParCoefficientSet,
} from './models/index.js';

export type EquationName = 'china-par' | 'pce' | 'cdrs';
export const EQUATIONS: readonly EquationName[] = ['china-par', 'pce', 'cdrs'];

export interface EquationResult {
  /** 10-year risk 0..1 (null for CDRS, a points score without a probability). */
  risk: number | null;
  category: string;
  /** CDRS points (0–51). */
  score?: number;
  outOfRange?: string[];
  /** China-PAR only: the guideline asks for a lifetime-risk assessment, which is not computed here. */
  lifetimeAssessmentIndicated?: boolean;
  /** China-PAR only: always null (no published lifetime equations). */
  lifetimeRisk?: null;
  /**
   * China-PAR, 10-year risk intermediate and age < 55 only: the guidelines' lifetime rule (≥ 2 of 5 risk
   * factors, models/lifetime-risk-factors.ts); null when a missing `bmi` or `diastolic` could decide it.
   */
  lifetimeRiskHigh?: boolean | null;
  /** The lifetime risk factors present, with `lifetimeRiskHigh`. */
  lifetimeRiskFactors?: string[];
}

/** Options of the equations; `chinaParCoefficients` defaults to `paper-example` (CHINA_PAR_DEFAULT_COEFFICIENTS). */
export interface ScoreOptions {
  chinaParCoefficients?: ChinaParCoefficientSet;
}

type Subject = Record<string, unknown>;

class Fields {
  constructor(
    private readonly s: Subject,
    private readonly where: string,
  ) {}
  private present(name: string): unknown {
    const v = this.s[name];
    if (v === undefined || v === null) throw new Error(`${this.where}.${name} is required`);
    return v;
  }
  /** A positive number, or undefined when the field is absent. */
  optionalNumber(name: string): number | undefined {
    return this.s[name] === undefined || this.s[name] === null ? undefined : this.number(name);
  }
  number(name: string): number {
    const v = this.present(name);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${this.where}.${name} must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  }
  bool(name: string, fallback?: boolean): boolean {
    if (fallback !== undefined && (this.s[name] === undefined || this.s[name] === null)) return fallback;
    const v = this.present(name);
    if (typeof v !== 'boolean') throw new Error(`${this.where}.${name} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.present(name);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new Error(`${this.where}.${name} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }
}

const withRange = (r: EquationResult, outOfRange: readonly string[]): EquationResult => (outOfRange.length > 0 ? { ...r, outOfRange: [...outOfRange] } : r);

/** Scores one subject with one equation; throws an Error naming the first bad field. */
export function scoreSubject(model: EquationName, subject: unknown, where = 'subjects[0]', options: ScoreOptions = {}): EquationResult {
  if (!subject || typeof subject !== 'object' || Array.isArray(subject)) throw new Error(`${where} must be an object`);
  const f = new Fields(subject as Subject, where);
  const sex = f.oneOf('sex', ['male', 'female'] as const);
  if (model === 'cdrs') {
    const r = chineseDiabetesRiskScore({ ageYears: f.number('age'), sex, waistCm: f.number('waist'), bmiKgM2: f.number('bmi'), sbpMmHg: f.number('systolic'), familyHistoryDiabetes: f.bool('familyHistoryDiabetes') });
    return withRange({ risk: null, category: r.category, score: r.score }, r.outOfRange);
  }
  if (model === 'pce') {
    const r = pooledCohort10YearRisk({
      sex,
      race: f.oneOf('race', ['white', 'african-american', 'other'] as const),
      ageYears: f.number('age'),
      tcMgDl: cholesterolMmolLToMgDl(f.number('totalCholesterol')),
      hdlMgDl: cholesterolMmolLToMgDl(f.number('hdl')),
      sbpMmHg: f.number('systolic'),
      bpTreated: f.bool('bpTreated'),
      currentSmoker: f.bool('smoker'),
      diabetes: f.bool('diabetes'),
    });
    return withRange({ risk: r.risk, category: r.category }, r.outOfRange);
  }
  // China-PAR: urban residence and family history enter the men's equation only (women: default false).
  const male = sex === 'male';
  const input = {
    sex,
    ageYears: f.number('age'),
    sbpMmHg: f.number('systolic'),
    bpTreated: f.bool('bpTreated'),
    tcMmolL: f.number('totalCholesterol'),
    hdlMmolL: f.number('hdl'),
    waistCm: f.number('waist'),
    currentSmoker: f.bool('smoker'),
    diabetes: f.bool('diabetes'),
    region: f.oneOf('region', ['north', 'south'] as const),
    urban: f.bool('urban', male ? undefined : false),
    familyHistoryAscvd: f.bool('familyHistory', male ? undefined : false),
    coefficients: options.chinaParCoefficients,
  };
  const r = chinaPar10YearRisk(input);
  const result: EquationResult = { ...withRange({ risk: r.risk, category: r.category }, r.outOfRange), lifetimeAssessmentIndicated: r.lifetimeAssessmentIndicated, lifetimeRisk: null };
  const lifetime = lifetimeRiskByFactors({ ...input, tenYearCategory: r.category, dbpMmHg: f.optionalNumber('diastolic'), bmiKgM2: f.optionalNumber('bmi') });
  return lifetime.applies ? { ...result, lifetimeRiskHigh: lifetime.high, lifetimeRiskFactors: [...lifetime.factors] } : result;
}

/** Scores a parsed JSON array of subjects. */
export function scoreSubjects(model: EquationName, subjects: unknown, options: ScoreOptions = {}): EquationResult[] {
  if (!Array.isArray(subjects)) throw new Error('input must be a JSON array of subjects');
  return subjects.map((s, i) => scoreSubject(model, s, `subjects[${i}]`, options));
}
