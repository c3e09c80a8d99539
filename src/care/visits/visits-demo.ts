/**
 * Village-clinic visits and teleconsultations of the demo district (`npm start` on an empty
 * database): a fixed list of visits at the first village clinics (by id), dated in the last days
 * before `now` (the simulated data's last day), made through the VisitService and the
 * TeleconsultService so the resources, projections and escalations are what real use writes. Most
 * are resolved in the village; two ask the township doctor (one answered after 95 minutes, one
 * open), one is declined, one referred up. Deterministic: the same district gives the same visits.
 * Runs as the system (no scope), the actor `system:demo-visits`.
 */
import type { Principal } from '../../foundation/access/index.js';
import type { FhirStore } from '../../foundation/fhir/index.js';
import { facilitiesOfType, type Facility, type ReferralAccess } from '../referral/index.js';
import { TeleconsultService } from '../teleconsult/index.js';
import type { VisitInput } from './visit-input.js';
import { VisitService } from './visit.service.js';
import { residentsOf } from './visits.repository.js';

const HOUR = 3_600_000;

interface DemoVisit {
  /** Hours before `now`. */
  hoursAgo: number;
  diagnosis: { code: string; display: string };
  drug?: { atc: string; name: string; daysSupply: number; perDay: number; quantity: number };
  bp?: [number, number];
  temperature?: number;
  outcome: 'resolved' | 'teleconsult' | 'referred';
  question?: string;
  /** Teleconsultation: answered (minutes after the request) or declined. */
  answer?: { afterMinutes: number; text: string } | { declined: string };
}

const VISITS: DemoVisit[] = [
  { hoursAgo: 240, diagnosis: { code: 'J06.9', display: '急性上呼吸道感染' }, temperature: 38.1, drug: { atc: 'N02BE01', name: '对乙酰氨基酚片 0.5g', daysSupply: 3, perDay: 3, quantity: 9 }, outcome: 'resolved' },
  { hoursAgo: 220, diagnosis: { code: 'I10', display: '原发性高血压' }, bp: [152, 94], drug: { atc: 'C08CA01', name: '苯磺酸氨氯地平片 5mg', daysSupply: 28, perDay: 1, quantity: 28 }, outcome: 'resolved' },
  { hoursAgo: 200, diagnosis: { code: 'K29.7', display: '胃炎' }, drug: { atc: 'A02BC01', name: '奥美拉唑肠溶胶囊 20mg', daysSupply: 14, perDay: 1, quantity: 14 }, outcome: 'resolved' },
  { hoursAgo: 170, diagnosis: { code: 'L27.0', display: '药物性皮疹' }, temperature: 37.2, outcome: 'teleconsult', question: 'Generalised rash two days after amoxicillin: stop and give an antihistamine, or refer?', answer: { afterMinutes: 95, text: 'Stop amoxicillin, loratadine 10 mg daily for 5 days; refer if mucosa involved.' } },
  { hoursAgo: 150, diagnosis: { code: 'M54.5', display: '腰痛' }, drug: { atc: 'M01AE01', name: '布洛芬缓释胶囊 0.3g', daysSupply: 5, perDay: 2, quantity: 10 }, outcome: 'resolved' },
  { hoursAgo: 120, diagnosis: { code: 'I10', display: '原发性高血压' }, bp: [188, 114], outcome: 'referred' },
  { hoursAgo: 96, diagnosis: { code: 'E11.9', display: '2型糖尿病' }, drug: { atc: 'A10BA02', name: '盐酸二甲双胍片 0.5g', daysSupply: 28, perDay: 2, quantity: 56 }, outcome: 'resolved' },
  { hoursAgo: 72, diagnosis: { code: 'R00.0', display: '心动过速' }, bp: [138, 86], outcome: 'teleconsult', question: 'Palpitations, pulse 124 regular, ECG photo by url: start a beta-blocker here?', answer: { declined: 'An ECG photo is not enough: refer to the district hospital cardiology clinic.' } },
  { hoursAgo: 48, diagnosis: { code: 'J06.9', display: '急性上呼吸道感染' }, temperature: 37.8, drug: { atc: 'N02BE01', name: '对乙酰氨基酚片 0.5g', daysSupply: 3, perDay: 3, quantity: 9 }, outcome: 'resolved' },
  { hoursAgo: 20, diagnosis: { code: 'H10.9', display: '结膜炎' }, outcome: 'teleconsult', question: 'Red eye for 3 days with discharge, vision normal: antibiotic drops enough?' },
  { hoursAgo: 6, diagnosis: { code: 'I10', display: '原发性高血压' }, bp: [146, 90], drug: { atc: 'C09CA01', name: '氯沙坦钾片 50mg', daysSupply: 28, perDay: 1, quantity: 28 }, outcome: 'resolved' },
];

