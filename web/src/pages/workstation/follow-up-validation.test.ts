import { describe, expect, it } from 'vitest';
import { checkFollowUp, fieldOfExpression, parseNumber, type FollowUpFormValues } from './follow-up-validation';

const TODAY = '2026-12-01';
const form = (over: Partial<FollowUpFormValues> = {}): FollowUpFormValues => ({
  date: TODAY,
  conditions: [],
  sbp: '',
  dbp: '',
  glucose: '',
  glucoseUnit: 'mmol/L',
  atc: '',
  daysSupply: '',
  refills: '',
  nextDate: '',
  ...over,
});

describe('checkFollowUp', () => {
  it('builds the body of a plain hypertension follow-up', () => {
    const r = checkFollowUp('p1', form({ sbp: '152', dbp: '94', nextDate: '2026-12-15' }), ['hypertension'], TODAY);
    expect(r.errors).toEqual({});
    expect(r.body).toEqual({ patient: 'p1', date: TODAY, bp: { systolic: 152, diastolic: 94 }, nextDate: '2026-12-15' });
    expect(r.warnings).toEqual([]);
  });

  it('requires BP for the hypertension programme and glucose for the diabetes programme', () => {
    const r = checkFollowUp('p1', form(), ['hypertension', 'diabetes'], TODAY);
    expect(r.errors.sbp?.key).toBe('fu.err.required');
    expect(r.errors.dbp?.key).toBe('fu.err.required');
    expect(r.errors.glucose?.key).toBe('fu.err.required');
    expect(r.body).toBeUndefined();
  });

  it('asks for a programme when the resident is in none, and sends it', () => {
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '95' }), [], TODAY).errors.conditions?.key).toBe('fu.err.conditions');
    const r = checkFollowUp('p1', form({ sbp: '150', dbp: '95', conditions: ['hypertension'] }), [], TODAY);
    expect(r.body?.conditions).toEqual(['hypertension']);
  });

  it('refuses BP outside 60–300 / 30–200 mmHg at the edges', () => {
    expect(checkFollowUp('p1', form({ sbp: '59', dbp: '40' }), ['hypertension'], TODAY).errors.sbp?.key).toBe('fu.err.range');
    expect(checkFollowUp('p1', form({ sbp: '301', dbp: '90' }), ['hypertension'], TODAY).errors.sbp?.key).toBe('fu.err.range');
    expect(checkFollowUp('p1', form({ sbp: '60', dbp: '30' }), ['hypertension'], TODAY).errors).toEqual({});
    expect(checkFollowUp('p1', form({ sbp: '300', dbp: '200' }), ['hypertension'], TODAY).errors).toEqual({});
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '29' }), ['hypertension'], TODAY).errors.dbp?.key).toBe('fu.err.range');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '201' }), ['hypertension'], TODAY).errors.dbp?.key).toBe('fu.err.range');
  });

  it('refuses systolic not above diastolic, half a pair and text', () => {
    expect(checkFollowUp('p1', form({ sbp: '90', dbp: '90' }), ['hypertension'], TODAY).errors.dbp?.key).toBe('fu.err.sbpAboveDbp');
    expect(checkFollowUp('p1', form({ sbp: '140' }), ['hypertension'], TODAY).errors.dbp?.key).toBe('fu.err.required');
    expect(checkFollowUp('p1', form({ sbp: '14o', dbp: '90' }), ['hypertension'], TODAY).errors.sbp?.key).toBe('fu.err.number');
  });

  it('accepts full-width digits', () => {
    expect(parseNumber('１５２')).toBe(152);
    expect(parseNumber(' 7.5 ')).toBe(7.5);
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('abc')).toBeNaN();
  });

  it('checks fasting glucose in mmol/L and names a value that looks like mg/dL', () => {
    expect(checkFollowUp('p1', form({ glucose: '6.1' }), ['diabetes'], TODAY).body?.glucose).toEqual({ value: 6.1, unit: 'mmol/L' });
    const mgdl = checkFollowUp('p1', form({ glucose: '126' }), ['diabetes'], TODAY);
    expect(mgdl.errors.glucose).toEqual({ key: 'fu.err.glucoseMgDl', vars: { value: 126, mmol: '7.0' } });
    expect(checkFollowUp('p1', form({ glucose: '0.5' }), ['diabetes'], TODAY).errors.glucose?.key).toBe('fu.err.range');
    expect(checkFollowUp('p1', form({ glucose: '900' }), ['diabetes'], TODAY).errors.glucose?.key).toBe('fu.err.range');
    expect(checkFollowUp('p1', form({ glucose: '126', glucoseUnit: 'mg/dL' }), ['diabetes'], TODAY).body?.glucose).toEqual({ value: 126, unit: 'mg/dL' });
  });

  it('warns (but sends) in the urgent-referral range', () => {
    const bp = checkFollowUp('p1', form({ sbp: '182', dbp: '100' }), ['hypertension'], TODAY);
    expect(bp.body).toBeDefined();
    expect(bp.warnings.map((w) => w.key)).toEqual(['fu.warn.bpUrgent']);
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '110' }), ['hypertension'], TODAY).warnings).toHaveLength(1);
    expect(checkFollowUp('p1', form({ sbp: '179', dbp: '109' }), ['hypertension'], TODAY).warnings).toHaveLength(0);
    expect(checkFollowUp('p1', form({ glucose: '3.9' }), ['diabetes'], TODAY).warnings.map((w) => w.key)).toEqual(['fu.warn.glucoseUrgent']);
    expect(checkFollowUp('p1', form({ glucose: '16.7' }), ['diabetes'], TODAY).warnings).toHaveLength(1);
    expect(checkFollowUp('p1', form({ glucose: '16.6' }), ['diabetes'], TODAY).warnings).toHaveLength(0);
  });

  it('refuses a visit in the future and a next date not after it or over a year later', () => {
    expect(checkFollowUp('p1', form({ date: '2026-12-02', sbp: '150', dbp: '90' }), ['hypertension'], TODAY).errors.date?.key).toBe('fu.err.future');
    expect(checkFollowUp('p1', form({ date: '', sbp: '150', dbp: '90' }), ['hypertension'], TODAY).errors.date?.key).toBe('fu.err.required');
    expect(checkFollowUp('p1', form({ date: '2026-02-30', sbp: '150', dbp: '90' }), ['hypertension'], TODAY).errors.date?.key).toBe('fu.err.date');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', nextDate: TODAY }), ['hypertension'], TODAY).errors.nextDate?.key).toBe('fu.err.nextAfter');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', nextDate: '2027-12-03' }), ['hypertension'], TODAY).errors.nextDate?.key).toBe('fu.err.nextWithinYear');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', nextDate: '2027-12-02' }), ['hypertension'], TODAY).errors).toEqual({});
  });

  it('checks a prescribed medicine: 1–84 days, 0–2 refills', () => {
    const ok = checkFollowUp('p1', form({ sbp: '150', dbp: '90', atc: 'C08CA01', daysSupply: '84', refills: '2' }), ['hypertension'], TODAY);
    expect(ok.body?.medicines).toEqual([{ atc: 'C08CA01', daysSupply: 84, refills: 2 }]);
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', atc: 'C08CA01', daysSupply: '85' }), ['hypertension'], TODAY).errors.daysSupply?.key).toBe('fu.err.daysSupply');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', atc: 'C08CA01', daysSupply: '' }), ['hypertension'], TODAY).errors.daysSupply?.key).toBe('fu.err.required');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', atc: 'C08CA01', daysSupply: '28', refills: '3' }), ['hypertension'], TODAY).errors.refills?.key).toBe('fu.err.refills');
    expect(checkFollowUp('p1', form({ sbp: '150', dbp: '90', atc: 'amlodipine', daysSupply: '28' }), ['hypertension'], TODAY).errors.atc?.key).toBe('fu.err.atc');
  });

  it('needs at least one measurement', () => {
    expect(checkFollowUp('p1', form({ conditions: ['hypertension'] }), [], TODAY).errors.sbp?.key).toBe('fu.err.required');
  });
});

describe('fieldOfExpression', () => {
  it('maps the server outcome expressions to form fields', () => {
    expect(fieldOfExpression('bp.systolic')).toBe('sbp');
    expect(fieldOfExpression('bp.diastolic')).toBe('dbp');
    expect(fieldOfExpression('bp')).toBe('dbp');
    expect(fieldOfExpression('glucose.value')).toBe('glucose');
    expect(fieldOfExpression('medicines[0].daysSupply')).toBe('daysSupply');
    expect(fieldOfExpression('medicines[0].atc')).toBe('atc');
    expect(fieldOfExpression('nextDate')).toBe('nextDate');
    expect(fieldOfExpression('patient')).toBeUndefined();
    expect(fieldOfExpression(undefined)).toBeUndefined();
  });
});
