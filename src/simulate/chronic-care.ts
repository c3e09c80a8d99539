/**
 * Hypertension and type 2 diabetes care as the Basic Public Health Service records it: the diagnosis
 * (problem-list Condition), follow-up visits about every quarter (National BPHS Standard, 3rd ed.,
 * 2017: ≥ 4 face-to-face follow-ups a year) with BP and fasting-glucose readings — some patients
 * irregular, some lost — and protocol medicines prescribed for up to 12 weeks with refills and gaps.
 */
import type { MedicationDispense, MedicationRequest, Resource } from '@medplum/fhirtypes';
import { ATC_SYSTEM, LOINC, UCUM_SYSTEM } from '../foundation/fhir/index.js';
import type { Facility, Staff } from './district.js';
import { bloodPressure, condition, encounter, icd10, numeric, ref } from './fhir.js';
import type { ChronicState } from './health.js';
import { dayToDateTime } from './options.js';
import type { Resident } from './patient.js';
import type { Rng } from './random.js';

/** What the event generators need besides the resident. */
export interface EventContext {
  rng: Rng;
  nextId: () => string;
  startDay: number;
  endDay: number;
  out: Resource[];
}

interface Drug {
  atc: string;
  name: string;
  perDay: number;
}

/** Protocol drugs (Chinese Guidelines for Prevention and Treatment of Hypertension 2018; CDS T2DM guideline 2020). */
const HT_DRUGS: readonly Drug[] = [
  { atc: 'C08CA01', name: '苯磺酸氨氯地平片 5mg', perDay: 1 },
  { atc: 'C08CA05', name: '硝苯地平缓释片 20mg', perDay: 2 },
  { atc: 'C09CA01', name: '氯沙坦钾片 50mg', perDay: 1 },
  { atc: 'C09CA03', name: '缬沙坦胶囊 80mg', perDay: 1 },
  { atc: 'C09AA02', name: '马来酸依那普利片 10mg', perDay: 1 },
  { atc: 'C03AA03', name: '氢氯噻嗪片 25mg', perDay: 1 },
  { atc: 'C07AB02', name: '酒石酸美托洛尔片 25mg', perDay: 2 },
];
const DM_DRUGS: readonly Drug[] = [
  { atc: 'A10BA02', name: '盐酸二甲双胍片 0.5g', perDay: 3 },
  { atc: 'A10BB09', name: '格列齐特缓释片 30mg', perDay: 1 },
  { atc: 'A10BF01', name: '阿卡波糖片 50mg', perDay: 3 },
];

/** The facility and staff member a resident sees for primary care in their village. */
export function primaryCareSite(rng: Rng, r: Resident, clinicShare = 0.75): { facility: Facility; staff: Staff } {
  const v = r.village;
  if (v.clinic && rng.chance(clinicShare)) {
    const doctor = v.clinic.staff[0];
    return { facility: v.clinic, staff: doctor ?? v.team.lead };
  }
  return { facility: v.centre, staff: rng.chance(0.8) ? v.team.lead : v.team.members[2] ?? v.team.lead };
}

function lastDay(ctx: EventContext, r: Resident): number {
  return Math.min(ctx.endDay, r.health.deathDay ?? ctx.endDay);
}

/** Emits the problem-list Conditions, follow-ups and medicines of a resident's chronic diseases. */
export function chronicCare(ctx: EventContext, r: Resident): void {
  const { hypertension: ht, diabetes: dm } = r.health;
  const stop = lastDay(ctx, r);
  for (const [state, code, display] of [[ht, 'I10', '原发性高血压'], [dm, 'E11.9', '2型糖尿病']] as const) {
    if (!state?.aware || state.diagnosisDay >= stop) continue;
    ctx.out.push(condition({ id: ctx.nextId(), patientId: r.patientId, code, display, onsetDay: state.diagnosisDay, recordedDay: state.diagnosisDay, problem: true, recorder: r.village.team.lead }));
  }
  followUps(ctx, r, stop);
  if (ht?.treated) medicines(ctx, r, ht, pickDrugs(ctx.rng, HT_DRUGS, ctx.rng.chance(0.45) ? 2 : 1), 'I10', stop);
  if (dm?.treated) medicines(ctx, r, dm, [DM_DRUGS[0], ...(ctx.rng.chance(0.35) ? [ctx.rng.pick(DM_DRUGS.slice(1))] : [])], 'E11.9', stop);
}

function pickDrugs(rng: Rng, drugs: readonly Drug[], n: number): Drug[] {
  return rng.shuffle(drugs.slice()).slice(0, n);
}

