/**
 * Which side of a referral a caller works on (pure). Patient data is guarded by the store's compiled
 * scope as everywhere; on top of it, a transition is made by the side the state machine names: the
 * receiving facility's staff (a grant whose org unit covers the performer's) or the sending
 * facility's (covering the requester's). A platform-wide grant covers both; a care-team grant names
 * no facility and covers neither.
 */
import type { Principal } from '../../foundation/access/index.js';
import type { Prefixes } from './referral.repository.js';

/** Org-unit prefixes of the caller's grants ('all' for a platform-wide grant). */
export function workPrefixes(principal: Principal): Prefixes {
  if (principal.grants.some((g) => g.orgUnit === null && g.careTeam === null)) return 'all';
  return principal.grants.filter((g) => g.orgUnit !== null).map((g) => g.orgUnit as string);
}

/** True when the caller works in `orgUnit` (a facility's org unit) or above it. */
export function worksIn(principal: Principal, orgUnit: string | null): boolean {
  const prefixes = workPrefixes(principal);
  if (prefixes === 'all') return true;
  return orgUnit !== null && prefixes.some((p) => orgUnit.startsWith(p));
}
