/**
 * Care indicators (issue 10: "referral counts and completion by direction and facility, share of
 * visits resolved in the village, centre volumes"), per month, for the residents of an org unit.
 * Aggregates only (authorised like every indicator: a grant covering the org unit; the bureau reads
 * them). Definitions (numerator / denominator), months in China Standard Time:
 * - referral completion = referrals requested in the month and closed (return check done) by now /
 *   referrals requested in the month; per direction (up, down, lateral) and receiving facility.
 * - resolved in the village = village-clinic visits of the month whose outcome is `resolved` /
 *   village-clinic visits of the month recorded with an outcome (POST /api/care/visits).
 * - teleconsultations requested in the month, and the median turnaround (request → answer, minutes)
 *   of those of them answered (percentile_cont(0.5): the mean of the two middle values when even).
 * - centre volumes: the specialised-disease centres' own indicators (CentresService.indicators).
 */
import type { Principal } from '../../foundation/access/index.js';
import type { FhirStore } from '../../foundation/fhir/index.js';
import { CentresService, DEFAULT_CENTRES, type CentreDefinition } from '../centres/index.js';
import type { ReferralAccess } from '../referral/index.js';
import { referralsByMonth, teleconsultsByMonth, visitsByMonth, type Period } from './care-indicators.repository.js';

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

export class CareIndicatorsService {
  private readonly centres: CentresService;

  constructor(
    private readonly store: FhirStore,
    private readonly access: ReferralAccess,
    centres: readonly CentreDefinition[] = DEFAULT_CENTRES,
    clock: () => Date = () => new Date(),
  ) {
    this.centres = new CentresService(store, access, centres, clock);
  }

  async indicators(principal: Principal, q: Period) {
    await this.access.authorizeAggregate(principal, q.orgUnit);
    const db = this.store.db;
    const referrals = await referralsByMonth(db, q);
    const visits = await visitsByMonth(db, q);
    const teleconsults = await teleconsultsByMonth(db, q);
    const centres = await this.centres.indicators(principal, q);
    const sum = (rows: { requested: number; closed: number }[]) => {
      const requested = rows.reduce((s, r) => s + r.requested, 0);
      const closed = rows.reduce((s, r) => s + r.closed, 0);
      return { requested, closed, completion: ratio(closed, requested) };
    };
    const months = [...new Set([...referrals, ...visits, ...teleconsults].map((r) => r.month))].sort();
    return {
      ...q,
      months: months.map((m) => {
        const ref = referrals.filter((r) => r.month === m);
        const directions = [...new Set(ref.map((r) => r.direction))].sort();
        const v = visits.find((r) => r.month === m) ?? { visits: 0, resolved: 0, teleconsult: 0, referred: 0 };
        const t = teleconsults.find((r) => r.month === m) ?? { requested: 0, answered: 0, declined: 0, cancelled: 0, open: 0, medianTurnaroundMinutes: null };
        return {
          month: m,
          referrals: {
            ...sum(ref),
            byDirection: directions.map((d) => ({ direction: d, ...sum(ref.filter((r) => r.direction === d)) })),
            byFacility: ref.map((r) => ({ direction: r.direction, facility: { id: r.facility, name: r.facilityName }, requested: r.requested, closed: r.closed, completion: ratio(r.closed, r.requested) })),
          },
          visits: { total: v.visits, resolved: v.resolved, teleconsult: v.teleconsult, referred: v.referred, resolvedShare: ratio(v.resolved, v.visits) },
          teleconsults: { requested: t.requested, answered: t.answered, declined: t.declined, cancelled: t.cancelled, open: t.open, medianTurnaroundMinutes: t.medianTurnaroundMinutes },
        };
      }),
      centres: { patientsManaged: centres.patientsManaged, byCentre: centres.centres.map((c) => ({ code: c.code, name: c.name, patientsManaged: c.patientsManaged, newEnrolments: c.newEnrolments })) },
    };
  }
}
