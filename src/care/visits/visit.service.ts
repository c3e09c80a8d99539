/**
 * Village-clinic visit (issue 10: "minor and chronic illness treated without leaving the village"):
 * one call records the Encounter, its measurements, diagnoses, prescriptions (and dispenses) and
 * the outcome — resolved in the village, a teleconsultation asked, or a referral — in ONE store
 * transaction: the referral comes from the ReferralService and the teleconsultation from the
 * TeleconsultService (their `prepare`), written in the visit's transaction, so a visit is recorded
 * with its escalation or not at all. The store checks every resource against the caller's scope.
 */
import type { Principal } from '../../foundation/access/index.js';
import { accessDenied, outcomes, validateInput, type FhirStore, type WriteSession } from '../../foundation/fhir/index.js';
import { facilities, facilityLevel, ReferralService, worksIn, type ReferralAccess } from '../referral/index.js';
import { TeleconsultService } from '../teleconsult/index.js';
import { buildVisit, visitResources } from './visit-fhir.js';
import type { VisitInput } from './visit-input.js';

export class VisitService {
  private readonly referrals: ReferralService;
  private readonly teleconsults: TeleconsultService;

  constructor(
    private readonly store: FhirStore,
    private readonly access: ReferralAccess,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.referrals = new ReferralService(store, access, clock);
    this.teleconsults = new TeleconsultService(store, access, clock);
  }

  /** Records a visit; 400 bad input or clinic, 403 clinic or patient outside the caller's scope, 404 unknown patient. Nothing is written on any error. */
  async record(principal: Principal, input: VisitInput) {
    const ctx = this.access.contextOf(principal);
    const clinic = (await facilities(this.store.db, [input.clinic])).get(input.clinic);
    if (!clinic) outcomes.fail(`clinic: no Organization/${input.clinic}`, 'clinic');
    // Level 1 of tiered care (facility-level.ts): the visit is "in the village".
    if (facilityLevel(clinic.type, clinic.orgUnit) !== 1) outcomes.fail('clinic must be a village clinic (facility type village-clinic, or a 12-digit village org unit)', 'clinic');
    if (!worksIn(principal, clinic.orgUnit)) {
      await this.access.audit(principal.name, 'visit-create', 'denied', input.clinic);
      throw accessDenied('Only staff of the clinic may record its visits');
    }
    await this.store.read(ctx, 'Patient', input.patient);
    const encounter = this.store.newId();
    let escalation: { kind: 'referral' | 'teleconsult'; id: string; write: (s: WriteSession) => Promise<void> } | null = null;
    if (input.outcome.kind === 'referred') {
      const staged = await this.referrals.prepare(principal, { ...input.outcome.referral, patient: input.patient, requester: input.clinic });
      escalation = { kind: 'referral', ...staged };
    } else if (input.outcome.kind === 'teleconsult') {
      const staged = await this.teleconsults.prepare(principal, { ...input.outcome.teleconsult, patient: input.patient, requester: input.clinic, encounter });
      escalation = { kind: 'teleconsult', ...staged };
    }
    const visit = buildVisit(input, {
      encounter,
      newId: () => this.store.newId(),
      ...(escalation?.kind === 'referral' ? { referral: escalation.id } : {}),
      ...(escalation?.kind === 'teleconsult' ? { teleconsult: escalation.id } : {}),
    });
    await this.store.inTransaction(ctx, async (session) => {
      for (const resource of visitResources(visit)) {
        await this.store.createIn(session, validateInput(resource, resource.resourceType), resource.resourceType, resource.id as string);
      }
      await escalation?.write(session);
    });
    const ids = <T extends { id?: string }>(list: T[]) => list.map((r) => r.id as string);
    return {
      encounter,
      observations: ids(visit.observations),
      conditions: ids(visit.conditions),
      medicationRequests: ids(visit.medicationRequests),
      medicationDispenses: ids(visit.medicationDispenses),
      outcome: {
        kind: input.outcome.kind,
        ...(escalation?.kind === 'referral' ? { referral: await this.referrals.get(principal, escalation.id) } : {}),
        ...(escalation?.kind === 'teleconsult' ? { teleconsult: await this.teleconsults.get(principal, escalation.id) } : {}),
      },
    };
  }
}
