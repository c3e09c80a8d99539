/**
 * The demo district's pathway times (src/care/centres/centres-demo.ts) on a real database: enrolled
 * ischaemic-stroke patients get an emergency arrival and alteplase, AMI patients an arrival and PCI,
 * a haemorrhagic stroke nothing; the indicators measure exactly the drawn minutes; a second run adds
 * nothing; the draws follow the documented distributions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CENTRES, DEMO_PATHWAY_TIMES, drawMinutes, enrolMatching, seedDemoPathways } from '../src/care/index.js';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION, SPECIALISED_CENTRE_SYSTEM } from '../src/foundation/fhir/index.js';
import { Rng } from '../src/simulate/index.js';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';

const DISTRICT = '330109';
const VILLAGE = '330109001001';
const NOW = new Date('2025-06-30T04:00:00Z');
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
let server: TestServer;
const ids: Record<string, string> = {};

const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const centre = (name: string, code: string) =>
  post({ resourceType: 'Organization', name, extension: [{ url: ORG_UNIT_EXTENSION, valueCode: DISTRICT }], type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: 'specialised-centre' }] }, { coding: [{ system: SPECIALISED_CENTRE_SYSTEM, code }] }] });

/** A patient admitted at `start` (an inpatient Encounter as the simulator writes it) with the diagnosis `code`. */
async function admitted(code: string, start: string, facility: string): Promise<string> {
  const pid = await post({ resourceType: 'Patient', gender: 'male', birthDate: '1948-01-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE }] });
  const enc = await post({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: `Patient/${pid}` }, period: { start }, serviceProvider: { reference: `Organization/${facility}` } });
  await post({ resourceType: 'Condition', subject: { reference: `Patient/${pid}` }, encounter: { reference: `Encounter/${enc}` }, code: { coding: [{ system: ICD10, code }] }, onsetDateTime: start, recordedDate: start });
  return pid;
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  ids.stroke = await centre('卒中中心', 'stroke');
  ids.chest = await centre('胸痛中心', 'chest-pain');
  ids.s1 = await admitted('I63.9', '2025-05-03T10:00:00+08:00', ids.stroke);
  ids.s2 = await admitted('I63.9', '2025-06-10T22:30:00+08:00', ids.stroke);
  ids.h1 = await admitted('I61.9', '2025-05-20T08:00:00+08:00', ids.stroke);
  ids.m1 = await admitted('I21.9', '2025-06-01T03:15:00+08:00', ids.chest);
  await enrolMatching(server.app.store, { actor: 'system:test' }, DEFAULT_CENTRES, { now: NOW });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('seedDemoPathways', () => {
  it('gives the ischaemic strokes thrombolysis and the AMI a PCI, measured from the admission', async () => {
    // The same derived stream the seeding uses, to know the minutes it drew (candidates are ordered by centre, then resident).
    const made = await seedDemoPathways(server.app.store, { actor: 'system:test' }, Rng.derive(7, 'centre-pathways'));
    expect(made).toEqual({ thrombolysis: 2, pci: 1 });
    const res = await fhirFetch(`${server.url}/api/indicators/centres?orgUnit=${DISTRICT}&from=2025-01-01&to=2025-06-30`, {});
    expect(res.status).toBe(200);
    const stroke = res.body.centres.find((c: { code: string }) => c.code === 'stroke');
    const chest = res.body.centres.find((c: { code: string }) => c.code === 'chest-pain');
    const months = (c: { pathway: { months: { month: string; events: number; measured: number; medianMinutes: number }[] } }) => Object.fromEntries(c.pathway.months.map((m) => [m.month, m]));
    // One thrombolysis in May and one in June (the haemorrhagic stroke gets none), each measured.
    expect(Object.keys(months(stroke))).toEqual(['2025-05', '2025-06']);
    expect(months(stroke)['2025-05']).toMatchObject({ events: 1, measured: 1 });
    expect(months(stroke)['2025-06']).toMatchObject({ events: 1, measured: 1 });
    expect(months(chest)['2025-06']).toMatchObject({ events: 1, measured: 1 });
    // The measured minutes are the drawn ones, within the clamps.
    const rng = Rng.derive(7, 'centre-pathways');
    const draws = [drawMinutes(DEMO_PATHWAY_TIMES.pci, rng), drawMinutes(DEMO_PATHWAY_TIMES.thrombolysis, rng), drawMinutes(DEMO_PATHWAY_TIMES.thrombolysis, rng)];
    const measured = [months(chest)['2025-06'].medianMinutes, months(stroke)['2025-05'].medianMinutes, months(stroke)['2025-06'].medianMinutes];
    expect([...measured].sort()).toEqual([...draws].sort());
  });

  it('adds nothing on a second run', async () => {
    expect(await seedDemoPathways(server.app.store, { actor: 'system:test' }, Rng.derive(7, 'centre-pathways'))).toEqual({ thrombolysis: 0, pci: 0 });
  });
});

describe('demo time distributions', () => {
  const sample = (rule: (typeof DEMO_PATHWAY_TIMES)['pci']) => {
    const rng = Rng.derive(20260101, 'distribution-check');
    return Array.from({ length: 20_000 }, () => drawMinutes(rule, rng)).sort((a, b) => a - b);
  };
  it('DNT: median about 50 min, about two thirds within 60 min (the 66 % of the national survey)', () => {
    const x = sample(DEMO_PATHWAY_TIMES.thrombolysis);
    expect(x[10_000]).toBeGreaterThanOrEqual(48);
    expect(x[10_000]).toBeLessThanOrEqual(52);
    const within = x.filter((m) => m <= 60).length / x.length;
    expect(within).toBeGreaterThan(0.63);
    expect(within).toBeLessThan(0.7);
  });
  it('D2B: median about 89 min, about half within 90 min', () => {
    const x = sample(DEMO_PATHWAY_TIMES.pci);
    expect(Math.abs(x[10_000] - 89)).toBeLessThanOrEqual(2);
    const within = x.filter((m) => m <= 90).length / x.length;
    expect(within).toBeGreaterThan(0.48);
    expect(within).toBeLessThan(0.58);
  });
});
