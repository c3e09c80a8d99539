/**
 * Specialised-disease centres: the configured centres, enrolment of one patient through the
 * store (criteria checked on the Conditions the caller may read), and the centre indicators
 * (aggregates of an org unit). Every write goes through the FhirStore (scope check, versioning,
 * audit and the centres projector in one transaction).
 */
import type { Condition } from '@medplum/fhirtypes';
import type { AccessService, Principal } from '../../foundation/access/index.js';
import { insertAudit, OperationOutcomeError, outcomes, validateInput, type FhirStore } from '../../foundation/fhir/index.js';
import { linkedPatientIds } from '../../foundation/mpi/index.js';
import { matchingCode, type CentreDefinition } from './centres-config.js';
import { buildEnrolment } from './centres-fhir.js';
import { centreFacility, enrolmentsByMonth, listEnrolments, lockResidentCentre, managedCounts, openEnrolment, pathwayMilestones, residentOfPatient } from './centres.repository.js';
import { ARRIVAL_LOOKBACK_HOURS, arrivalFor, measure, PATHWAY_RULES, summariseByMonth, type Milestone } from './pathway.js';
import { pushTo } from '../../foundation/collections.js';

/** 409 OperationOutcome. */
function conflict(text: string): OperationOutcomeError {
  return new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', details: { text } }] });
}

/** 422 OperationOutcome (a business rule not met: the enrolment criteria). */
function unmet(text: string, expression: string): OperationOutcomeError {
  return new OperationOutcomeError({ resourceType: 'OperationOutcome', id: 'business-rule', issue: [{ severity: 'error', code: 'business-rule', details: { text }, expression: [expression] }] });
}

export interface EnrolInput {
  patient: string;
  /** Optional: the qualifying Condition (else the first active matching one). */
  condition?: string;
  /** Enrolment time (default now). */
  at?: Date;
}

export type CentresAccess = Pick<AccessService, 'contextOf' | 'authorizeAggregate'>;

export class CentresService {
  constructor(
    private readonly store: FhirStore,
    private readonly access: CentresAccess,
    readonly centres: readonly CentreDefinition[],
    private readonly clock: () => Date = () => new Date(),
  ) {}

  centre(code: string): CentreDefinition {
    const c = this.centres.find((x) => x.code === code);
    if (!c) throw new OperationOutcomeError(outcomes.notFoundOutcome(`no centre ${code}; configured: ${this.centres.map((x) => x.code).join(', ')}`));
    return c;
  }

  /** The configured centres with their facility, criteria, source and pathway target. */
  async list() {
    return Promise.all(
      this.centres.map(async (c) => {
        const facility = await centreFacility(this.store.db, c);
        return {
          code: c.code,
          name: c.name,
          nameZh: c.nameZh ?? null,
          criteria: c.criteria.map((r) => (r.from === r.to ? r.from : `${r.from}–${r.to}`)),
          source: c.source,
          facility,
          pathway: c.pathway ? { ...PATHWAY_RULES[c.pathway] } : null,
        };
      }),
    );
  }

  /** Enrols a patient: 201 with the episode; 422 criteria unmet; 409 already enrolled; 403/404 from the store. */
  async enrol(principal: Principal, code: string, input: EnrolInput) {
    const centre = this.centre(code);
    const ctx = this.access.contextOf(principal);
    await this.store.read(ctx, 'Patient', input.patient);
    const patients = [...new Set([input.patient, ...(await linkedPatientIds(this.store.db, input.patient))])];
    const found = await this.store.search(ctx, 'Condition', { patient: [patients.join(',')], _count: ['1000'] });
    const conditions = found.matches.map((m) => JSON.parse(m.json) as Condition);
    const candidates = input.condition ? conditions.filter((c) => c.id === input.condition) : conditions;
    if (input.condition && candidates.length === 0) outcomes.fail(`condition: no Condition/${input.condition} of this patient that you may read`, 'condition');
    const qualifying = candidates.map((c) => ({ c, code: matchingCode(centre, c) })).find((x) => x.code !== null);
    if (!qualifying) {
      const ranges = centre.criteria.map((r) => (r.from === r.to ? r.from : `${r.from}–${r.to}`)).join(', ');
      throw unmet(`the patient has no active Condition coded ICD-10 ${ranges}: not eligible for the ${centre.name}`, input.condition ? 'condition' : 'patient');
    }
    const facility = await centreFacility(this.store.db, centre);
    if (!facility) outcomes.fail(`the ${centre.name} is bound to no facility of the district (configure centres[].facility)`, 'centre');
    const residentId = await residentOfPatient(this.store.db, input.patient);
    if (!residentId) throw new OperationOutcomeError(outcomes.notFoundOutcome(`Patient/${input.patient} not found`));
    const at = (input.at ?? this.clock()).toISOString();
    const id = this.store.newId();
    const episode = buildEnrolment({ id, centre: centre.code, centreName: centre.name, patient: input.patient, facility: facility.id, condition: qualifying.c.id ?? null, start: at });
    await this.store.inTransaction(ctx, async (session) => {
      // One open enrolment per resident and centre, also under concurrent requests (lock, then check).
      await lockResidentCentre(session.ex, centre.code, residentId);
      const open = await openEnrolment(session.ex, centre.code, residentId);
      if (open) throw conflict(`already enrolled in the ${centre.name} since ${new Date(open.enrolled).toISOString()} (EpisodeOfCare/${open.episode_id})`);
      await this.store.createIn(session, validateInput(episode, 'EpisodeOfCare'), 'EpisodeOfCare', id);
    });
    return { id, centre: centre.code, patient: input.patient, facility, condition: { id: qualifying.c.id, code: qualifying.code }, enrolled: at, status: 'active' };
  }

