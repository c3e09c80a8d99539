import { describe, expect, it } from 'vitest';
import { registration, registryRows, type RegistrySources } from './registry.js';

const empty = (): RegistrySources => ({ conditions: [], episodes: [], prescriptions: [], bp: [], glucose: [], encounters: [] });

describe('registration grounds', () => {
  it('prefers a diagnosis, then an enrolment, then a prescription, then repeated high readings', () => {
    const s = empty();
    expect(registration(s, 'hypertension')).toBeNull();
    s.bp.push({ effective: '2025-01-01', sbp: 150, dbp: 85 }, { effective: '2025-01-08', sbp: 145, dbp: 92 });
    expect(registration(s, 'hypertension')).toBeNull(); // two days are not enough (非同日3次)
    s.bp.push({ effective: '2025-01-15', sbp: 142, dbp: 80 });
    expect(registration(s, 'hypertension')).toMatchObject({ basis: 'measurements', since: '2025-01-01' });
    s.prescriptions.push({ category: 'hypertension', authored: '2025-02-01' });
    expect(registration(s, 'hypertension')?.basis).toBe('prescription');
    s.episodes.push({ resource_id: 'ep1', category: 'hypertension', status: 'active', start: '2025-03-01', care_team: 't1' });
    expect(registration(s, 'hypertension')).toMatchObject({ basis: 'enrolled', episodeId: 'ep1' });
    s.conditions.push({ category: 'hypertension', onset: '2024-12-01', active: true, org_unit: '330109001001' });
    expect(registration(s, 'hypertension')).toMatchObject({ basis: 'diagnosis', since: '2024-12-01', episodeId: 'ep1' });
    expect(registration(s, 'diabetes')).toBeNull();
  });

  it('ignores inactive diagnoses and finished enrolments; two high fasting glucose days register diabetes', () => {
    const s = empty();
    s.conditions.push({ category: 'diabetes', onset: '2024-12-01', active: false, org_unit: null });
    s.episodes.push({ resource_id: 'ep1', category: 'diabetes', status: 'finished', start: '2024-01-01', care_team: null });
    expect(registration(s, 'diabetes')).toBeNull();
    s.glucose.push({ effective: '2025-01-01', mmol_l: 7.4 }, { effective: '2025-01-09', mmol_l: 7.1 });
    expect(registration(s, 'diabetes')?.basis).toBe('measurements');
  });
});

describe('registryRows', () => {
  it('counts only follow-up encounters as follow-ups and takes the team from the resident', () => {
    const s = empty();
    s.resident = { org_unit: '330109001001', birth_date: '1950-01-01', deceased: null, care_team: 'team-1' };
    s.conditions.push({ category: 'hypertension', onset: '2024-01-01', active: true, org_unit: '330109001001' });
    s.encounters.push({ period_start: '2025-03-01', kind: 'chronic-follow-up', next_planned: '2025-04-01' }, { period_start: '2025-05-01', kind: 'outpatient', next_planned: null });
    s.bp.push({ effective: '2025-03-01', sbp: 146, dbp: 80 });
    const [row] = registryRows('r1', s);
    expect(row).toMatchObject({ resident_id: 'r1', category: 'hypertension', care_team: 'team-1', last_follow_up: '2025-03-01', control: 'controlled', next_due: '2025-04-01' });
  });
});
