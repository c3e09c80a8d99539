import { describe, expect, it } from 'vitest';
import type { ResidentHistory } from './features.js';
import { planResident } from './plan.js';

// A 45-year-old man without treatment, low 10-year risk: the 2019 guideline asks for a lifetime assessment.
const young: ResidentHistory = {
  residentId: 'p2',
  orgUnit: '330109001001',
  sex: 'male',
  birthDate: '1980-03-01',
  careTeam: 'team-1',
  managingOrganization: 'centre-1',
  hypertensionSince: null,
  diabetesSince: null,
  ascvdSince: null,
  bp: [{ id: 'bp1', date: '2025-09-01', sbp: 124, dbp: 78 }],
  glucose: [],
  dispenses: [],
  visits: ['2025-09-01'],
  factors: {
    tc: { id: 'tc1', date: '2025-06-01', value: 4.8 },
    hdl: { id: 'hdl1', date: '2025-06-01', value: 1.3 },
    waist: { id: 'w1', date: '2025-06-01', value: 84 },
    bmi: { id: 'bmi1', date: '2025-06-01', value: 23 },
  },
};

describe('planResident: China-PAR and the lifetime assessment', () => {
  it('records that a lifetime assessment is due but not computed, and which coefficients were used', () => {
    const par = planResident(young, '2025-12-20', {}).assessments.find((a) => a.model === 'china-par');
    expect(par).toBeDefined();
    expect(par?.predictions[0].probability).toBeLessThan(0.1);
    expect(par?.version).toBe('Yang 2016, paper-example coefficients'); // the default set (issue 7: reproduce the paper)
    expect(par?.explanation).toMatchObject({ lifetimeAssessmentIndicated: true, lifetimeRisk: null });
    expect(par?.summary).toMatch(/lifetime risk indicated by the 2019 guideline but not computed/);
  });

  it('does not flag it at 60 years and over', () => {
    const older = { ...young, birthDate: '1960-03-01' };
    const par = planResident(older, '2025-12-20', {}).assessments.find((a) => a.model === 'china-par');
    expect(par?.explanation).toMatchObject({ lifetimeAssessmentIndicated: false });
    expect(par?.summary).not.toMatch(/lifetime/);
  });

  it('applies the lipid guidelines\' lifetime rule at intermediate risk under 55 and asks for statin counselling when it is high', () => {
    // 50-year-old smoker, SBP 150/100, TC 6.4 / HDL 1.2: intermediate 10-year risk; blood pressure, non-HDL 5.2 and smoking are three factors.
    const smoker: ResidentHistory = {
      ...young,
      birthDate: '1975-03-01',
      bp: [{ id: 'bp1', date: '2025-09-01', sbp: 150, dbp: 100 }],
      factors: { ...young.factors, tc: { id: 'tc1', date: '2025-06-01', value: 6.4 }, hdl: { id: 'hdl1', date: '2025-06-01', value: 1.2 }, waist: { id: 'w1', date: '2025-06-01', value: 90 }, smoker: { id: 's1', date: '2025-06-01', value: 1 } },
    };
    const plan = planResident(smoker, '2025-12-20', {});
    const par = plan.assessments.find((a) => a.model === 'china-par');
    expect(par?.predictions[0].stratum).toBe('moderate');
    expect(par?.explanation).toMatchObject({ lifetimeRiskHigh: true, lifetimeRiskFactors: ['blood pressure ≥ 160/100', 'non-HDL-C ≥ 5.2 mmol/L', 'current smoker'] });
    expect(par?.summary).toMatch(/lifetime risk high \(3 of 5 guideline risk factors\)/);
    const statin = plan.interventions.filter((i) => i.code === 'statin-counselling');
    expect(statin).toHaveLength(1);
    expect(statin[0].reason.text).toMatch(/intermediate.*high lifetime risk/);

    // Without smoking and with a normal pressure only non-HDL is left: not high, no statin counselling.
    const calmer = planResident({ ...smoker, bp: [{ id: 'bp1', date: '2025-09-01', sbp: 150, dbp: 90 }], factors: { ...smoker.factors, smoker: { id: 's1', date: '2025-06-01', value: 0 } } }, '2025-12-20', {});
    const calmPar = calmer.assessments.find((a) => a.model === 'china-par');
    expect(calmPar?.predictions[0].stratum).toBe('moderate');
    expect(calmPar?.explanation).toMatchObject({ lifetimeRiskHigh: false });
    expect(calmer.interventions.some((i) => i.code === 'statin-counselling')).toBe(false);
  });
});
