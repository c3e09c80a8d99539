import { describe, expect, it } from 'vitest';
import { EMPTY_VISIT, visitBody } from './visit-form';

describe('visit form → body', () => {
  it('leaves empty fields out and builds a resolved visit', () => {
    expect(visitBody({ ...EMPTY_VISIT, patient: ' p1 ', clinic: 'c1' }, [])).toEqual({ patient: 'p1', clinic: 'c1', outcome: { kind: 'resolved' } });
  });
  it('measurements, diagnoses, a dispensed prescription and a teleconsultation with an attachment', () => {
    const body = visitBody({ ...EMPTY_VISIT, patient: 'p1', clinic: 'c1', systolic: '150', diastolic: '95', temperature: '38.2', diagnoses: 'J06.9, I10', atc: 'n02be01', daysSupply: '3', perDay: '3', quantity: '9', dispensed: true, outcome: 'teleconsult', consultant: 't1', question: ' rash? ' }, [{ contentType: 'image/jpeg', data: 'AAAA' }]);
    expect(body).toEqual({
      patient: 'p1', clinic: 'c1', bp: { systolic: 150, diastolic: 95 }, temperature: 38.2, diagnoses: [{ code: 'J06.9' }, { code: 'I10' }],
      prescriptions: [{ atc: 'N02BE01', daysSupply: 3, perDay: 3, quantity: 9, dispensed: { quantity: 9 } }],
      outcome: { kind: 'teleconsult', consultant: 't1', question: 'rash?', priority: 'routine', attachments: [{ contentType: 'image/jpeg', data: 'AAAA' }] },
    });
  });
  it('a referral carries performer and priority', () => {
    expect(visitBody({ ...EMPTY_VISIT, patient: 'p1', clinic: 'c1', outcome: 'referred', performer: 'h1', priority: 'urgent', note: 'BP 190/115' }, []).outcome).toEqual({ kind: 'referred', performer: 'h1', priority: 'urgent', note: 'BP 190/115' });
  });
});
