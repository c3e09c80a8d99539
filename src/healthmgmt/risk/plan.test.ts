import { describe, expect, it } from 'vitest';
import type { Task } from '@medplum/fhirtypes';
import { chinaPar10YearRisk, chineseDiabetesRiskScore, type LogisticModel } from './models/index.js';
import { FEATURE_NAMES, type ResidentHistory } from './features.js';
import { riskAssessmentResource, stableId, taskResource } from './fhir-resources.js';
import { DEFAULT_STRATA, type TrainedModelFile } from './model-file.js';
import { planResident } from './plan.js';
import { taskRow } from './projector.js';

const h: ResidentHistory = {
  residentId: 'p1',
  orgUnit: '330109001001',
  sex: 'male',
  birthDate: '1962-03-01',
  careTeam: 'team-1',
  managingOrganization: 'centre-1',
  hypertensionSince: '2019-05-01',
  diabetesSince: null,
  ascvdSince: null,
  bp: [
    { id: 'bp1', date: '2025-09-01', sbp: 150, dbp: 92 },
    { id: 'bp2', date: '2025-12-01', sbp: 156, dbp: 94 },
  ],
  glucose: [],
  dispenses: [{ date: '2025-12-10', drug: 'C09CA01', drugClass: 'C09CA', daysSupply: 28 }],
  visits: ['2025-09-01', '2025-12-01'],
  factors: {
    tc: { id: 'tc1', date: '2025-06-01', value: 5.6 },
    hdl: { id: 'hdl1', date: '2025-06-01', value: 1.0 },
    waist: { id: 'w1', date: '2025-06-01', value: 92 },
    bmi: { id: 'bmi1', date: '2025-06-01', value: 27 },
    smoker: { id: 's1', date: '2025-06-01', value: 1 },
  },
};
const ASOF = '2025-12-20';

/** A model whose log-odds is 0.05 × (last SBP − 140): p > 0.5 exactly when the last SBP is above 140. */
function fakeModel(): TrainedModelFile {
  const p = FEATURE_NAMES.length;
  const model: LogisticModel = {
    featureNames: [...FEATURE_NAMES],
    intercept: 0,
    coefficients: FEATURE_NAMES.map((n) => (n === 'lastSbp' ? 0.05 : 0)),
    means: FEATURE_NAMES.map((n) => (n === 'lastSbp' ? 140 : 0)),
    sds: new Array<number>(p).fill(1),
    iterations: 1,
    converged: true,
  };
  return { id: 'bp-lr-test', model, strata: DEFAULT_STRATA } as unknown as TrainedModelFile;
}

describe('planResident', () => {
  it('runs the learned model, China-PAR, CDRS and the triggers, and plans one Task per intervention', () => {
    const plan = planResident(h, ASOF, { model: fakeModel() });
    expect(plan.assessments.map((a) => a.model)).toEqual(['bp-uncontrolled-lr', 'china-par', 'cdrs', 'guideline-triggers']);
    const lr = plan.assessments[0];
    expect(lr.predictions[0].probability).toBeCloseTo(1 / (1 + Math.exp(-0.05 * 16)), 4);
    expect(lr.predictions[0].stratum).toBe('high');
    expect((lr.explanation as { topContributions: { feature: string }[] }).topContributions[0].feature).toBe('lastSbp');
    const par = chinaPar10YearRisk({ sex: 'male', ageYears: 63, sbpMmHg: 156, bpTreated: true, tcMmolL: 5.6, hdlMmolL: 1.0, waistCm: 92, currentSmoker: true, diabetes: false, region: 'south', urban: false, familyHistoryAscvd: false });
    expect(plan.assessments[1].predictions[0].probability).toBeCloseTo(par.risk, 4);
    expect(plan.assessments[1].inputs.assumed).toEqual(['region', 'urban', 'familyHistoryAscvd']);
    const cdrs = chineseDiabetesRiskScore({ ageYears: 63, sex: 'male', waistCm: 92, bmiKgM2: 27, sbpMmHg: 156, familyHistoryDiabetes: false });
    expect(plan.assessments[2].explanation).toMatchObject({ score: cdrs.score });
    const codes = plan.interventions.map((i) => i.code);
    expect(codes).toContain('bp-control-visit');
    expect(codes).toContain('referral'); // two uncontrolled readings
    expect(codes.includes('statin-counselling')).toBe(par.risk >= 0.1);
    expect(codes.includes('ogtt')).toBe(cdrs.score >= 25);
    expect(new Set(codes).size).toBe(codes.length);
    const referral = plan.interventions.find((i) => i.code === 'referral');
    expect(referral?.reason).toMatchObject({ system: 'trigger', code: 'bp-uncontrolled-twice' });
    expect(referral?.dueBy).toBe(ASOF); // the 14 days ran out on 2025-12-15: due now, not in the past
  });

  it('leaves out what does not apply', () => {
    const controlled = { ...h, bp: [{ id: 'bp1', date: '2025-12-01', sbp: 100, dbp: 70 }], diabetesSince: '2020-01-01', ascvdSince: '2023-01-01' };
    const plan = planResident(controlled, ASOF, { model: fakeModel() });
    expect(plan.assessments.map((a) => a.model)).toEqual(['bp-uncontrolled-lr']); // no China-PAR after a stroke, no CDRS with diabetes, no trigger
    expect(plan.assessments[0].predictions[0].stratum).toBe('low');
    expect(plan.interventions).toEqual([]);
    expect(planResident({ ...h, factors: {} }, ASOF).assessments.map((a) => a.model)).toEqual(['guideline-triggers']);
  });

  it('turns an urgent reading into a same-day referral', () => {
    const urgent = { ...h, bp: [...h.bp, { id: 'bp3', date: '2025-12-19', sbp: 186, dbp: 100 }] };
    const i = planResident(urgent, ASOF).interventions.find((x) => x.code === 'urgent-referral');
    expect(i).toMatchObject({ priority: 'stat', dueBy: ASOF, reason: { code: 'urgent-bp' } }); // due the reading day, never before the run
  });
});

