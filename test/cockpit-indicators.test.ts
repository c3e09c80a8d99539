/**
 * The cockpit endpoint over a simulated district: every figure agrees with the FHIR `_summary=count`
 * searches the web app made before (same definitions, docs/cockpit.md) and with a direct reading of
 * the resources; 401 without a token, 403 outside the caller's org unit, 400 on bad parameters.
 */
import type { Encounter, Organization, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchImporter } from '../src/foundation/ingest/index.js';
import { last12Months } from '../src/cockpit/index.js';
import { simulateDistrict } from '../src/simulate/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
const resources: Resource[] = [];
const MONTH = '2025-06';
const CASE_SYS = 'https://healthy-brain.org/fhir/CodeSystem/case-report';
const ICD = 'http://hl7.org/fhir/sid/icd-10';
const INFECTIOUS = 'https://healthy-brain.org/fhir/CodeSystem/encounter-type|infectious-case';
const NOTIFIABLE = ['J11.1', 'B08.4', 'A08.1', 'B01.9', 'B26.9', 'A15.0', 'A38'];
const orgOf = (r: Resource) => (r as { extension?: { url: string; valueCode?: string }[] }).extension?.find((e) => e.url.endsWith('/org-unit'))?.valueCode ?? '';
let district = '';
let towns: string[] = [];
let villages: string[] = [];
const tokens: Record<string, string> = {};

type Row = { orgUnit: string; residents: number; encountersMonth: number; casesYear: number; trend: { month: string; encounters: number; cases: number }[]; casesByDisease: { code: string; count: number }[] };

async function cockpit(query: string, token: string | null = server.token) {
  return fhirFetch(`${server.url}/api/indicators/cockpit${query}`, { token });
}
async function count(type: string, params: Record<string, string | string[]>): Promise<number> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  qs.append('_summary', 'count');
  const res = await fhirFetch(`${server.fhir}/${type}?${qs}`);
  expect(res.status).toBe(200);
  return res.body.total as number;
}

beforeAll(async () => {
  server = await startTestServer();
  const importer = new BatchImporter(server.app.store, { actor: 'test' }, { batchSize: 500 });
  await simulateDistrict({ residents: 400, years: 2, seed: 23, startDate: '2024-01-01', district: { towns: 2, villages: 6, townshipCentres: 2, villageClinics: 6 } }, {
    resource: async (r) => {
      resources.push(r);
      await importer.add(r, r.id as string);
    },
    truth: () => undefined,
  });
  expect((await importer.finish()).rejected).toBe(0);
  await server.app.store.settle();
  const units = new Set(resources.filter((r) => r.resourceType === 'Patient').map(orgOf).filter(Boolean));
  villages = [...units].sort();
  towns = [...new Set(villages.map((v) => v.slice(0, 9)))].sort();
  district = towns[0].slice(0, 6);
  tokens.bureau = (await userToken(server, 'bureau-cockpit', 'district-admin', district)).token;
  tokens.town = (await userToken(server, 'doctor-town0', 'family-doctor', towns[0])).token;
}, 600_000);
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 300));
  await server?.stop();
});

const facilities = () => resources.filter((r): r is Organization => r.resourceType === 'Organization' && orgOf(r) !== '');
const isCentre = (o: Organization) => !!o.type?.some((t) => t.coding?.some((c) => c.code === 'township-centre'));
const refs = (os: Organization[]) => os.map((o) => `Organization/${o.id}`).join(',');
const range = (month: string) => [`ge${last12Months(month)[0]}`, `le${month}`];

