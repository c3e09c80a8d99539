/**
 * The district simulator: builds the district, then generates it village by village, resident by
 * resident, streaming every resource and truth row to a sink. Only one village's residents are in
 * memory at a time, so memory is flat in the number of residents.
 *
 * Output order: Location, Organization, Practitioner, PractitionerRole, CareTeam (the structure), then
 * for each resident their Patient record(s) followed by their clinical resources. References only point
 * backwards in this order, and only to types earlier in LOAD_ORDER.
 */
import type { Resource } from '@medplum/fhirtypes';
import { healthChecks, outpatientVisits, specialisedCare } from './care-events.js';
import { chronicCare, type EventContext } from './chronic-care.js';
import { buildDistrict, type District, type Facility, type Village } from './district.js';
import { districtResources } from './district-resources.js';
import { drawHealth, makeHealthModel, type HealthModel } from './health.js';
import { IdFactory } from './ids.js';
import { infectionEvents, planOutbreaks, villageInfections, type InfectionCase, type PlannedOutbreak } from './infectious.js';
import { dayToIso, resolveOptions, type ProgressCallback, type ResolvedOptions, type SimulationOptions, type SimulationSink } from './options.js';
import { duplicatePatient, primaryPatient, ResidentIdRegistry, type Resident } from './patient.js';
import { generateVillagePeople } from './population.js';
import { Rng } from './random.js';
import { writeTruthRows } from './truth.js';

/** Resource types in the order a loader should load their files (references point only backwards). */
export const LOAD_ORDER = [
  'Location', 'Organization', 'Practitioner', 'PractitionerRole', 'CareTeam', 'Patient',
  'Encounter', 'Condition', 'Observation', 'MedicationRequest', 'MedicationDispense',
] as const;

/** Summary returned when the simulation is done. */
export interface SimulationSummary {
  options: ResolvedOptions;
  residents: number;
  patients: number;
  resources: Record<string, number>;
  outbreaks: number;
}

/**
 * Generates a synthetic district and streams it to `sink`. Deterministic: the same options give the
 * same resources and truth rows in the same order. Awaits the sink's promises (backpressure).
 */
export async function simulateDistrict(options: SimulationOptions, sink: SimulationSink, onProgress?: ProgressCallback): Promise<SimulationSummary> {
  const opts = resolveOptions(options);
  const counts: Record<string, number> = {};
  const emit = async (r: Resource): Promise<void> => {
    counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
    const p = sink.resource(r);
    if (p) await p;
  };
  const districtRng = Rng.derive(opts.seed, 'district');
  const district = buildDistrict(opts, districtRng, new IdFactory(opts.seed, 0));
  for (const r of districtResources(district)) await emit(r);
  const outbreaks = planOutbreaks(districtRng, district, opts.outbreaks, opts.startDay, opts.endDay);
  const model = makeHealthModel(opts.rates);
  const registry = new ResidentIdRegistry();
  const state = { personCounter: 0, patients: 0 };
  for (const village of district.villages) {
    await simulateVillage(opts, district, village, model, registry, outbreaks.filter((o) => o.village === village), state, emit, sink);
    onProgress?.(state.personCounter, opts.residents);
  }
  return { options: opts, residents: state.personCounter, patients: state.patients, resources: counts, outbreaks: outbreaks.length };
}

async function simulateVillage(
  opts: ResolvedOptions,
  district: District,
  village: Village,
  model: HealthModel,
  registry: ResidentIdRegistry,
  outbreaks: PlannedOutbreak[],
  state: { personCounter: number; patients: number },
  emit: (r: Resource) => Promise<void>,
  sink: SimulationSink,
): Promise<void> {
  const rng = Rng.derive(opts.seed, `village:${village.code}`);
  const ids = new IdFactory(opts.seed, village.index + 1);
  const nextId = (): string => ids.next();
  const households = generateVillagePeople(rng, village, opts.startDay, district);
  const residents: Resident[] = [];
  for (const household of households) {
    for (const person of household) {
      const health = drawHealth(rng, model, person, opts.startDay, opts.endDay);
      const keyGroup = person.age >= 65 || person.age < 7 || !!health.hypertension?.aware || !!health.diabetes?.aware;
      residents.push({
        key: `R${String(++state.personCounter).padStart(8, '0')}`,
        patientId: nextId(),
        person,
        residentId: registry.issue(person.regionCode, person.birthDate, person.birthDay, person.sex),
        village,
        health,
        signed: rng.chance(keyGroup ? opts.rates.signedKeyGroups : opts.rates.signedGeneral),
        registrations: new Map(),
      });
    }
  }
  const cases = new Map<Resident, InfectionCase[]>();
  const realised = villageInfections(rng, residents, outbreaks, opts.startDay, opts.endDay, cases);
  for (const { outbreak: o, extraCases } of realised) {
    await sink.truth('outbreaks', {
      disease: o.disease.key, area: village.code, start: dayToIso(o.startDay), end: dayToIso(o.endDay), extra_cases: extraCases,
      icd10: o.disease.icd10, area_name: village.name,
    });
  }
  const ctx: EventContext = { rng, nextId, startDay: opts.startDay, endDay: opts.endDay, out: [] };
  for (const r of residents) {
    const out = ctx.out;
    out.length = 0;
    out.push(primaryPatient(r));
    const dupRows: Record<string, string | number>[] = [];
    const nDup = rng.chance(opts.rates.duplicateRate) ? (rng.chance(opts.rates.secondDuplicateRate / opts.rates.duplicateRate) ? 2 : 1) : 0;
    for (let k = 0; k < nDup; k++) {
      const facility = duplicateFacility(rng, district, r);
      if (r.registrations.has(facility.id)) continue;
      const id = nextId();
      const { patient, corruptions } = duplicatePatient(rng, r, id, facility);
      r.registrations.set(facility.id, id);
      out.push(patient);
      dupRows.push({ person: r.key, patient_id: id, record: 'duplicate', facility: facility.code, corruptions: corruptions.join(';') });
    }
    chronicCare(ctx, r);
    outpatientVisits(ctx, r, opts.rates, district);
    healthChecks(ctx, r, opts.rates);
    specialisedCare(ctx, r, district);
    const own = cases.get(r);
    if (own) infectionEvents(ctx, r, own, district);
    state.patients += 1 + r.registrations.size;
    for (const res of out) await emit(res);
    await writeTruthRows(sink, r, dupRows);
  }
}

/** Where a resident registers a second time: mostly the district hospital or its centres. */
function duplicateFacility(rng: Rng, d: District, r: Resident): Facility {
  const u = rng.float();
  if (u < 0.5) return d.hospital;
  if (u < 0.65) return rng.pick(Object.values(d.centres));
  const otherCentres = d.facilities.filter((f) => f.type === 'township-centre' && f !== r.village.centre);
  if (u < 0.9 && otherCentres.length > 0) return rng.pick(otherCentres);
  const clinics = d.facilities.filter((f) => f.type === 'village-clinic' && f !== r.village.clinic);
  return clinics.length > 0 ? rng.pick(clinics) : d.hospital;
}
