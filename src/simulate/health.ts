/**
 * A resident's true health: chronic conditions (with awareness, treatment, control), risk factors,
 * acute events (stroke, AMI, cancer) and death. Drawn once per resident; everything the platform
 * later sees (diagnoses, readings, prescriptions) is generated from this truth.
 */
import type { Person } from './population.js';
import type { Rng } from './random.js';
import { ageRate, calibrateAgeTable, type AgeTable, type Rates } from './rates.js';

/** Hypertension or diabetes as the resident really has it. */
export interface ChronicState {
  /** The resident knows (has been diagnosed). */
  aware: boolean;
  /** Day of diagnosis (may precede the simulation). */
  diagnosisDay: number;
  /** Registered in the Basic Public Health Service programme (followed up by the family-doctor team). */
  registered: boolean;
  treated: boolean;
  /** Treated and controlled (BP < 140/90, fasting glucose < 7.0 mmol/L on average). */
  controlled: boolean;
  /** Follow-up behaviour: regular (~quarterly), irregular (long gaps), lost (stops at `lostDay`). */
  pattern: 'regular' | 'irregular' | 'lost';
  lostDay?: number;
  /** Adherent to medicines (refills on time) or not (gaps, stops). */
  adherent: boolean;
}

export type AcuteKind = 'stroke' | 'ami' | 'cancer';

export interface AcuteEvent {
  kind: AcuteKind;
  day: number;
  icd10: string;
  fatal: boolean;
}

export interface RiskFactors {
  smoking: 'current' | 'former' | 'never';
  bmi: number;
  waist: number;
  totalCholesterol: number;
  hdl: number;
  /** Usual (true) blood pressure and fasting glucose around which readings scatter. */
  sbp: number;
  dbp: number;
  glucose: number;
  familyHistoryCvd: boolean;
  familyHistoryDiabetes: boolean;
}

export interface Health {
  hypertension?: ChronicState;
  diabetes?: ChronicState;
  copd?: { aware: boolean; diagnosisDay: number };
  risk: RiskFactors;
  events: AcuteEvent[];
  deathDay?: number;
}

/** Rate tables pre-scaled to the configured crude adult prevalences. */
export interface HealthModel {
  rates: Rates;
  hypertension: AgeTable;
  diabetes: AgeTable;
}

/** Calibrates the age tables once per run. */
export function makeHealthModel(rates: Rates): HealthModel {
  return {
    rates,
    hypertension: calibrateAgeTable(rates.hypertensionByAge, rates.hypertensionAdult),
    diabetes: calibrateAgeTable(rates.diabetesByAge, rates.diabetesAdult),
  };
}

const CANCER_SITES_MALE = ['C34.9', 'C34.9', 'C16.9', 'C22.9', 'C18.9', 'C15.9', 'C61'];
const CANCER_SITES_FEMALE = ['C34.9', 'C50.9', 'C50.9', 'C73', 'C18.9', 'C16.9', 'C53.9'];

function chronic(rng: Rng, p: { aware: number; treated: number; controlled: number; registered: number }, age: number, startDay: number, endDay: number): ChronicState {
  const aware = rng.chance(p.aware);
  // Most diagnoses precede the simulation (up to 15 years, not before 18); ~8 % fall inside it.
  const yearsBack = Math.min(15, Math.max(0, age - 18));
  const diagnosisDay = rng.chance(0.08) ? rng.int(startDay, endDay - 1) : startDay - rng.int(30, Math.max(31, Math.floor(yearsBack * 365)));
  const registered = aware && rng.chance(p.registered);
  const treated = aware && rng.chance(p.treated);
  const controlled = treated && rng.chance(p.controlled);
  const u = rng.float();
  const pattern = u < 0.72 ? 'regular' : u < 0.9 ? 'irregular' : 'lost';
  return {
    aware,
    diagnosisDay,
    registered,
    treated,
    controlled,
    pattern,
    lostDay: pattern === 'lost' ? rng.int(Math.max(startDay, diagnosisDay), endDay) : undefined,
    adherent: rng.chance(controlled ? 0.8 : 0.55),
  };
}

