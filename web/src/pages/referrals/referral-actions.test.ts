import { describe, expect, it } from 'vitest';
import { checkTransition, nextStates } from '../../../../src/care/referral/referral-state';
import { allowedActions, asState, REFERRAL_STATES, sendingFacilities, sideOf, slaSummary } from './referral-actions';

describe('allowedActions', () => {
  it('offers the receiver accept and reject of a requested referral, the sender only cancel', () => {
    expect(allowedActions('requested', ['receiver'])).toEqual(['accepted', 'rejected']);
    expect(allowedActions('requested', ['sender'])).toEqual(['cancelled']);
    expect(allowedActions('requested', ['receiver', 'sender'])).toEqual(['accepted', 'rejected', 'cancelled']);
    expect(allowedActions('requested', [])).toEqual([]);
  });

  it('never offers a move the state machine refuses, for any state and side', () => {
    for (const from of REFERRAL_STATES) {
      for (const side of ['receiver', 'sender'] as const) {
        const offered = allowedActions(from, [side]);
        for (const to of offered) expect(checkTransition(from, to)).toEqual({ ok: true, side });
        // Everything the machine allows this side is offered.
        expect(offered.length).toBe(nextStates(from).filter((to) => sideOf(from, to) === side).length);
      }
    }
  });

  it('offers nothing after a final state and closing only to the sender of a returned referral', () => {
    for (const s of ['rejected', 'closed', 'cancelled'] as const) expect(allowedActions(s, ['receiver', 'sender'])).toEqual([]);
    expect(allowedActions('returned', ['receiver'])).toEqual([]);
    expect(allowedActions('returned', ['sender'])).toEqual(['closed']);
    expect(allowedActions('scheduled', ['receiver'])).toEqual(['seen']);
    expect(allowedActions('accepted', ['receiver'])).not.toContain('seen');
  });
});

describe('slaSummary', () => {
  const due = '2026-03-02T00:00:00.000Z';
  it('shows the seen timer until the patient is returned', () => {
    expect(slaSummary({ sla: { seen: { due, met: null, overdue: true }, returnCheck: null, overdue: true } })).toEqual({ timer: 'seen', state: 'overdue', due });
    expect(slaSummary({ sla: { seen: { due, met: null, overdue: false }, returnCheck: null, overdue: false } })).toEqual({ timer: 'seen', state: 'open', due });
    expect(slaSummary({ sla: { seen: { due, met: false, overdue: false }, returnCheck: null, overdue: false } }).state).toBe('missed');
  });
  it('shows the return check once returned, and nothing when no timer runs', () => {
    expect(slaSummary({ sla: { seen: { due, met: true, overdue: false }, returnCheck: { due: '2026-04-01T00:00:00.000Z', met: true, overdue: false }, overdue: false } })).toEqual({ timer: 'returnCheck', state: 'met', due: '2026-04-01T00:00:00.000Z' });
    expect(slaSummary({ sla: { seen: null, returnCheck: null, overdue: false } })).toEqual({ timer: null, state: 'none', due: null });
  });
});

describe('asState', () => {
  it('accepts the machine states only', () => {
    expect(asState('accepted')).toBe('accepted');
    expect(asState('nonsense')).toBeUndefined();
    expect(asState(null)).toBeUndefined();
  });
});

describe('sendingFacilities', () => {
  const f = (id: string, orgUnit: string) => ({ id, code: id, name: id, type: 'village-clinic', orgUnit });
  const all = [f('hospital', '330109'), f('town', '330109001'), f('clinic', '330109001001'), f('other', '330109002001')];
  it('offers the facilities serving the grant units and below', () => {
    expect(sendingFacilities(all, ['330109001001'], false).map((x) => x.id)).toEqual(['clinic']);
    expect(sendingFacilities(all, ['330109001'], false).map((x) => x.id)).toEqual(['town', 'clinic']);
  });
  it('offers all on a platform-wide grant or an open server', () => {
    expect(sendingFacilities(all, [], true)).toHaveLength(4);
    expect(sendingFacilities(all, [], false)).toHaveLength(4);
  });
});
