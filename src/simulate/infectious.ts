/**
 * Notifiable infectious diseases: daily Poisson counts per village and age band with seasonality and
 * day-of-week effects, plus injected outbreaks (the ground truth for outbreak detection, issue 5).
 *
 * Baseline incidences (per 100,000 per year, reported cases) follow China's notifiable-disease
 * statistics (NHC Statistical Bulletin 2019: HFMD 137, mumps 21.8, TB 55.6, scarlet fever 5.9) and
 * Zhejiang CDC surveillance for influenza, other infectious diarrhoea (norovirus) and varicella;
 * age distributions and seasonal peaks from the CIDARS literature (Yang W et al., Emerg Infect Dis 2011).
 */
import { condition, encounter } from './fhir.js';
import type { District, Village } from './district.js';
import type { EventContext } from './chronic-care.js';
import { patientIdAt } from './care-events.js';
import { dayToIso } from './options.js';
import type { Resident } from './patient.js';
import type { Rng } from './random.js';

export type DiseaseKey = 'influenza' | 'hfmd' | 'norovirus' | 'chickenpox' | 'mumps' | 'tuberculosis' | 'scarlet-fever';

export interface Disease {
  key: DiseaseKey;
  icd10: string;
  name: string;
  /** Incidence per 100,000 per year in age bands 0–4, 5–14, 15–64, 65+. */
  incidence: readonly [number, number, number, number];
  /** Seasonal baseline and peaks [day of year, relative height, concentration κ (von Mises)]. */
  season: { base: number; peaks: readonly (readonly [number, number, number])[] };
  /** Outbreak: relative frequency, duration range (days), extra-case range. */
  outbreak?: { weight: number; days: readonly [number, number]; cases: readonly [number, number] };
}

export const DISEASES: readonly Disease[] = [
  { key: 'influenza', icd10: 'J11.1', name: '流行性感冒', incidence: [2500, 2000, 300, 400], season: { base: 0.2, peaks: [[15, 1, 4], [200, 0.3, 6]] }, outbreak: { weight: 0.2, days: [10, 21], cases: [15, 35] } },
  { key: 'hfmd', icd10: 'B08.4', name: '手足口病', incidence: [2500, 300, 5, 0], season: { base: 0.15, peaks: [[140, 1, 5], [290, 0.5, 6]] }, outbreak: { weight: 0.3, days: [14, 28], cases: [8, 20] } },
  { key: 'norovirus', icd10: 'A08.1', name: '诺如病毒感染（其他感染性腹泻）', incidence: [800, 150, 60, 80], season: { base: 0.3, peaks: [[340, 1, 3]] }, outbreak: { weight: 0.25, days: [4, 8], cases: [15, 40] } },
  { key: 'chickenpox', icd10: 'B01.9', name: '水痘', incidence: [150, 600, 20, 5], season: { base: 0.2, peaks: [[350, 1, 5], [140, 0.6, 6]] }, outbreak: { weight: 0.12, days: [14, 35], cases: [8, 20] } },
  { key: 'mumps', icd10: 'B26.9', name: '流行性腮腺炎', incidence: [40, 120, 3, 0], season: { base: 0.3, peaks: [[150, 1, 4]] }, outbreak: { weight: 0.08, days: [14, 35], cases: [5, 12] } },
  { key: 'tuberculosis', icd10: 'A15.0', name: '肺结核', incidence: [2, 5, 45, 120], season: { base: 0.8, peaks: [[90, 0.3, 2]] } },
  { key: 'scarlet-fever', icd10: 'A38', name: '猩红热', incidence: [30, 40, 0.3, 0], season: { base: 0.2, peaks: [[140, 1, 5], [340, 0.6, 5]] }, outbreak: { weight: 0.05, days: [10, 21], cases: [4, 10] } },
];

/** Reporting by weekday, Sunday first: fewer visits at weekends (CIDARS day-of-week effect). */
const DOW = [0.8, 1.2, 1.1, 1.05, 1.0, 1.0, 0.85];

/** 365-entry seasonal multipliers with mean 1. */
function seasonTable(d: Disease): Float64Array {
  const t = new Float64Array(365);
  let sum = 0;
  for (let doy = 0; doy < 365; doy++) {
    let v = d.season.base;
    for (const [peak, height, kappa] of d.season.peaks) v += height * Math.exp(kappa * (Math.cos((2 * Math.PI * (doy - peak)) / 365) - 1));
    t[doy] = v;
    sum += v;
  }
  for (let doy = 0; doy < 365; doy++) t[doy] *= 365 / sum;
  return t;
}
const SEASONS = new Map(DISEASES.map((d) => [d.key, seasonTable(d)]));

/** Day of year (0-based) and weekday of a day number. */
function doyOf(day: number): number {
  const iso = dayToIso(day);
  const jan1 = Date.UTC(Number(iso.slice(0, 4)), 0, 1) / 86_400_000;
  return Math.min(364, day - jan1);
}

export interface PlannedOutbreak {
  disease: Disease;
  village: Village;
  startDay: number;
  /** Inclusive last day. */
  endDay: number;
  plannedCases: number;
}

/**
 * Chooses where and when outbreaks happen (district stream, before any village is generated).
 * Outbreaks start after a baseline period (min(1 year, half the span)) so detectors have history.
 */