describe('GET /api/indicators/cockpit', () => {
  it('gives the district the same figures as the FHIR counts the web made before', async () => {
    const res = await cockpit(`?orgUnit=${district}&month=${MONTH}`, tokens.bureau);
    expect(res.status).toBe(200);
    const [row] = res.body.rows as Row[];
    expect(row.orgUnit).toBe(district);
    const centres = refs(facilities().filter(isCentre));
    expect(row.residents).toBe((await count('Patient', { organization: centres })) - (await count('Patient', { organization: centres, deceased: 'true' })));
    expect(row.residents).toBeGreaterThan(300);
    expect(row.encountersMonth).toBe(await count('Encounter', { date: MONTH }));
    expect(row.encountersMonth).toBeGreaterThan(0);
    expect(row.casesYear).toBe(await count('Encounter', { type: INFECTIOUS, date: range(MONTH) }));
    expect(row.trend.map((p) => p.month)).toEqual(last12Months(MONTH));
    for (const p of row.trend) {
      expect(p.encounters).toBe(await count('Encounter', { date: p.month }));
      expect(p.cases).toBe(await count('Encounter', { type: INFECTIOUS, date: p.month }));
    }
    const byDisease = new Map(row.casesByDisease.map((c) => [c.code, c.count]));
    let total = 0;
    for (const code of NOTIFIABLE) {
      const n = await count('Condition', { category: `${CASE_SYS}|notifiable`, 'recorded-date': range(MONTH), code: `${ICD}|${code}` });
      expect(byDisease.get(code) ?? 0).toBe(n);
      total += n;
    }
    expect(total).toBeGreaterThan(0);
  }, 120_000);

  it('splits by town and by village as the web counted each tile (facilities of the unit; a village’s residents by residence)', async () => {
    const byTown = (await cockpit(`?orgUnit=${district}&month=${MONTH}&by=town`, tokens.bureau)).body.rows as Row[];
    expect(byTown.map((r) => r.orgUnit)).toEqual(towns);
    for (const town of towns) {
      const row = byTown.find((r) => r.orgUnit === town)!;
      const inTown = facilities().filter((o) => orgOf(o).startsWith(town));
      const centres = refs(inTown.filter((o) => isCentre(o) && orgOf(o) === town));
      expect(row.residents).toBe((await count('Patient', { organization: centres })) - (await count('Patient', { organization: centres, deceased: 'true' })));
      expect(row.encountersMonth).toBe(await count('Encounter', { 'service-provider': refs(inTown), date: MONTH }));
      expect(row.casesYear).toBe(await count('Encounter', { 'service-provider': refs(inTown), type: INFECTIOUS, date: range(MONTH) }));
      // The same town asked for itself (a town's own cockpit) gives the same row.
      const self = (await cockpit(`?orgUnit=${town}&month=${MONTH}`, tokens.bureau)).body.rows as Row[];
      expect(self).toEqual([row]);
    }
    const byVillage = (await cockpit(`?orgUnit=${towns[0]}&month=${MONTH}&by=village`, tokens.town)).body.rows as Row[];
    const alive = (p: Patient) => !p.deceasedDateTime && p.deceasedBoolean !== true;
    const orgById = new Map(facilities().map((o) => [o.id as string, orgOf(o)]));
    for (const village of villages.filter((v) => v.startsWith(towns[0]))) {
      const row = byVillage.find((r) => r.orgUnit === village);
      const keptInTown = (p: Patient) => { const o = resources.find((r) => r.resourceType === 'Organization' && r.id === p.managingOrganization?.reference?.split('/')[1]) as Organization | undefined; return !!o && isCentre(o) && orgOf(o) === village.slice(0, 9); };
      const residents = resources.filter((r): r is Patient => r.resourceType === 'Patient' && orgOf(r) === village && alive(r) && keptInTown(r)).length;
      const encounters = resources.filter((r): r is Encounter => r.resourceType === 'Encounter' && (r.period?.start ?? '').startsWith(MONTH) && orgById.get(r.serviceProvider?.reference?.split('/')[1] ?? '') === village).length;
      expect(row?.residents ?? 0).toBe(residents);
      expect(row?.encountersMonth ?? 0).toBe(encounters);
    }
    // Records a town's centre keeps of residents of another town count for the town, in none of its villages.
    expect(byVillage.reduce((s, r) => s + r.residents, 0)).toBeLessThanOrEqual(byTown.find((r) => r.orgUnit === towns[0])!.residents);
  }, 120_000);

  it('names the newest month with encounters', async () => {
    const last = resources.filter((r): r is Encounter => r.resourceType === 'Encounter').map((e) => (e.period?.start ?? '').slice(0, 7)).sort().at(-1);
    const res = await fhirFetch(`${server.url}/api/indicators/cockpit/latest-month?orgUnit=${district}`, { token: tokens.bureau });
    expect(res.status).toBe(200);
    expect(res.body.month).toBe(last);
  });

  it('refuses without a token, outside the caller’s org unit, and bad parameters', async () => {
    expect((await cockpit(`?orgUnit=${district}&month=${MONTH}`, null)).status).toBe(401);
    expect((await cockpit(`?orgUnit=${towns[1]}&month=${MONTH}`, tokens.town)).status).toBe(403);
    expect((await cockpit(`?orgUnit=${district}&month=${MONTH}`, tokens.town)).status).toBe(403);
    expect((await fhirFetch(`${server.url}/api/indicators/cockpit/latest-month?orgUnit=${towns[1]}`, { token: tokens.town })).status).toBe(403);
    expect((await cockpit(`?orgUnit=${towns[0]}&month=${MONTH}`, tokens.town)).status).toBe(200);
    const bad = await cockpit(`?orgUnit=${district}&month=2025-13`, tokens.bureau);
    expect(bad.status).toBe(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
    expect((await cockpit(`?orgUnit=${district}&month=June`, tokens.bureau)).status).toBe(400);
    expect((await cockpit(`?orgUnit=33&month=${MONTH}`, tokens.bureau)).status).toBe(400);
    expect((await cockpit(`?orgUnit=${towns[0]}&month=${MONTH}&by=town&x=1`, tokens.bureau)).status).toBe(200);
    expect((await cockpit(`?orgUnit=${towns[0]}&month=${MONTH}&by=county`, tokens.bureau)).status).toBe(400);
  });
});
