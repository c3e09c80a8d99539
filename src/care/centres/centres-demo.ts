/**
 * Pathway times of the demo district (`npm start` on an empty database; issue 10: "centre patients
 * with pathway times"). The simulator admits stroke and AMI patients to the centres (an inpatient
 * Encounter and its Condition) but writes no emergency arrival, thrombolysis or PCI, so the
 * door-to-needle / door-to-balloon dashboard would stay empty. After enrolment, this writes for each
 * enrolled resident whose qualifying diagnosis is an ischaemic stroke (ICD-10 I63) an emergency
 * arrival (Encounter class EMER at the admission's start) and an alteplase MedicationAdministration,
 * and for each acute myocardial infarction (I21) an arrival and a primary PCI Procedure — exactly
 * what pathway.ts reads, written through the store (projector, audit) as the system actor.
 *
 * Times (log-normal, deterministic from the Rng passed in; the caller derives it from the demo seed):
 * - DNT median 50 min, σ(log) 0.45 → 66 % within 60 min: a national survey of emergency stroke care
 *   in 445 Chinese hospitals found DNT < 60 min in 66.08 % (Behav Neurol 2019, PMC6701302); Jilin's
 *   stroke network brought the mean DNT from 62 to 45 min (Front Neurol 2020;11:734).
 * - D2B median 89 min, σ(log) 0.35 → about half within 90 min: a median of 111 min (33.8 % ≤ 90)
 *   before a chest-pain centre (Shen X et al., 中华急诊医学杂志 2015;24(4):391–396) less the 22-min
 *   drop measured when one opened (BMC Emerg Med 2021, doi:10.1186/s12873-021-00535-y).
 * Every ischaemic stroke is thrombolysed and every AMI gets PCI here — far above China's real 5.6 %
 * IV thrombolysis rate (Ye Q et al., Lancet Reg Health West Pac 2022;21:100406) — so that a small
 * demo district has figures to show; the times, not the rates, follow the sources.
 */
import type { Encounter, MedicationAdministration, Procedure } from '@medplum/fhirtypes';
import { ACT_CODE_SYSTEM, ATC_SYSTEM, ICD10_SYSTEM, SNOMED_SYSTEM, validateInput, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import { pathwayCandidates } from './centres.repository.js';

/** What the seeding needs of a random generator (the simulator's Rng fits; domain modules do not import the simulator). */
export interface PathwayRandom {
  normal(mean?: number, sd?: number): number;
}

export interface DemoTimeRule {
  medianMinutes: number;
  sigma: number;
  min: number;
  max: number;
}

/** Log-normal times of the demo (sources in the header). */
export const DEMO_PATHWAY_TIMES: Record<'thrombolysis' | 'pci', DemoTimeRule> = {
  thrombolysis: { medianMinutes: 50, sigma: 0.45, min: 15, max: 240 },
  pci: { medianMinutes: 89, sigma: 0.35, min: 30, max: 300 },
};

/** The treatment a centre gives the qualifying diagnosis: I63 → thrombolysis (stroke centre), I21 → PCI (chest-pain centre), else none. */
export function treatmentFor(centre: string, code: string | null): 'thrombolysis' | 'pci' | null {
  const category = (code ?? '').replace('.', '').slice(0, 3).toUpperCase();
  if (centre === 'stroke' && category === 'I63') return 'thrombolysis';
  if (centre === 'chest-pain' && category === 'I21') return 'pci';
  return null;
}

/** One draw in whole minutes: exp(ln median + σ·z), clamped. */
export function drawMinutes(rule: DemoTimeRule, rng: PathwayRandom): number {
  const m = Math.round(Math.exp(Math.log(rule.medianMinutes) + rule.sigma * rng.normal(0, 1)));
  return Math.min(rule.max, Math.max(rule.min, m));
}

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** The arrival Encounter and the treatment of one patient (pure). */
export function pathwayEvent(a: { encounterId: string; treatmentId: string; patientRef: string; facility: string | null; arrival: string; minutes: number; treatment: 'thrombolysis' | 'pci'; code: string }): [Encounter, MedicationAdministration | Procedure] {
  const subject = { reference: a.patientRef };
  const context = { reference: `Encounter/${a.encounterId}` };
  const treatedAt = plus(a.arrival, a.minutes);
  const arrival: Encounter = {
    resourceType: 'Encounter',
    id: a.encounterId,
    status: 'finished',
    class: { system: ACT_CODE_SYSTEM, code: 'EMER', display: 'emergency' },
    subject,
    period: { start: new Date(a.arrival).toISOString(), end: plus(treatedAt, 60) },
    reasonCode: [{ coding: [{ system: ICD10_SYSTEM, code: a.code }] }],
    ...(a.facility ? { serviceProvider: { reference: `Organization/${a.facility}` } } : {}),
  };
  if (a.treatment === 'thrombolysis') {
    const given: MedicationAdministration = {
      resourceType: 'MedicationAdministration',
      id: a.treatmentId,
      status: 'completed',
      medicationCodeableConcept: { coding: [{ system: ATC_SYSTEM, code: 'B01AD02', display: 'alteplase' }] },
      subject,
      context,
      effectivePeriod: { start: treatedAt, end: plus(treatedAt, 60) },
      // rt-PA 0.9 mg/kg, 10 % as a bolus, the rest over 60 min (2019 AHA/ASA guideline).
      dosage: { text: 'alteplase 0.9 mg/kg IV, 10 % bolus then 60-min infusion' },
    };
    return [arrival, given];
  }
  const pci: Procedure = {
    resourceType: 'Procedure',
    id: a.treatmentId,
    status: 'completed',
    code: { coding: [{ system: SNOMED_SYSTEM, code: '415070008', display: 'Percutaneous coronary intervention' }] },
    subject,
    encounter: context,
    performedPeriod: { start: treatedAt, end: plus(treatedAt, 45) },
  };
  return [arrival, pci];
}

const instant = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null);

/**
 * Writes the arrivals and treatments of the enrolled stroke (I63) and AMI (I21) patients that have
 * none yet; returns how many of each. Deterministic for a given `rng` state and database.
 */
export async function seedDemoPathways(store: FhirStore, ctx: RequestContext, rng: PathwayRandom): Promise<{ thrombolysis: number; pci: number }> {
  const made = { thrombolysis: 0, pci: 0 };
  const resources: (Encounter | MedicationAdministration | Procedure)[] = [];
  const seen = new Set<string>();
  for (const c of await pathwayCandidates(store.db, ['stroke', 'chest-pain'])) {
    const treatment = treatmentFor(c.centre, c.code);
    const arrival = instant(c.admitted) ?? instant(c.onset);
    if (!treatment || !arrival || !c.patient_ref?.startsWith('Patient/') || seen.has(`${c.resident_id}:${treatment}`)) continue;
    seen.add(`${c.resident_id}:${treatment}`);
    resources.push(...pathwayEvent({ encounterId: store.newId(), treatmentId: store.newId(), patientRef: c.patient_ref, facility: c.facility, arrival, minutes: drawMinutes(DEMO_PATHWAY_TIMES[treatment], rng), treatment, code: c.code ?? '' }));
    made[treatment]++;
  }
  for (let i = 0; i < resources.length; i += 200) {
    await store.inTransaction(ctx, async (session) => {
      for (const r of resources.slice(i, i + 200)) await store.createIn(session, validateInput(r, r.resourceType), r.resourceType, r.id as string);
    });
  }
  return made;
}
