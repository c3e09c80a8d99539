/**
 * The demo district's village visits and teleconsultations (src/care/visits/visits-demo.ts): made
 * through the services before the given day, they give the documented outcomes, and the care
 * indicators count them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoVisits } from '../src/care/index.js';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';

const DISTRICT = '330109';
const VILLAGE = '330109001001';
const NOW = new Date('2025-06-30T04:00:00Z');
let server: TestServer;

const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const facility = (name: string, type: string, orgUnit: string) => post({ resourceType: 'Organization', name, extension: [{ url: ORG_UNIT_EXTENSION, valueCode: orgUnit }], type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }] });

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  await facility('A 村卫生室', 'village-clinic', VILLAGE);
  await facility('一镇卫生院', 'township-centre', '330109001');
  await facility('区人民医院', 'district-hospital', DISTRICT);
  const entry = Array.from({ length: 32 }, () => ({ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', gender: 'male', birthDate: '1960-01-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE }] } }));
  const bundle = await fhirFetch(server.fhir, { method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry } });
  expect(bundle.status).toBe(200);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('seedDemoVisits', () => {
  it('records 11 visits in the days before NOW: 7 resolved, 3 teleconsultations (answered in 95 min, declined, open), 1 referral', async () => {
    expect(await seedDemoVisits(server.app.store, NOW)).toBe(11);
    const res = await fhirFetch(`${server.url}/api/indicators/care?orgUnit=${DISTRICT}&from=2025-06-01&to=2025-06-30`, {});
    expect(res.status).toBe(200);
    expect(res.body.months).toHaveLength(1);
    const m = res.body.months[0];
    expect(m.month).toBe('2025-06');
    expect(m.visits).toEqual({ total: 11, resolved: 7, teleconsult: 3, referred: 1, resolvedShare: 7 / 11 });
    expect(m.teleconsults).toEqual({ requested: 3, answered: 1, declined: 1, cancelled: 0, open: 1, medianTurnaroundMinutes: 95 });
    expect(m.referrals.byDirection).toEqual([{ direction: 'up', requested: 1, closed: 0, completion: 0 }]);
    const inbox = await fhirFetch(`${server.url}/api/teleconsults/inbox`, {});
    expect(inbox.body.total).toBe(3);
    // Every visit is dated before NOW, within the last 11 days.
    const visits = await fhirFetch(`${server.fhir}/Encounter?_count=50`, {});
    for (const e of visits.body.entry) {
      expect(Date.parse(e.resource.period.start)).toBeLessThan(NOW.getTime());
      expect(Date.parse(e.resource.period.start)).toBeGreaterThan(NOW.getTime() - 11 * 86_400_000);
    }
  });
});
