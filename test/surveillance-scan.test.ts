/**
 * The space-time scan in a detection run (method `scan`, scan-run.ts): village Locations with
 * positions, background HFMD cases over eight weeks (about two a day) and 16 cases in two
 * neighbouring villages in the last three days. The run signals the cluster at one of the two villages with the member villages in
 * its evidence, leaves out a village without a position, and gives the same signal on a re-run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION, ORG_UNIT_SYSTEM } from '../src/foundation/fhir/index.js';
import { mulberry32 } from '../src/foundation/random.js';
import { parseDiseaseList, runSurveillance } from '../src/publichealth/index.js';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';
import { asserted, caseReport } from './helpers/surveillance.js';

const D = '2025-06-30';
const day = (offset: number) => new Date(Date.parse(`${D}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
// Eight villages of two towns on a 2 × 4 grid about 1.5 km apart; a ninth has no position.
const VILLAGES = Array.from({ length: 8 }, (_, i) => ({ code: `33010900${1 + (i >> 2)}00${1 + (i % 4)}`, longitude: 120.2 + 0.015 * (i % 4), latitude: 30.1 + 0.014 * (i >> 2) }));
const NO_POSITION = '330109003001';
const DISEASES = parseDiseaseList([
  { key: 'hfmd', name: '手足口病 HFMD', kind: 'case', class: 'C', icd10: ['B08.4'], deadlineHours: 24, detection: [{ level: 'village', method: 'scan', minCount: 3 }] },
]);
let server: TestServer;
const patients = new Map<string, string>();

async function transaction(resources: unknown[]): Promise<string[]> {
  const res = await fhirFetch(server.fhir, { method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry: resources.map((resource) => ({ resource, request: { method: 'POST', url: (resource as { resourceType: string }).resourceType } })) } });
  expect(res.status).toBe(200);
  return res.body.entry.map((e: { response: { location: string } }) => e.response.location.split('/')[1]);
}

const hfmd = (village: string, date: string) => caseReport(patients.get(village) as string, 'B08.4', `${date}T10:00:00+08:00`, asserted(`${date}T08:00:00+08:00`));

beforeAll(async () => {
  server = await startTestServer({ diseases: DISEASES });
  await transaction([
    ...VILLAGES.map((v) => ({ resourceType: 'Location', name: v.code, identifier: [{ system: ORG_UNIT_SYSTEM, value: v.code }], position: { longitude: v.longitude, latitude: v.latitude } })),
    { resourceType: 'Location', name: NO_POSITION, identifier: [{ system: ORG_UNIT_SYSTEM, value: NO_POSITION }] },
  ]);
  const codes = [...VILLAGES.map((v) => v.code), NO_POSITION];
  const ids = await transaction(codes.map((code) => ({ resourceType: 'Patient', name: [{ text: code }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: code }] })));
  codes.forEach((code, i) => patients.set(code, ids[i]));
  // Background: about two cases a day over the nine villages for the 56 days.
  const rand = mulberry32(7);
  const cases = [];
  for (let k = -55; k <= 0; k++) for (const code of codes) if (rand() < 2 / codes.length) cases.push(hfmd(code, day(k)));
  // The cluster: 16 cases in villages 1 and 2 (neighbours in town 1) over the last three days.
  for (let k = 0; k < 16; k++) cases.push(hfmd(VILLAGES[1 + (k % 2)].code, day(-(k % 3))));
  // The village without a position has a burst too, which the scan cannot place.
  for (let k = 0; k < 6; k++) cases.push(hfmd(NO_POSITION, day(0)));
  await transaction(cases);
});
afterAll(async () => server?.stop());

describe('space-time scan in the detection run', () => {
  it('signals the cluster at one of its villages, with the member villages and a Monte Carlo p-value', async () => {
    const r = await runSurveillance(server.database.db, { date: D, diseases: DISEASES });
    expect(r.evaluated).toBe(1);
    const signals = await fhirFetch(`${server.url}/api/surveillance/signals?disease=hfmd`, { headers: { accept: 'application/json' }, token: server.token });
    const scan = (signals.body.signals as { orgUnit: string; method: string; id: string; observed: number; periodEnd: string }[]).filter((s) => s.method === 'scan');
    expect(scan.length).toBeGreaterThanOrEqual(1);
    const first = scan.find((s) => [VILLAGES[1].code, VILLAGES[2].code].includes(s.orgUnit));
    expect(first, JSON.stringify(scan)).toBeDefined();
    expect(first?.periodEnd).toBe(D);
    expect(scan.every((s) => s.orgUnit !== NO_POSITION)).toBe(true);
    const detail = await fhirFetch(`${server.url}/api/surveillance/signals/${first?.id}`, { headers: { accept: 'application/json' }, token: server.token });
    const evidence = detail.body.evidence as { areas: string[]; pValue: number; observed: number; expected: number; series: { counts: number[] } };
    expect(evidence.areas).toEqual(expect.arrayContaining([VILLAGES[1].code, VILLAGES[2].code]));
    expect(evidence.areas).not.toContain(NO_POSITION);
    expect(evidence.pValue).toBeLessThanOrEqual(0.05);
    expect(evidence.observed).toBeGreaterThan(evidence.expected);
    expect(evidence.series.counts).toHaveLength(56);
    expect(r.signals).toBe(scan.length);
  });

  it('is idempotent: a re-run finds the same clusters with the same p-values and no new signal', async () => {
    const before = await fhirFetch(`${server.url}/api/surveillance/signals?disease=hfmd`, { headers: { accept: 'application/json' }, token: server.token });
    const again = await runSurveillance(server.database.db, { date: D, diseases: DISEASES });
    expect(again.newSignals).toBe(0);
    const after = await fhirFetch(`${server.url}/api/surveillance/signals?disease=hfmd`, { headers: { accept: 'application/json' }, token: server.token });
    expect(after.body.signals.map((s: { id: string; observed: number }) => [s.id, s.observed])).toEqual(before.body.signals.map((s: { id: string; observed: number }) => [s.id, s.observed]));
  });
});
