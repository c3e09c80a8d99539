/**
 * Referrals of the demo district (`npm start` on an empty database): a handful of referrals in
 * every kind of state, made through the ReferralService so that the FHIR resources, the projection,
 * the care relationships and the notifications are exactly what real use writes. The times are
 * relative to `now` so that the inbox shows what is open, overdue and due today. Runs as the system
 * (like the rest of the demo seeding): no scope, the actor `system:demo-referrals`.
 */
import { sql } from 'kysely';
import type { Organization } from '@medplum/fhirtypes';
import type { Principal } from '../../foundation/access/index.js';
import { FACILITY_TYPE_SYSTEM, ICD10_SYSTEM, type FhirStore } from '../../foundation/fhir/index.js';
import { facilityOf, type CarePlanInput, type Facility } from './referral-fhir.js';
import type { ReferralState } from './referral-state.js';
import { ReferralService, type ReferralAccess } from './referral.service.js';

const DAY = 86_400_000;

interface Step {
  to: ReferralState;
  /** Days after the request. */
  after: number;
  note?: string;
  appointmentAfter?: number;
  carePlan?: CarePlanInput;
}

interface Scenario {
  from: 'clinic' | 'hospital';
  to: 'hospital' | 'centre' | 'township' | 'clinic';
  priority: 'routine' | 'urgent';
  reason: { code: string; display: string };
  note: string;
  /** Days before now the referral was requested. */
  daysAgo: number;
  carePlan?: CarePlanInput;
  steps: Step[];
}

const STROKE_PLAN: CarePlanInput = { title: '脑卒中二级预防', description: 'Back to the village clinic: secondary prevention after a minor stroke', activities: ['BP weekly, target < 130/80', 'aspirin 100 mg daily', 'atorvastatin 20 mg nightly'] };
const BP_PLAN: CarePlanInput = { title: '高血压随访', description: 'Blood pressure controlled on two drugs; follow up at the village clinic', activities: ['BP every 2 weeks', 'amlodipine 5 mg daily', 'losartan 50 mg daily'] };

/** The demo's referrals: closed, returned (awaiting the return check), overdue, scheduled, rejected, down, new. */
const SCENARIOS: Scenario[] = [
  { from: 'clinic', to: 'hospital', priority: 'urgent', reason: { code: 'I63.9', display: '脑梗死' }, note: 'right-sided weakness since this morning', daysAgo: 24,
    steps: [{ to: 'accepted', after: 0.05, note: 'stroke team informed' }, { to: 'scheduled', after: 0.06, appointmentAfter: 0.2 }, { to: 'seen', after: 0.2 }, { to: 'returned', after: 9, carePlan: STROKE_PLAN }, { to: 'closed', after: 16, note: 'seen at home, BP 132/82' }] },
  { from: 'clinic', to: 'hospital', priority: 'routine', reason: { code: 'I10', display: '原发性高血压' }, note: 'BP above 160/100 on two drugs', daysAgo: 12,
    steps: [{ to: 'accepted', after: 1 }, { to: 'scheduled', after: 1, appointmentAfter: 4 }, { to: 'seen', after: 4 }, { to: 'returned', after: 9, carePlan: BP_PLAN }] },
  { from: 'clinic', to: 'hospital', priority: 'urgent', reason: { code: 'I20.0', display: '不稳定型心绞痛' }, note: 'chest pain at rest, 20 minutes', daysAgo: 2,
    steps: [{ to: 'accepted', after: 0.1, note: 'chest pain centre to call the family' }] },
  { from: 'clinic', to: 'centre', priority: 'routine', reason: { code: 'E11.9', display: '2型糖尿病' }, note: 'HbA1c 9.1 %, review of treatment', daysAgo: 3,
    steps: [{ to: 'accepted', after: 1 }, { to: 'scheduled', after: 1, appointmentAfter: 6 }] },
  { from: 'clinic', to: 'hospital', priority: 'routine', reason: { code: 'J20.9', display: '急性支气管炎' }, note: 'cough for a week', daysAgo: 6,
    steps: [{ to: 'rejected', after: 1, note: 'treat at the township centre first' }] },
  { from: 'hospital', to: 'clinic', priority: 'routine', reason: { code: 'E11.9', display: '2型糖尿病' }, note: 'discharged, insulin started', daysAgo: 1,
    carePlan: { title: '糖尿病随访', description: 'Insulin glargine 10 U at night; glucose diary', activities: ['fasting glucose daily for 2 weeks', 'follow-up visit in 2 weeks'] }, steps: [] },
  { from: 'clinic', to: 'township', priority: 'routine', reason: { code: 'I10', display: '原发性高血压' }, note: 'new hypertension, please confirm and start treatment', daysAgo: 0.2, steps: [] },
];

