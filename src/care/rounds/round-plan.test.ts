import { describe, expect, it } from 'vitest';
import { buildRoundPlan, type RoundWorkRow } from './round-plan.js';

const work = (resident: string, orgUnit: string, nextDue: string, extra: Partial<RoundWorkRow> = {}): RoundWorkRow => ({ resident, condition: 'hypertension', orgUnit, status: 'uncontrolled', nextDue, lastFollowUp: null, lastReading: null, urgent: false, urgentReason: null, referral: false, ...extra });
const base = { team: '330109001', date: '2025-06-20', urgent: [], overdue: [], due: [], riskTasks: [], refills: [], villageNames: new Map([['330109001001', '甲村']]) };

describe('buildRoundPlan', () => {
  it('orders villages by urgent + overdue residents, then residents, then code', () => {
    const plan = buildRoundPlan({
      ...base,
      due: [work('d1', '330109001001', '2025-06-21'), work('d2', '330109001001', '2025-06-22'), work('d3', '330109001001', '2025-06-23')],
      overdue: [work('o1', '330109001003', '2025-05-01')],
      refills: [{ resident: 'r1', orgUnit: '330109001002', prescription: 'mr', drug: 'C08CA01', category: 'hypertension', due: '2025-06-18', kind: 'refill' }],
    });
    expect(plan.villages.map((v) => v.orgUnit)).toEqual(['330109001003', '330109001001', '330109001002']);
    expect(plan.villages[1].name).toBe('甲村');
    expect(plan.villages[0].name).toBeNull();
    expect(plan.totals).toEqual({ villages: 3, residents: 5, urgent: 0, overdue: 1, due: 3, riskTasks: 0, refills: 1 });
  });

  it('orders residents urgent → overdue → due → risk task → refill, longest overdue first, and merges a resident’s items', () => {
    const v = '330109001001';
    const plan = buildRoundPlan({
      ...base,
      urgent: [work('u', v, '2025-06-25', { urgent: true, urgentReason: 'bp', lastReading: { date: '2025-06-10', sbp: 185, dbp: 100, glucose: null } })],
      overdue: [work('o-recent', v, '2025-06-10'), work('o-old', v, '2025-03-01'), work('u', v, '2025-06-19')],
      due: [work('d', v, '2025-06-22')],
      riskTasks: [{ task: 't', resident: 'k', orgUnit: v, code: 'ogtt', reason: null, authored: '2025-06-01', due: null }],
      refills: [{ resident: 'f', orgUnit: v, prescription: 'mr', drug: 'A10BA02', category: 'diabetes', due: '2025-06-18', kind: 'renewal' }],
    });
    const residents = plan.villages[0].residents;
    expect(residents.map((r) => [r.resident, r.priority])).toEqual([['u', 'urgent'], ['o-old', 'overdue'], ['o-recent', 'overdue'], ['d', 'due'], ['k', 'risk-task'], ['f', 'refill']]);
    expect(residents[0].items.map((i) => i.kind)).toEqual(['urgent', 'overdue']);
    expect(residents[1].items[0]).toMatchObject({ daysOverdue: 111 });
    expect(residents[5].conditions).toEqual(['diabetes']);
    expect(plan.villages[0].counts).toEqual({ residents: 6, urgent: 1, overdue: 3, due: 1, riskTasks: 1, refills: 1 });
  });

  it('is empty when nobody is due', () => {
    expect(buildRoundPlan(base)).toMatchObject({ villages: [], totals: { villages: 0, residents: 0 }, truncated: false });
  });
});