describe('FHIR resources', () => {
  const plan = planResident(h, ASOF, { model: fakeModel() });
  const ra = riskAssessmentResource(h, ASOF, plan.assessments[1]);
  const i = plan.interventions.find((x) => x.code === 'referral')!;
  const task = taskResource(h, ASOF, i, riskAssessmentResource(h, ASOF, plan.assessments[i.assessment]));

  it('RiskAssessment cites the equation and carries probability, basis and inputs', () => {
    expect(ra.id).toBe(stableId('ra', 'china-par', 'p1', ASOF));
    expect(ra.method?.text).toMatch(/Yang X et al\., Circulation 2016/);
    expect(ra.basis?.map((b) => b.reference)).toEqual(['Observation/bp2', 'Observation/tc1', 'Observation/hdl1', 'Observation/w1', 'Observation/s1']);
    expect(ra.prediction?.[0].probabilityDecimal).toBeGreaterThan(0);
    expect(JSON.parse(ra.extension?.[0].valueString ?? '{}')).toMatchObject({ sbpMmHg: 156, bpTreated: true });
  });

  it('Task is requested, owned by the CareTeam and focused on the RiskAssessment', () => {
    expect(task).toMatchObject({ status: 'requested', intent: 'order', owner: { reference: 'CareTeam/team-1' }, for: { reference: 'Patient/p1' } });
    expect(task.focus?.reference).toMatch(/^RiskAssessment\/ra-/);
    expect(taskResource({ ...h, careTeam: null }, ASOF, i, ra).owner).toEqual({ reference: 'Organization/centre-1' });
  });

  it('projects a completed Task with its outcome, and ignores Tasks that are not ours', () => {
    const done: Task = { ...task, status: 'completed', executionPeriod: { end: '2025-12-28T10:00:00+08:00' }, output: [{ type: { text: 'outcome' }, valueString: 'BP 138/86 at visit' }] };
    expect(taskRow('t1', 'p1', '330109001001', done)).toMatchObject({ code: 'referral', reason: 'bp-uncontrolled-twice', status: 'completed', completed: '2025-12-28', outcome: 'BP 138/86 at visit' });
    expect(taskRow('t2', 'p1', null, { resourceType: 'Task', status: 'requested', intent: 'order', authoredOn: '2025-01-01' })).toBeNull();
    const bare: Task = { ...task, status: 'completed', meta: { lastUpdated: '2026-01-03T02:00:00.000Z' } };
    expect(taskRow('t3', 'p1', null, bare)).toMatchObject({ completed: '2026-01-03', outcome: null }); // the write date, not lastModified
  });
});
