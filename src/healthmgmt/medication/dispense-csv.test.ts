import { describe, expect, it } from 'vitest';
import { adherence } from './adherence.js';
import { DispenseCsvError, formatAdherenceCsv, parseDispenseCsv } from './dispense-csv.js';

describe('dispense CSV', () => {
  it('parses, computes and formats', () => {
    const csv = 'patient,drug,class,date,days_supply\np1,amlodipine,CCB,2024-01-01,30\np1,amlodipine,CCB,2024-02-01,30\np2,metformin,BIG,2024-01-05,30\n';
    const out = formatAdherenceCsv(adherence(parseDispenseCsv(csv), '2024-01-01', '2024-03-31'));
    expect(out).toBe('patient,pdc,mpr,adherent\np1,0.659341,0.659341,0\np2,,,\n');
  });
  it('accepts columns in any order', () => {
    const fills = parseDispenseCsv('date,patient,days_supply,class,drug\n2024-01-01,p1,30,CCB,amlodipine\n');
    expect(fills[0]).toEqual({ patient: 'p1', drug: 'amlodipine', drugClass: 'CCB', date: '2024-01-01', daysSupply: 30 });
  });
  it.each([
    ['patient,drug,date,days_supply\n', /:1: missing column 'class'/],
    ['patient,drug,class,date,days_supply\np1,a,C,2024-02-30,30\n', /x\.csv:2: date '2024-02-30'/],
    ['patient,drug,class,date,days_supply\np1,a,C,2024-02-01,30\np1,a,C,2024-03-01,-5\n', /x\.csv:3: days_supply '-5'/],
    ['patient,drug,class,date,days_supply\np1,a,C,2024-02-01\n', /x\.csv:2: expected 5 fields/],
  ])('names the line of bad input %#', (csv, message) => {
    expect(() => parseDispenseCsv(csv, 'x.csv')).toThrow(DispenseCsvError);
    expect(() => parseDispenseCsv(csv, 'x.csv')).toThrow(message);
  });
});
