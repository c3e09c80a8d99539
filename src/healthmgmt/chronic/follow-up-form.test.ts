import { describe, expect, it } from 'vitest';
import { OperationOutcomeError } from '../../foundation/fhir/index.js';
import { parseFollowUp } from './follow-up-input.js';
import { ADHERENCE_CODE, FOLLOW_UP_SYMPTOM_SYSTEM, MEDICATION_ADHERENCE_SYSTEM, SYMPTOMS_CODE, formItemObservations } from './follow-up-form.js';

const TODAY = '2025-06-30';
const base = { patient: 'p1', date: '2025-06-20' };

function refusal(body: unknown): { field: string; text: string } | 'ok' {
  try {
    parseFollowUp(body, TODAY);
    return 'ok';
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    return { field: err.outcome.issue?.[0]?.expression?.[0] ?? '?', text: err.outcome.issue?.[0]?.details?.text ?? '' };
  }
}

describe('follow-up form items: symptoms and self-reported adherence', () => {
  it('parses coded symptoms (duplicates dropped) and adherence; absent = not asked', () => {
    const f = parseFollowUp({ ...base, symptoms: ['headache-dizziness', 'leg-oedema', 'headache-dizziness'], adherence: 'intermittent' }, TODAY);
    expect(f.symptoms).toEqual(['headache-dizziness', 'leg-oedema']);
    expect(f.adherence).toBe('intermittent');
    const none = parseFollowUp(base, TODAY);
    expect(none.symptoms).toBeNull();
    expect(none.adherence).toBeNull();
    expect(parseFollowUp({ ...base, symptoms: ['none'], adherence: 'not-taking' }, TODAY)).toMatchObject({ symptoms: ['none'], adherence: 'not-taking' });
  });

  it('refuses unknown codes, "none" with a symptom, and a bad adherence, naming the field', () => {
    expect(refusal({ ...base, symptoms: ['headache-dizziness', 'fever'] })).toMatchObject({ field: 'symptoms[1]' });
    expect(refusal({ ...base, symptoms: 'headache-dizziness' })).toMatchObject({ field: 'symptoms' });
    expect(refusal({ ...base, symptoms: [] })).toMatchObject({ field: 'symptoms' });
    expect(refusal({ ...base, symptoms: ['none', 'polyuria'] })).toMatchObject({ field: 'symptoms', text: expect.stringMatching(/none/) });
    expect(refusal({ ...base, symptoms: ['toString'] })).toMatchObject({ field: 'symptoms[0]' });
    expect(refusal({ ...base, adherence: 'sometimes' })).toMatchObject({ field: 'adherence', text: 'adherence must be regular, intermittent or not-taking' });
    expect(refusal({ ...base, adherence: 1 })).toMatchObject({ field: 'adherence' });
  });

  it('builds one symptoms Observation (a component per symptom) and one adherence Observation', () => {
    const [symptoms, adherence] = formItemObservations({ symptoms: ['polyuria', 'weight-loss'], adherence: 'regular' }, { resourceType: 'Observation', status: 'final', subject: { reference: 'Patient/p1' } });
    expect(symptoms.code.coding?.[0].code).toBe(SYMPTOMS_CODE);
    expect(symptoms.category?.[0].coding?.[0].code).toBe('survey');
    expect(symptoms.component?.map((c) => [c.code.coding?.[0].system, c.code.coding?.[0].code, c.valueBoolean])).toEqual([
      [FOLLOW_UP_SYMPTOM_SYSTEM, 'polyuria', true],
      [FOLLOW_UP_SYMPTOM_SYSTEM, 'weight-loss', true],
    ]);
    expect(adherence.code.coding?.[0].code).toBe(ADHERENCE_CODE);
    expect(adherence.valueCodeableConcept?.coding?.[0]).toMatchObject({ system: MEDICATION_ADHERENCE_SYSTEM, code: 'regular', display: '规律' });
    expect(formItemObservations({ symptoms: null, adherence: null }, { resourceType: 'Observation', status: 'final' })).toEqual([]);
  });
});
