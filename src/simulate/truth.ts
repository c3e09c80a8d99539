/**
 * Ground-truth rows per resident: duplicates (which Patient records are the same person),
 * patient-clusters (every Patient id with its person key, the `id,person` layout of
 * `healthy-brain mpi dedupe`), conditions (true chronic and acute conditions) and risk factors.
 */
import type { SimulationSink } from './options.js';
import { dayToIso } from './options.js';
import type { Resident } from './patient.js';
import type { ChronicState } from './health.js';

function flag(b: boolean | undefined): number {
  return b ? 1 : 0;
}

function chronicRow(r: Resident, condition: string, icd10: string, s: ChronicState): Record<string, string | number> {
  return {
    person: r.key,
    patient_id: r.patientId,
    condition,
    icd10,
    onset: dayToIso(s.diagnosisDay),
    aware: flag(s.aware),
    registered: flag(s.registered),
    treated: flag(s.treated),
    controlled: flag(s.controlled),
    follow_up: s.registered ? s.pattern : '',
    adherent: s.treated ? flag(s.adherent) : '',
  };
}

/** Writes the truth rows of one resident. `duplicates` are the rows of their duplicate records. */
export async function writeTruthRows(sink: SimulationSink, r: Resident, duplicates: Record<string, string | number>[]): Promise<void> {
  const rows: [string, Record<string, string | number>][] = [];
  if (duplicates.length > 0) {
    rows.push(['duplicates', { person: r.key, patient_id: r.patientId, record: 'primary', facility: r.village.centre.code, corruptions: '' }]);
    for (const d of duplicates) rows.push(['duplicates', d]);
  }
  rows.push(['patient-clusters', { id: r.patientId, person: r.key }]);
  for (const d of duplicates) rows.push(['patient-clusters', { id: String(d.patient_id), person: r.key }]);
  const h = r.health;
  if (h.hypertension) rows.push(['conditions', chronicRow(r, 'hypertension', 'I10', h.hypertension)]);
  if (h.diabetes) rows.push(['conditions', chronicRow(r, 'type-2-diabetes', 'E11.9', h.diabetes)]);
  if (h.copd) {
    rows.push(['conditions', {
      person: r.key, patient_id: r.patientId, condition: 'copd', icd10: 'J44.9', onset: dayToIso(h.copd.diagnosisDay),
      aware: flag(h.copd.aware), registered: '', treated: '', controlled: '', follow_up: '', adherent: '',
    }]);
  }
  for (const e of h.events) {
    rows.push(['conditions', {
      person: r.key, patient_id: r.patientId, condition: e.kind, icd10: e.icd10, onset: dayToIso(e.day),
      aware: 1, registered: '', treated: '', controlled: '', follow_up: '', adherent: '',
    }]);
  }
  const p = r.person;
  const rf = h.risk;
  rows.push(['risk_factors', {
    person: r.key,
    patient_id: r.patientId,
    village: r.village.code,
    household: p.household.id,
    sex: p.sex,
    birth_date: p.birthDate,
    age: p.age,
    smoking: rf.smoking,
    bmi: rf.bmi,
    waist: rf.waist,
    total_cholesterol: rf.totalCholesterol,
    hdl: rf.hdl,
    usual_sbp: rf.sbp,
    usual_dbp: rf.dbp,
    usual_fasting_glucose: rf.glucose,
    family_history_cvd: flag(rf.familyHistoryCvd),
    family_history_diabetes: flag(rf.familyHistoryDiabetes),
    urban: flag(r.village.name.endsWith('社区')),
    signed: flag(r.signed),
    deceased: h.deathDay !== undefined ? dayToIso(h.deathDay) : '',
  }]);
  for (const [table, row] of rows) {
    const p2 = sink.truth(table, row);
    if (p2) await p2;
  }
}