export function planOutbreaks(rng: Rng, d: District, count: number, startDay: number, endDay: number): PlannedOutbreak[] {
  const candidates = DISEASES.filter((x) => x.outbreak);
  const weights = candidates.map((x) => x.outbreak?.weight ?? 0);
  const popWeights = d.villages.map((v) => v.population);
  const baseline = Math.min(365, Math.floor((endDay - startDay) / 2));
  const out: PlannedOutbreak[] = [];
  for (let i = 0; i < count; i++) {
    const disease = candidates[rng.categorical(weights)];
    const spec = disease.outbreak as NonNullable<Disease['outbreak']>;
    const length = rng.int(spec.days[0], spec.days[1]);
    const first = startDay + baseline;
    const last = Math.max(first, endDay - length);
    // Outbreaks follow the disease's season: rejection sampling against the seasonal curve.
    const season = SEASONS.get(disease.key) as Float64Array;
    const peak = Math.max(...season);
    let s = rng.int(first, last);
    for (let attempt = 0; attempt < 30 && !rng.chance(season[doyOf(s)] / peak); attempt++) s = rng.int(first, last);
    const village = d.villages[rng.categorical(popWeights)];
    out.push({ disease, village, startDay: s, endDay: Math.min(endDay - 1, s + length - 1), plannedCases: rng.int(spec.cases[0], spec.cases[1]) });
  }
  return out.sort((a, b) => a.village.index - b.village.index || a.startDay - b.startDay);
}

export interface InfectionCase {
  disease: Disease;
  /** Day of diagnosis at the clinic. */
  day: number;
  outbreak: boolean;
}

function band(age: number): number {
  return age < 5 ? 0 : age < 15 ? 1 : age < 65 ? 2 : 3;
}

/**
 * Simulates the village's cases over the whole period and attaches them to residents.
 * @returns realised outbreaks (with the number of extra cases actually placed) for the truth table
 */
export function villageInfections(
  rng: Rng,
  residents: Resident[],
  outbreaks: readonly PlannedOutbreak[],
  startDay: number,
  endDay: number,
  cases: Map<Resident, InfectionCase[]>,
): { outbreak: PlannedOutbreak; extraCases: number }[] {
  const bands: Resident[][] = [[], [], [], []];
  for (const r of residents) bands[band(r.person.age)].push(r);
  const add = (r: Resident, c: InfectionCase): boolean => {
    if (r.health.deathDay !== undefined && r.health.deathDay <= c.day) return false;
    const list = cases.get(r) ?? [];
    list.push(c);
    cases.set(r, list);
    return true;
  };
  const doys = new Int16Array(Math.max(0, endDay - startDay));
  for (let day = startDay; day < endDay; day++) doys[day - startDay] = doyOf(day);
  for (const disease of DISEASES) {
    const season = SEASONS.get(disease.key) as Float64Array;
    const rates = disease.incidence.map((inc, b) => (inc / 100_000 / 365) * bands[b].length);
    const total = rates.reduce((s, x) => s + x, 0);
    if (total === 0) continue;
    for (let day = startDay; day < endDay; day++) {
      const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      const k = rng.poisson(total * season[doys[day - startDay]] * DOW[weekday]);
      for (let i = 0; i < k; i++) {
        const group = bands[rng.categorical(rates)];
        if (group.length > 0) add(rng.pick(group), { disease, day, outbreak: false });
      }
    }
  }
  const realised: { outbreak: PlannedOutbreak; extraCases: number }[] = [];
  for (const o of outbreaks) {
    const rates = o.disease.incidence.map((inc, b) => inc * bands[b].length);
    const eligible = rates.reduce((s, x) => s + x, 0) > 0;
    let placed = 0;
    const length = o.endDay - o.startDay + 1;
    for (let i = 0; i < o.plannedCases && eligible; i++) {
      // Triangular epidemic curve peaking a third of the way into the window.
      const day = o.startDay + Math.min(length - 1, Math.floor(triangular(rng, 0, length, length / 3)));
      const group = bands[rng.categorical(rates)];
      if (group.length > 0 && add(rng.pick(group), { disease: o.disease, day, outbreak: true })) placed++;
    }
    realised.push({ outbreak: o, extraCases: placed });
  }
  return realised;
}

function triangular(rng: Rng, a: number, b: number, c: number): number {
  const u = rng.float();
  const f = (c - a) / (b - a);
  return u < f ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
}

/** Encounter + notifiable Condition for each of a resident's cases (reported same day, ~5 % late). */
export function infectionEvents(ctx: EventContext, r: Resident, list: readonly InfectionCase[], d: District): void {
  const rng = ctx.rng;
  for (const c of list) {
    const facility = rng.chance(0.6) ? r.village.centre : d.hospital;
    const staff = facility.staff.length > 0 ? rng.pick(facility.staff) : undefined;
    const pid = patientIdAt(r, facility);
    const encId = ctx.nextId();
    ctx.out.push(encounter({ id: encId, patientId: pid, kind: 'infectious-case', facility, staff, day: c.day, minutes: rng.int(8 * 60, 20 * 60) }));
    const late = rng.chance(0.05) ? rng.int(2, 5) : 0;
    ctx.out.push(condition({
      id: ctx.nextId(), patientId: pid, encounterId: encId, code: c.disease.icd10, display: c.disease.name,
      onsetDay: c.day - rng.int(0, 3), recordedDay: Math.min(ctx.endDay - 1, c.day + late), notifiable: true, recorder: staff,
    }));
  }
}