function followUps(ctx: EventContext, r: Resident, stop: number): void {
  const { hypertension: ht, diabetes: dm } = r.health;
  const programmes = [ht, dm].filter((s): s is ChronicState => !!s?.registered);
  if (programmes.length === 0) return;
  const rng = ctx.rng;
  // One schedule for the patient; the worse behaviour of the two programmes governs it.
  const pattern = programmes.some((s) => s.pattern === 'lost') ? 'lost' : programmes.some((s) => s.pattern === 'irregular') ? 'irregular' : 'regular';
  const lostDay = Math.min(...programmes.map((s) => s.lostDay ?? Infinity));
  const firstDiagnosis = Math.min(...programmes.map((s) => s.diagnosisDay));
  let day = Math.max(ctx.startDay + rng.int(0, 80), firstDiagnosis + rng.int(0, 14));
  const reasons = [...(ht?.registered ? [icd10('I10', '原发性高血压')] : []), ...(dm?.registered ? [icd10('E11.9', '2型糖尿病')] : [])];
  while (day < stop && !(pattern === 'lost' && day >= lostDay)) {
    const site = primaryCareSite(rng, r);
    const encId = ctx.nextId();
    const minutes = rng.int(8 * 60, 16 * 60);
    ctx.out.push(encounter({ id: encId, patientId: r.patientId, kind: 'chronic-follow-up', facility: site.facility, staff: site.staff, day, minutes, reason: reasons }));
    const when = dayToDateTime(day, minutes + 5);
    // ~6 % of visits record no measurement (Simple's "visited, no BP taken").
    if (rng.chance(0.94)) {
      const [sbp, dbp] = bpReading(rng, r);
      ctx.out.push(bloodPressure(ctx.nextId(), r.patientId, encId, when, sbp, dbp));
    }
    if (dm?.registered && rng.chance(0.85)) {
      ctx.out.push(numeric(ctx.nextId(), r.patientId, encId, when, LOINC.fastingGlucose, 'Fasting glucose', glucoseReading(rng, r), 'mmol/L'));
    }
    const gap = pattern === 'irregular' ? 90 + rng.exponential(70) : rng.normalClamped(88, 10, 60, 120);
    day += Math.round(gap);
  }
}

/** A BP reading around the resident's usual BP (within-person SD ~8/5 mmHg), rare urgent spikes. */
export function bpReading(rng: Rng, r: Resident): [number, number] {
  const risk = r.health.risk;
  const spike = r.health.hypertension && !r.health.hypertension.controlled && rng.chance(0.03) ? 30 : 0;
  const sbp = Math.round(Math.min(240, Math.max(85, risk.sbp + spike + rng.normal(0, 8))));
  const dbp = Math.round(Math.min(140, Math.max(50, risk.dbp + spike / 2 + rng.normal(0, 5))));
  return [sbp, Math.min(dbp, sbp - 20)];
}

/** A fasting-glucose reading (mmol/L) around the resident's usual value. */
export function glucoseReading(rng: Rng, r: Resident): number {
  const g = r.health.risk.glucose * Math.exp(rng.normal(0, 0.08));
  return Math.round(Math.min(30, Math.max(2.8, g)) * 10) / 10;
}

/**
 * Prescriptions and dispenses of one drug regimen. A prescription covers 28, 56 or 84 days (84 = the
 * 12-week long prescription); long ones are dispensed at once or as 28-day refills. Adherent patients
 * refill within days; others leave gaps (mean 25 days) and sometimes stop for months.
 */
function medicines(ctx: EventContext, r: Resident, state: ChronicState, drugs: Drug[], reason: string, stop: number): void {
  const rng = ctx.rng;
  const supply = rng.pick([28, 56, 84, 84]);
  const refills = supply > 28 && rng.chance(0.5) ? supply / 28 : 1;
  const perFill = supply / refills;
  const prescriber = rng.chance(0.6) ? r.village.team.lead : r.village.clinic?.staff[0] ?? r.village.team.lead;
  const pharmacy = r.village.clinic && rng.chance(0.6) ? r.village.clinic : r.village.centre;
  let day = Math.max(ctx.startDay + rng.int(0, supply - 1), state.diagnosisDay);
  while (day < stop) {
    for (const drug of drugs) {
      const reqId = ctx.nextId();
      const request: MedicationRequest = {
        resourceType: 'MedicationRequest',
        id: reqId,
        status: day + supply < ctx.endDay ? 'completed' : 'active',
        intent: 'order',
        medicationCodeableConcept: { coding: [{ system: ATC_SYSTEM, code: drug.atc }], text: drug.name },
        subject: ref('Patient', r.patientId),
        authoredOn: dayToDateTime(day, 9 * 60),
        requester: ref('Practitioner', prescriber.id),
        reasonCode: [icd10(reason)],
        dosageInstruction: [{ text: `每日${drug.perDay}次，每次1片`, timing: { repeat: { frequency: drug.perDay, period: 1, periodUnit: 'd' } } }],
        dispenseRequest: {
          validityPeriod: { start: dayToDateTime(day, 9 * 60), end: dayToDateTime(day + supply + 30, 9 * 60) },
          numberOfRepeatsAllowed: refills - 1,
          quantity: { value: supply * drug.perDay, unit: '片' },
          expectedSupplyDuration: { value: supply, unit: 'days', system: UCUM_SYSTEM, code: 'd' },
        },
      };
      ctx.out.push(request);
      let fill = day;
      for (let k = 0; k < refills && fill < stop; k++) {
        const dispense: MedicationDispense = {
          resourceType: 'MedicationDispense',
          id: ctx.nextId(),
          status: 'completed',
          medicationCodeableConcept: request.medicationCodeableConcept,
          subject: ref('Patient', r.patientId),
          performer: [{ actor: ref('Organization', pharmacy.id) }],
          authorizingPrescription: [ref('MedicationRequest', reqId)],
          quantity: { value: perFill * drug.perDay, unit: '片' },
          daysSupply: { value: perFill, unit: 'days', system: UCUM_SYSTEM, code: 'd' },
          whenHandedOver: dayToDateTime(fill, 10 * 60),
        };
        ctx.out.push(dispense);
        fill += perFill + refillGap(rng, state);
      }
    }
    // Next prescription when the last fill runs out, plus the patient's gap.
    day += supply + refillGap(rng, state) + (!state.adherent && rng.chance(0.08) ? rng.int(60, 150) : 0);
  }
}

function refillGap(rng: Rng, state: ChronicState): number {
  return state.adherent ? Math.max(-5, Math.round(rng.normal(0, 3))) : Math.round(rng.exponential(25));
}