export async function facilitiesOfType(store: FhirStore, type: string): Promise<Facility[]> {
  const rows = await sql<{ content: Organization | string }>`
    SELECT content FROM fhir_resource WHERE resource_type = 'Organization' AND deleted = false
      AND content @> ${JSON.stringify({ type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }] })}::jsonb ORDER BY id`.execute(store.db);
  return rows.rows.map((r) => facilityOf((typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Organization));
}

/** Residents with hypertension or diabetes, in villages that have a clinic, first by id. */
async function patientsIn(store: FhirStore, villages: readonly string[], n: number): Promise<{ id: string; village: string }[]> {
  const rows = await sql<{ id: string; org_unit: string }>`
    SELECT p.id, p.org_unit FROM fhir_resource p
    WHERE p.resource_type = 'Patient' AND p.deleted = false AND p.org_unit = ANY(${[...villages]}::text[])
      AND EXISTS (SELECT 1 FROM fhir_resource c JOIN sp_token t ON t.resource_type = 'Condition' AND t.resource_id = c.id AND t.param = 'code' AND t.code IN ('I10', 'E11.9')
                  WHERE c.resource_type = 'Condition' AND c.resident_id = p.id AND c.deleted = false)
    ORDER BY p.id LIMIT ${n}`.execute(store.db);
  return rows.rows.map((r) => ({ id: r.id, village: r.org_unit }));
}

/**
 * Seeds the demo referrals relative to `now` (default the wall clock); returns how many were made
 * (0 when the district has no hospital, clinics or chronic patients).
 */
export async function seedDemoReferrals(store: FhirStore, now: Date = new Date()): Promise<number> {
  const [hospital] = await facilitiesOfType(store, 'district-hospital');
  const [centre] = await facilitiesOfType(store, 'specialised-centre');
  const clinics = await facilitiesOfType(store, 'village-clinic');
  const townships = await facilitiesOfType(store, 'township-centre');
  const clinicOf = new Map(clinics.filter((c) => c.orgUnit).map((c) => [c.orgUnit as string, c]));
  const patients = await patientsIn(store, [...clinicOf.keys()], SCENARIOS.length);
  if (!hospital || patients.length < SCENARIOS.length) return 0;
  let clock = now;
  const principal: Principal = { kind: 'user', id: 'system', name: 'system:demo-referrals', grants: [{ role: 'clinician', orgUnit: null, careTeam: null }], breakGlass: [] };
  // The system context (no scope), as the rest of the demo seeding writes.
  const access: ReferralAccess = { contextOf: (p: Principal) => ({ actor: p.name }), audit: async () => undefined, authorizeAggregate: async () => undefined };
  const service = new ReferralService(store, access, () => clock);
  let made = 0;
  for (const [i, s] of SCENARIOS.entries()) {
    const p = patients[i];
    const clinic = clinicOf.get(p.village) as Facility;
    const township = townships.find((t) => t.orgUnit && p.village.startsWith(t.orgUnit)) ?? townships[0];
    const pick = { clinic, hospital, centre: centre ?? hospital, township: township ?? hospital };
    const requestedAt = now.getTime() - s.daysAgo * DAY;
    clock = new Date(requestedAt);
    const created = await service.create(principal, { patient: p.id, requester: pick[s.from].id, performer: pick[s.to].id, priority: s.priority, reason: { coding: [{ system: ICD10_SYSTEM, ...s.reason }] }, note: s.note, ...(s.carePlan ? { carePlan: s.carePlan } : {}) });
    for (const step of s.steps) {
      const at = new Date(requestedAt + step.after * DAY);
      clock = at;
      await service.transition(principal, created.id, {
        to: step.to,
        at,
        ...(step.note ? { note: step.note } : {}),
        ...(step.appointmentAfter !== undefined ? { appointment: new Date(requestedAt + step.appointmentAfter * DAY) } : {}),
        ...(step.carePlan ? { carePlan: step.carePlan } : {}),
      });
    }
    made++;
  }
  return made;
}
