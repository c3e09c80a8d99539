/**
 * Everyday care outside the chronic programmes: outpatient visits with ICD-10 diagnoses (and
 * opportunistic BP measurement), the BPHS annual health check of the elderly and chronic patients,
 * and specialised-disease events (stroke, AMI, cancer; COPD and diabetes centre visits).
 */
import { LOINC } from '../foundation/fhir/index.js';
import type { CentreKind, Facility } from './district.js';
import { bloodPressure, condition, encounter, icd10, numeric, smokingStatus } from './fhir.js';
import { bpReading, glucoseReading, primaryCareSite, type EventContext } from './chronic-care.js';
import { dayToDateTime } from './options.js';
import type { Resident } from './patient.js';
import { ageRate, type Rates } from './rates.js';
import type { District } from './district.js';

/** The Patient id a facility knows the resident by: its own duplicate registration if it made one. */
export function patientIdAt(r: Resident, facility: Facility): string {
  return r.registrations.get(facility.id) ?? (facility.partOf ? r.registrations.get(facility.partOf.id) : undefined) ?? r.patientId;
}

type Dx = readonly [code: string, display: string, weight: number];
const CHILD_DX: readonly Dx[] = [
  ['J06.9', '急性上呼吸道感染', 45], ['J20.9', '急性支气管炎', 12], ['A09', '感染性腹泻', 10], ['J02.9', '急性咽炎', 10],
  ['L30.9', '皮炎', 8], ['H10.9', '结膜炎', 5], ['K02.9', '龋病', 5], ['R50.9', '发热', 5],
];
const ADULT_DX: readonly Dx[] = [
  ['J06.9', '急性上呼吸道感染', 30], ['J20.9', '急性支气管炎', 8], ['K29.7', '胃炎', 10], ['M54.5', '腰痛', 10], ['R51', '头痛', 5],
  ['L30.9', '皮炎', 7], ['K02.9', '龋病', 5], ['N39.0', '泌尿道感染', 5], ['J02.9', '急性咽炎', 8], ['R10.4', '腹痛', 5],
  ['M17.9', '膝关节病', 7],
];
const CHILD_W = CHILD_DX.map((d) => d[2]);
const ADULT_W = ADULT_DX.map((d) => d[2]);
const ACUTE_RESPIRATORY = new Set(['J06.9', 'J20.9', 'J02.9']);

function randomDay(ctx: EventContext, stop: number): number {
  return ctx.rng.int(ctx.startDay, stop - 1);
}

function lastDay(ctx: EventContext, r: Resident): number {
  return Math.min(ctx.endDay, r.health.deathDay ?? ctx.endDay);
}