  /** The centre's registry under the caller's scope (EpisodeOfCare rows it may read); every listed row is audited. */
  async registry(principal: Principal, code: string, q: { orgUnit: string; all: boolean; count: number; offset: number }) {
    const centre = this.centre(code);
    const ctx = this.access.contextOf(principal);
    if (ctx.access && !ctx.access.canReadType('EpisodeOfCare')) throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Access denied: the registry needs access to patient records' } }] });
    const page = await listEnrolments(this.store.db, { centre: centre.code, readable: ctx.access?.readable, ...q });
    const now = this.clock();
    if (page.rows.length > 0) {
      await insertAudit(this.store.db, page.rows.map((r) => ({ recorded: now, actor: ctx.actor, action: 'centre-registry', resourceType: 'EpisodeOfCare', resourceId: r.episode_id, residentId: r.resident_id, outcome: 'success', detail: centre.code })));
    }
    const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
    return {
      centre: centre.code,
      total: page.total,
      count: q.count,
      offset: q.offset,
      next: q.offset + page.rows.length < page.total ? q.offset + q.count : null,
      rows: page.rows.map((r) => ({ episode: r.episode_id, patient: r.patient_id, orgUnit: r.org_unit, facility: r.facility, condition: r.condition_id, enrolled: iso(r.enrolled), ended: iso(r.ended), status: r.status })),
    };
  }

  /** Per centre: patients managed at `to`, new enrolments per month, pathway times per month. Aggregates of `orgUnit` only. */
  async indicators(principal: Principal, q: { orgUnit: string; from: string; to: string }) {
    await this.access.authorizeAggregate(principal, q.orgUnit);
    const managed = await managedCounts(this.store.db, q);
    const monthly = await enrolmentsByMonth(this.store.db, q);
    const centres = [];
    for (const c of this.centres) {
      let pathway = null;
      if (c.pathway) {
        const rule = PATHWAY_RULES[c.pathway];
        const rows = await pathwayMilestones(this.store.db, { centre: c.code, kind: rule.treatment, orgUnit: q.orgUnit, from: q.from, to: q.to, lookbackHours: ARRIVAL_LOOKBACK_HOURS });
        const byResident = new Map<string, Milestone[]>();
        const treatments: { resident: string; m: Milestone }[] = [];
        for (const r of rows) {
          const m: Milestone = { kind: r.kind, at: new Date(r.at).toISOString(), encounter: r.kind === 'arrival' ? r.resource_id : r.encounter_id };
          if (r.kind === 'arrival') pushTo(byResident, r.resident_id, m);
          else if (Date.parse(m.at) >= Date.parse(`${q.from}T00:00:00+08:00`)) treatments.push({ resident: r.resident_id, m });
        }
        const events = treatments.map(({ resident, m }) => ({ treatedAt: new Date(m.at), measurement: measure(arrivalFor(m, byResident.get(resident) ?? []), new Date(m.at), rule.targetMinutes) }));
        pathway = { ...rule, months: summariseByMonth(events) };
      }
      centres.push({
        code: c.code,
        name: c.name,
        patientsManaged: managed.byCentre.get(c.code) ?? 0,
        newEnrolments: monthly.filter((m) => m.centre === c.code).map((m) => ({ month: m.month, count: m.n })),
        pathway,
      });
    }
    // Residents managed by any centre: a resident of two centres counts once here, once in each centre below.
    return { ...q, patientsManaged: managed.residents, centres };
  }
}