/**
 * Seeds the demo visits before `now` (the simulated data's last day); returns how many were made
 * (0 when the district has no village clinic with residents, or no township centre).
 */
export async function seedDemoVisits(store: FhirStore, now: Date): Promise<number> {
  const clinics = (await facilitiesOfType(store, 'village-clinic')).filter((c) => c.orgUnit).slice(0, 3);
  const townships = await facilitiesOfType(store, 'township-centre');
  const [hospital] = await facilitiesOfType(store, 'district-hospital');
  if (clinics.length === 0 || townships.length === 0) return 0;
  // Residents 20.. of each village (the referral demo takes chronic patients from the first ones).
  const residents = await residentsOf(store.db, clinics.map((c) => c.orgUnit as string), VISITS.length, 20);
  if (residents.length < VISITS.length) return 0;
  let clock = now;
  const principal: Principal = { kind: 'user', id: 'system', name: 'system:demo-visits', grants: [{ role: 'clinician', orgUnit: null, careTeam: null }], breakGlass: [] };
  const access: ReferralAccess = { contextOf: (p: Principal) => ({ actor: p.name }), audit: async () => undefined, authorizeAggregate: async () => undefined };
  const visits = new VisitService(store, access, () => clock);
  const teleconsults = new TeleconsultService(store, access, () => clock);
  for (const [i, v] of VISITS.entries()) {
    const r = residents[i];
    const clinic = clinics.find((c) => c.orgUnit === r.village) as Facility;
    const township = townships.find((t) => t.orgUnit && r.village.startsWith(t.orgUnit)) ?? townships[0];
    clock = new Date(now.getTime() - v.hoursAgo * HOUR);
    const outcome: VisitInput['outcome'] =
      v.outcome === 'resolved'
        ? { kind: 'resolved' }
        : v.outcome === 'referred'
          ? { kind: 'referred', referral: { performer: (hospital ?? township).id, priority: 'urgent', reason: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', ...v.diagnosis }] }, note: 'BP above 180/110 at the village clinic' } }
          : { kind: 'teleconsult', teleconsult: { consultant: township.id, priority: 'routine', question: v.question as string, attachments: [] } };
    const made = await visits.record(principal, {
      patient: r.id,
      clinic: clinic.id,
      practitioner: null,
      at: clock,
      complaint: null,
      bp: v.bp ? { systolic: v.bp[0], diastolic: v.bp[1] } : null,
      glucose: null,
      weightKg: null,
      temperatureC: v.temperature ?? null,
      diagnoses: [{ code: v.diagnosis.code, display: v.diagnosis.display }],
      prescriptions: v.drug ? [{ atc: v.drug.atc, name: v.drug.name, daysSupply: v.drug.daysSupply, perDay: v.drug.perDay, quantity: v.drug.quantity, dispensed: { quantity: v.drug.quantity } }] : [],
      outcome,
    });
    const asked = made.outcome.teleconsult?.id;
    if (asked && v.answer) {
      const answered = 'afterMinutes' in v.answer;
      clock = new Date(clock.getTime() + (answered ? (v.answer as { afterMinutes: number }).afterMinutes : 180) * 60_000);
      await teleconsults.transition(principal, asked, answered ? { to: 'answered', text: (v.answer as { text: string }).text, attachments: [] } : { to: 'declined', text: (v.answer as { declined: string }).declined, attachments: [] });
    }
  }
  return VISITS.length;
}