/** Outpatient visits: Poisson(rate by age × years), respiratory diagnoses twice as likely in winter. */
export function outpatientVisits(ctx: EventContext, r: Resident, rates: Rates, d: District): void {
  const stop = lastDay(ctx, r);
  if (stop <= ctx.startDay) return;
  const rng = ctx.rng;
  const n = rng.poisson(ageRate(rates.outpatientByAge, r.person.age) * ((stop - ctx.startDay) / 365.25));
  const child = r.person.age < 15;
  for (let i = 0; i < n; i++) {
    let day = randomDay(ctx, stop);
    let dx = child ? CHILD_DX[rng.categorical(CHILD_W)] : ADULT_DX[rng.categorical(ADULT_W)];
    if (ACUTE_RESPIRATORY.has(dx[0])) {
      // Rejection step: acceptance ∝ 1 + cos(2π(doy − 15)/365) / 2 → winter peak (mid-January).
      const doy = (day + 365 * 1000 - 10) % 365;
      if (!rng.chance((1 + 0.5 * Math.cos((2 * Math.PI * (doy - 15)) / 365)) / 1.5)) day = randomDay(ctx, stop);
    }
    const chronicDx = r.health.hypertension?.aware ? (['I10', '原发性高血压', 0] as const) : r.health.diabetes?.aware ? (['E11.9', '2型糖尿病', 0] as const) : undefined;
    if (chronicDx && rng.chance(0.15)) dx = chronicDx;
    const u = rng.float();
    const site = u < 0.55 ? primaryCareSite(rng, r, 1) : u < 0.85 ? primaryCareSite(rng, r, 0) : { facility: d.hospital, staff: rng.pick(d.hospital.staff) };
    const pid = patientIdAt(r, site.facility);
    const encId = ctx.nextId();
    const minutes = rng.int(8 * 60, 17 * 60);
    ctx.out.push(encounter({ id: encId, patientId: pid, kind: 'outpatient', facility: site.facility, staff: site.staff, day, minutes }));
    const resolved = dx[0] !== 'I10' && dx[0] !== 'E11.9' && dx[0] !== 'M17.9' && day + 10 < ctx.endDay ? day + rng.int(5, 14) : undefined;
    ctx.out.push(condition({ id: ctx.nextId(), patientId: pid, encounterId: encId, code: dx[0], display: dx[1], onsetDay: day - rng.int(0, 3), recordedDay: day, resolvedDay: resolved, recorder: site.staff }));
    // Opportunistic BP measurement of adults 35+ (the national first-visit BP policy).
    if (r.person.age >= 35 && rng.chance(0.35)) {
      const [sbp, dbp] = bpReading(rng, r);
      ctx.out.push(bloodPressure(ctx.nextId(), pid, encId, dayToDateTime(day, minutes + 3), sbp, dbp));
    }
  }
}

/**
 * The BPHS annual health check (National BPHS Standard 2017: residents 65+ yearly; hypertension and
 * diabetes patients yearly): BP, BMI, waist, cholesterol, HDL, fasting glucose, smoking status.
 */
export function healthChecks(ctx: EventContext, r: Resident, rates: Rates): void {
  const stop = lastDay(ctx, r);
  const chronicPatient = r.health.hypertension?.registered || r.health.diabetes?.registered;
  const rng = ctx.rng;
  for (let y0 = ctx.startDay; y0 < stop; y0 += 365) {
    const age = r.person.age + (y0 - ctx.startDay) / 365;
    const p = age >= 65 ? rates.elderlyHealthCheck : chronicPatient ? 0.6 : 0;
    if (!rng.chance(p)) continue;
    const day = y0 + rng.int(60, 300); // spring–autumn campaigns
    if (day >= stop) continue;
    const facility = r.village.centre;
    const encId = ctx.nextId();
    const pid = r.patientId;
    const when = dayToDateTime(day, 8 * 60 + rng.int(0, 120));
    ctx.out.push(encounter({ id: encId, patientId: pid, kind: 'health-check', facility, staff: r.village.team.members[2] ?? r.village.team.lead, day, minutes: 8 * 60 }));
    const rf = r.health.risk;
    const [sbp, dbp] = bpReading(rng, r);
    ctx.out.push(bloodPressure(ctx.nextId(), pid, encId, when, sbp, dbp));
    ctx.out.push(numeric(ctx.nextId(), pid, encId, when, LOINC.bmi, 'Body mass index', round1(rf.bmi + rng.normal(0, 0.3)), 'kg/m2', 'vital-signs'));
    ctx.out.push(numeric(ctx.nextId(), pid, encId, when, LOINC.waist, 'Waist circumference', round1(rf.waist + rng.normal(0, 1.5)), 'cm', 'vital-signs'));
    ctx.out.push(numeric(ctx.nextId(), pid, encId, when, LOINC.totalCholesterol, 'Cholesterol', round2(Math.max(1.5, rf.totalCholesterol + rng.normal(0, 0.25))), 'mmol/L'));
    ctx.out.push(numeric(ctx.nextId(), pid, encId, when, LOINC.hdl, 'HDL cholesterol', round2(Math.max(0.4, rf.hdl + rng.normal(0, 0.08))), 'mmol/L'));
    ctx.out.push(numeric(ctx.nextId(), pid, encId, when, LOINC.fastingGlucose, 'Fasting glucose', glucoseReading(rng, r), 'mmol/L'));
    ctx.out.push(smokingStatus(ctx.nextId(), pid, encId, when, rf.smoking));
  }
}