/** Draws the true health of one person over [startDay, endDay). */
export function drawHealth(rng: Rng, m: HealthModel, p: Person, startDay: number, endDay: number): Health {
  const r = m.rates;
  const adult = p.age >= 18;
  const ht = adult && rng.chance(ageRate(m.hypertension, p.age))
    ? chronic(rng, { aware: r.hypertensionAware, treated: r.hypertensionTreatedIfAware, controlled: r.hypertensionControlledIfTreated, registered: r.registeredIfAware }, p.age, startDay, endDay)
    : undefined;
  const dm = adult && rng.chance(ageRate(m.diabetes, p.age))
    ? chronic(rng, { aware: r.diabetesAware, treated: r.diabetesTreatedIfAware, controlled: r.diabetesControlledIfTreated, registered: r.registeredIfAware }, p.age, startDay, endDay)
    : undefined;
  const male = p.sex === 'male';
  const smokingDraw = rng.float();
  const smokeP = p.age < 15 ? 0 : male ? r.smokingMale : r.smokingFemale;
  const smoking = smokingDraw < smokeP ? 'current' : smokingDraw < smokeP * 1.25 && p.age >= 30 ? 'former' : 'never';
  // Adult BMI ~ N(23.6, 3.3) (China Chronic Disease and Risk Factor Surveillance 2018: mean 24.4
  // at 18+ with obesity 16.4 %); higher in hypertension and diabetes. Children: age-appropriate.
  const bmi = adult ? rng.normalClamped(23.4 + (ht ? 1.3 : 0) + (dm ? 1.5 : 0), 3.2, 15, 45) : rng.normalClamped(14.5 + p.age * 0.35, 2, 12, 32);
  const waist = male ? 2.3 * bmi + 28 + rng.normal(0, 4.5) : 2.2 * bmi + 26 + rng.normal(0, 4.5);
  const totalCholesterol = rng.normalClamped(adult ? 4.5 + 0.012 * (p.age - 18) + (dm ? 0.2 : 0) : 4.0, 0.85, 2.2, 9.5);
  const hdl = rng.normalClamped((male ? 1.18 : 1.4) - (dm ? 0.1 : 0) - (bmi > 28 ? 0.08 : 0), 0.28, 0.5, 2.8);
  let sbp: number;
  if (!ht) sbp = Math.min(138, rng.normal(adult ? 106 + 0.35 * (p.age - 18) : 95 + p.age, 9));
  else if (!ht.treated) sbp = rng.normalClamped(152, 11, 141, 200);
  else sbp = ht.controlled ? rng.normalClamped(127, 6, 105, 138) : rng.normalClamped(151, 10, 141, 195);
  const dbp = Math.min(ht && !ht.controlled ? 125 : 89, 0.5 * sbp + 18 + rng.normal(0, 6));
  const glucose = !dm ? rng.normalClamped(5.0, 0.45, 3.9, 6.4) : dm.controlled ? rng.normalClamped(6.2, 0.45, 5.0, 6.9) : rng.normalClamped(9.0, 1.8, 7.1, 18);
  const risk: RiskFactors = {
    smoking,
    bmi: round1(bmi),
    waist: round1(waist),
    totalCholesterol: round2(totalCholesterol),
    hdl: round2(hdl),
    sbp: Math.round(sbp),
    dbp: Math.round(dbp),
    glucose: round1(glucose),
    familyHistoryCvd: rng.chance(r.familyHistoryCvd * (ht ? 1.5 : 0.9)),
    familyHistoryDiabetes: rng.chance(r.familyHistoryDiabetes * (dm ? 2.2 : 0.85)),
  };
  const copd = p.age >= 40 && rng.chance(r.copd40 * (smoking === 'never' ? 0.7 : 1.6))
    ? { aware: rng.chance(r.copdAware), diagnosisDay: startDay - rng.int(30, 3650) }
    : undefined;

  // Acute events and death, one year at a time. Relative risks (hypertension uncontrolled 2.2,
  // controlled 1.4, diabetes 1.8, smoking 1.5) are round figures from China-PAR and the
  // China Kadoorie Biobank; the age tables are divided by ~1.4 so the crude rates stay near the sources.
  const cvRr = (ht ? (ht.controlled ? 1.4 : 2.2) : 1) * (dm ? 1.8 : 1) * (smoking === 'current' ? 1.5 : 1) / 1.4;
  const events: AcuteEvent[] = [];
  let deathDay: number | undefined;
  for (let y0 = startDay; y0 < endDay && deathDay === undefined; y0 += 365) {
    const span = Math.min(365, endDay - y0) / 365;
    const age = p.age + (y0 - startDay) / 365;
    const add = (kind: AcuteKind, rate: number, icd10: string, fatality: number): void => {
      if (!rng.chance(rate * span)) return;
      const day = y0 + rng.int(0, Math.max(0, Math.floor(span * 365) - 1));
      const fatal = rng.chance(fatality);
      events.push({ kind, day, icd10, fatal });
      if (fatal) {
        const d = day + (kind === 'cancer' ? rng.int(60, 540) : rng.int(0, 30));
        if (deathDay === undefined || d < deathDay) deathDay = d;
      }
    };
    add('stroke', ageRate(r.strokeByAge, age) * cvRr, rng.chance(0.82) ? 'I63.9' : 'I61.9', 0.1);
    add('ami', ageRate(r.amiByAge, age) * cvRr * (male ? 1.4 : 0.6), 'I21.9', 0.08);
    add('cancer', ageRate(r.cancerByAge, age) * (smoking === 'current' ? 1.3 : 1), rng.pick(male ? CANCER_SITES_MALE : CANCER_SITES_FEMALE), 0.3);
    if (rng.chance(ageRate(r.mortalityByAge, age) * span)) {
      const d = y0 + rng.int(0, Math.max(0, Math.floor(span * 365) - 1));
      if (deathDay === undefined || d < deathDay) deathDay = d;
    }
  }
  const alive = deathDay === undefined ? events : events.filter((e) => e.day <= (deathDay as number));
  if (deathDay !== undefined && deathDay >= endDay) deathDay = undefined;
  return { hypertension: ht, diabetes: dm, copd, risk, events: alive, deathDay };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
