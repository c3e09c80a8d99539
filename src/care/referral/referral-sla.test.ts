import { describe, expect, it } from 'vitest';
import { facilityLevel, referralDirection } from './facility-level.js';
import { DEFAULT_SLA, returnCheckDue, seenDue, slaStatus, type SlaFacts } from './referral-sla.js';

const T0 = new Date('2025-06-01T08:00:00+08:00');
const h = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const d = (days: number) => h(days * 24);
const facts = (f: Partial<SlaFacts>): SlaFacts => ({ status: 'requested', priority: 'routine', requestedAt: T0, seenAt: null, returnedAt: null, closedAt: null, ...f });

describe('SLA timers', () => {
  it('due times: urgent seen in 24 h, routine in 14 days, return check 14 days after return', () => {
    expect(seenDue('urgent', T0)).toEqual(h(24));
    expect(seenDue('routine', T0)).toEqual(d(14));
    expect(returnCheckDue(d(3))).toEqual(d(17));
    expect(seenDue('urgent', T0, { ...DEFAULT_SLA, urgentSeenHours: 2 })).toEqual(h(2));
  });

  it.each([
    ['urgent, open at 23 h', facts({ priority: 'urgent' }), h(23), { met: null, overdue: false }],
    ['urgent, open at 24 h exactly', facts({ priority: 'urgent', status: 'accepted' }), h(24), { met: null, overdue: false }],
    ['urgent, open at 25 h', facts({ priority: 'urgent', status: 'scheduled' }), h(25), { met: null, overdue: true }],
    ['urgent, seen at 24 h (inclusive)', facts({ priority: 'urgent', status: 'seen', seenAt: h(24) }), d(30), { met: true, overdue: false }],
    ['urgent, seen at 30 h', facts({ priority: 'urgent', status: 'seen', seenAt: h(30) }), d(30), { met: false, overdue: false }],
    ['routine, open at 13 days', facts({}), d(13), { met: null, overdue: false }],
    ['routine, open at 15 days', facts({}), d(15), { met: null, overdue: true }],
    ['routine, seen at 10 days', facts({ status: 'seen', seenAt: d(10) }), d(40), { met: true, overdue: false }],
  ] as const)('seen timer: %s', (_name, f, now, expected) => {
    const s = slaStatus(f, now);
    expect(s.seen).toMatchObject(expected);
    expect(s.overdue).toBe(expected.overdue);
    expect(s.returnCheck).toBeNull();
  });

  it('no seen timer for a referral rejected or cancelled before it was seen', () => {
    expect(slaStatus(facts({ status: 'rejected' }), d(100))).toEqual({ seen: null, returnCheck: null, overdue: false });
    expect(slaStatus(facts({ status: 'cancelled', priority: 'urgent' }), d(100)).overdue).toBe(false);
  });

  it('return check: overdue 14 days after return until closed; met when closed in time', () => {
    const returned = facts({ status: 'returned', seenAt: d(2), returnedAt: d(5) });
    expect(slaStatus(returned, d(19)).returnCheck).toEqual({ due: d(19), met: null, overdue: false });
    const late = slaStatus(returned, new Date(d(19).getTime() + 1));
    expect(late.returnCheck?.overdue).toBe(true);
    expect(late.overdue).toBe(true);
    expect(slaStatus({ ...returned, status: 'closed', closedAt: d(12) }, d(60)).returnCheck).toEqual({ due: d(19), met: true, overdue: false });
    expect(slaStatus({ ...returned, status: 'closed', closedAt: d(20) }, d(60)).returnCheck).toEqual({ due: d(19), met: false, overdue: false });
  });
});

describe('levels and direction', () => {
  it.each([
    ['village-clinic', null, 1],
    ['township-centre', null, 2],
    ['district-hospital', null, 3],
    ['specialised-centre', null, 3],
    [null, '330109001001', 1],
    [null, '330109001', 2],
    [null, '330109', 3],
    [null, 'x', null],
    [null, null, null],
  ] as const)('facility type %s, org unit %s → level %s', (type, unit, level) => {
    expect(facilityLevel(type, unit)).toBe(level);
  });

  it('up towards the hospital, down back to the village, lateral at one level', () => {
    expect(referralDirection(1, 2)).toBe('up');
    expect(referralDirection(1, 3)).toBe('up');
    expect(referralDirection(3, 1)).toBe('down');
    expect(referralDirection(2, 1)).toBe('down');
    expect(referralDirection(3, 3)).toBe('lateral');
  });
});
