import { describe, expect, it } from 'vitest';
import { checkTransition, nextStates, REFERRAL_STATES, requestStatusOf, taskStatusOf, TERMINAL_STATES, type ReferralSide, type ReferralState } from './referral-state.js';

/** Every allowed transition and who makes it (issue 10); every other pair of states is forbidden. */
const ALLOWED: [ReferralState, ReferralState, ReferralSide][] = [
  ['requested', 'accepted', 'receiver'],
  ['requested', 'rejected', 'receiver'],
  ['requested', 'cancelled', 'sender'],
  ['accepted', 'scheduled', 'receiver'],
  ['accepted', 'cancelled', 'sender'],
  ['scheduled', 'seen', 'receiver'],
  ['scheduled', 'cancelled', 'sender'],
  ['seen', 'returned', 'receiver'],
  ['returned', 'closed', 'sender'],
];

const key = (from: string, to: string) => `${from}→${to}`;
const allowed = new Map(ALLOWED.map(([f, t, s]) => [key(f, t), s]));
const FORBIDDEN = REFERRAL_STATES.flatMap((from) => REFERRAL_STATES.filter((to) => !allowed.has(key(from, to))).map((to) => [from, to] as const));

describe('referral state machine', () => {
  it('has 8 × 8 pairs: 9 allowed, 55 forbidden', () => {
    expect(ALLOWED).toHaveLength(9);
    expect(FORBIDDEN).toHaveLength(64 - 9);
  });

  it.each(ALLOWED)('%s → %s is allowed for the %s', (from, to, side) => {
    expect(checkTransition(from, to)).toEqual({ ok: true, side });
    expect(nextStates(from)).toContain(to);
  });

  it.each(FORBIDDEN)('%s → %s is refused with a reason', (from, to) => {
    const check = checkTransition(from, to);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(from === to ? `already ${from}` : `A ${from} referral cannot become ${to}`);
    expect(nextStates(from)).not.toContain(to);
  });

  it('names the two classic mistakes: closing an unseen referral, accepting twice', () => {
    expect(checkTransition('scheduled', 'closed')).toEqual({ ok: false, reason: 'A scheduled referral cannot become closed (allowed next: seen, cancelled)' });
    expect(checkTransition('accepted', 'accepted')).toEqual({ ok: false, reason: 'The referral is already accepted (allowed next: scheduled, cancelled)' });
    expect(checkTransition('closed', 'cancelled')).toEqual({ ok: false, reason: 'A closed referral cannot become cancelled (closed is final)' });
  });

  it('terminal states have no way out; cancelling stops once the patient is seen', () => {
    for (const s of TERMINAL_STATES) expect(nextStates(s)).toEqual([]);
    expect(REFERRAL_STATES.filter((s) => nextStates(s).includes('cancelled'))).toEqual(['requested', 'accepted', 'scheduled']);
  });

  it('maps business states to FHIR Task.status and ServiceRequest.status', () => {
    expect(REFERRAL_STATES.map(taskStatusOf)).toEqual(['requested', 'accepted', 'rejected', 'ready', 'in-progress', 'in-progress', 'completed', 'cancelled']);
    expect(REFERRAL_STATES.map(requestStatusOf)).toEqual(['active', 'active', 'revoked', 'active', 'active', 'active', 'completed', 'revoked']);
  });
});