const EVENT_CENTRE: Record<'stroke' | 'ami' | 'cancer', CentreKind> = { stroke: 'stroke', ami: 'chest-pain', cancer: 'cancer' };
const EVENT_NAMES: Record<string, string> = {
  'I63.9': '脑梗死', 'I61.9': '脑出血', 'I21.9': '急性心肌梗死', 'C34.9': '肺恶性肿瘤', 'C16.9': '胃恶性肿瘤', 'C22.9': '肝恶性肿瘤',
  'C18.9': '结肠恶性肿瘤', 'C15.9': '食管恶性肿瘤', C61: '前列腺恶性肿瘤', 'C50.9': '乳腺恶性肿瘤', C73: '甲状腺恶性肿瘤', 'C53.9': '宫颈恶性肿瘤',
};

/** Stroke / AMI admissions and cancer diagnoses at the centres; COPD and diabetes centre visits. */
export function specialisedCare(ctx: EventContext, r: Resident, d: District): void {
  const rng = ctx.rng;
  const stop = lastDay(ctx, r);
  for (const e of r.health.events) {
    if (e.day < ctx.startDay || e.day >= ctx.endDay) continue;
    const centre = d.centres[EVENT_CENTRE[e.kind]];
    const pid = patientIdAt(r, centre);
    const encId = ctx.nextId();
    const admitted = e.kind !== 'cancer';
    const endDay = admitted ? Math.min(e.day + rng.int(5, 14), Math.max(e.day, stop), ctx.endDay - 1) : undefined;
    ctx.out.push(encounter({
      id: encId, patientId: pid, kind: admitted ? 'specialised-admission' : 'specialised-visit', facility: centre, staff: rng.pick(centre.staff),
      day: e.day, minutes: rng.int(0, 24 * 60 - 1), endDay, reason: [icd10(e.icd10, EVENT_NAMES[e.icd10])],
    }));
    ctx.out.push(condition({ id: ctx.nextId(), patientId: pid, encounterId: encId, code: e.icd10, display: EVENT_NAMES[e.icd10], onsetDay: e.day, recordedDay: e.day, problem: e.kind === 'cancer' }));
  }
  const copd = r.health.copd;
  if (copd?.aware) {
    const centre = d.centres.copd;
    ctx.out.push(condition({ id: ctx.nextId(), patientId: r.patientId, code: 'J44.9', display: '慢性阻塞性肺疾病', onsetDay: copd.diagnosisDay, recordedDay: copd.diagnosisDay, problem: true }));
    centreVisits(ctx, r, centre, 'J44.9', '慢性阻塞性肺疾病', 0.5, stop);
  }
  const dm = r.health.diabetes;
  if (dm?.registered && !dm.controlled) centreVisits(ctx, r, d.centres.diabetes, 'E11.9', '2型糖尿病', 0.3, stop);
}

function centreVisits(ctx: EventContext, r: Resident, centre: Facility, code: string, display: string, perYear: number, stop: number): void {
  const rng = ctx.rng;
  for (let y0 = ctx.startDay; y0 < stop; y0 += 365) {
    if (!rng.chance(perYear)) continue;
    const day = y0 + rng.int(0, 364);
    if (day >= stop) continue;
    ctx.out.push(encounter({
      id: ctx.nextId(), patientId: patientIdAt(r, centre), kind: 'specialised-visit', facility: centre, staff: rng.pick(centre.staff),
      day, minutes: rng.int(8 * 60, 16 * 60), reason: [icd10(code, display)],
    }));
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
