/**
 * The type-folded read predicate (AccessControl.typedReadable, scope.ts) must select exactly the
 * rows the general predicate selects, for every role, grant shape and resource type: checked in the
 * database over a small district (patients in and out of scope, a notifiable case report, reference
 * data with and without an owner, a resource without an owner). And a wrapper that widens
 * `readable` (withResources) must not be bypassed by the folded form.
 */
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAccess, ROLES, withResources, type Principal } from '../src/foundation/access/index.js';
import { CASE_REPORT_CATEGORY_SYSTEM, FAMILY_DOCTOR_TEAM_EXTENSION, ICD10_SYSTEM, ORG_UNIT_EXTENSION, readableFor, type AccessControl } from '../src/foundation/fhir/index.js';
import { createStore } from '../src/server/modules.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
const TOWN = '330109001';
const TYPES = ['Patient', 'Observation', 'Condition', 'MedicationRequest', 'Organization', 'CareTeam', 'Encounter', 'Basic'];
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await freshDatabase();
  const { store, audit } = createStore(database.db);
  const ctx = { actor: 'seed' };
  const create = async (r: Record<string, unknown>) => (await store.create(ctx, r)).version.id;
  ids.team = await create({ resourceType: 'CareTeam', name: '一队' });
  ids.org = await create({ resourceType: 'Organization', name: '卫生院', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: TOWN }] });
  await create({ resourceType: 'Organization', name: '无主机构' });
  await create({ resourceType: 'Basic', code: { text: 'no owner, not reference data' } });
  for (const village of [`${TOWN}001`, '330109002001']) {
    for (const signed of [false, true]) {
      const p = await create({
        resourceType: 'Patient', name: [{ text: `${village}-${signed}` }],
        extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }, ...(signed ? [{ url: FAMILY_DOCTOR_TEAM_EXTENSION, valueReference: { reference: `CareTeam/${ids.team}` } }] : [])],
      });
      ids[`p-${village}-${signed}`] = p;
      const subject = { reference: `Patient/${p}` };
      await create({ resourceType: 'Observation', status: 'final', code: { text: 'bp' }, subject });
      await create({ resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, subject });
      await create({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject, medicationCodeableConcept: { text: 'x' } });
      await create({ resourceType: 'Condition', subject, code: { coding: [{ system: ICD10_SYSTEM, code: 'I10' }] } });
      if (!signed) await create({ resourceType: 'Condition', subject, category: [{ coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] }], code: { coding: [{ system: ICD10_SYSTEM, code: 'B08.4' }] } });
    }
  }
  await audit.close();
}, 120_000);
afterAll(async () => {
  await database?.drop();
});

const NOW = new Date('2026-03-10T00:00:00Z');
const rowsOf = async (type: string, predicate: RawBuilder<boolean>) =>
  (await sql<{ id: string }>`SELECT r.id FROM fhir_resource r WHERE r.resource_type = ${type} AND r.deleted = false AND (${predicate}) ORDER BY r.id`.execute(database.db)).rows.map((r) => r.id);

function principals(): [string, Principal][] {
  const user = (grants: Principal['grants'], extra: Partial<Principal> = {}): Principal => ({ kind: 'user', id: 'u', name: 'u', grants, breakGlass: [], careResidents: {}, ...extra });
  const out: [string, Principal][] = [];
  for (const role of ROLES) {
    out.push([`${role} @ town`, user([{ role, orgUnit: TOWN, careTeam: null }])]);
    out.push([`${role} platform-wide`, user([{ role, orgUnit: null, careTeam: null }])]);
  }
  out.push(['family doctor of a care team', user([{ role: 'family-doctor', orgUnit: null, careTeam: ids.team }])]);
  out.push(['pharmacist + CDC', user([{ role: 'pharmacist', orgUnit: TOWN, careTeam: null }, { role: 'cdc-epidemiologist', orgUnit: '330109002', careTeam: null }])]);
  out.push(['village doctor with break-the-glass', user([{ role: 'village-doctor', orgUnit: `${TOWN}001`, careTeam: null }], { breakGlass: [{ residentId: ids['p-330109002001-false'], expires: new Date(NOW.getTime() + 3_600_000) }] })]);
  out.push(['client with Patient.read', { kind: 'client', id: 'c', name: 'client:c', grants: [{ role: 'system-integrator', orgUnit: TOWN, careTeam: null }], scopes: ['system/Patient.read', 'system/Observation.write'], breakGlass: [] }]);
  return out;
}

describe('typed read predicate', () => {
  it('selects the same rows as the general predicate, for every principal and type', async () => {
    let compared = 0;
    let nonEmpty = 0;
    for (const [name, principal] of principals()) {
      const access = compileAccess(principal, NOW);
      for (const type of TYPES) {
        const general = await rowsOf(type, access.readable);
        expect(await rowsOf(type, readableFor(access, type)), `${name}: ${type}`).toEqual(general);
        compared++;
        if (general.length > 0) nonEmpty++;
      }
    }
    expect(compared).toBe(principals().length * TYPES.length);
    // The comparison is not vacuous: many principal × type pairs see rows, many see none.
    expect(nonEmpty).toBeGreaterThan(compared / 3);
    expect(nonEmpty).toBeLessThan(compared);
  });

  it('is shorter where types fold away, and is not used once a wrapper widens `readable`', async () => {
    const access = compileAccess({ kind: 'user', id: 'u', name: 'u', grants: [{ role: 'pharmacist', orgUnit: TOWN, careTeam: null }], breakGlass: [] }, NOW);
    const length = (p: RawBuilder<boolean>) => p.compile(database.db).sql.length;
    expect(length(readableFor(access, 'Patient'))).toBeLessThan(length(access.readable) / 2);
    expect(await rowsOf('Observation', readableFor(access, 'Observation'))).toEqual([]);
    const obs = (await rowsOf('Observation', sql<boolean>`true`))[0];
    const wide: AccessControl = withResources(access, [{ resourceType: 'Observation', id: obs }]);
    expect(readableFor(wide, 'Observation')).toBe(wide.readable);
    expect(await rowsOf('Observation', readableFor(wide, 'Observation'))).toEqual([obs]);
  });
});
