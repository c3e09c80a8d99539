/**
 * Chronic-care projections and indicators against an independent count over the same simulated
 * FHIR resources: the SQL over projections must agree with a direct reading of the resources.
 */
import type { Condition, Encounter, MedicationDispense, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../src/foundation/db/index.js';
import { BufferedAuditWriter, FhirStore } from '../src/foundation/fhir/index.js';
import { BatchImporter } from '../src/foundation/ingest/index.js';
import { sql } from 'kysely';
import { adherence, adherenceIndicators, chronicIndicators, monthsBefore, type Fill, refreshIndicatorRollup, refreshRegistry, rolledUpIndicators } from '../src/healthmgmt/index.js';
import { DOMAIN_MIGRATIONS, DOMAIN_PROJECTORS } from '../src/server/modules.js';
import { simulateDistrict } from '../src/simulate/index.js';

let opened: OpenDatabase;
let store: FhirStore;
const resources: Resource[] = [];
const ASOF = '2025-12-31';
const ORG = (r: Resource) => (r as { extension?: { url: string; valueCode?: string }[] }).extension?.find((e) => e.url.endsWith('/org-unit'))?.valueCode;

beforeAll(async () => {
  opened = await openDatabase({ kind: 'pglite', dataDir: null });
  await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
  store = new FhirStore({ db: opened.db, audit: new BufferedAuditWriter(opened.db), projectors: DOMAIN_PROJECTORS });
  const importer = new BatchImporter(store, { actor: 'test' }, { batchSize: 500 });
  await simulateDistrict({ residents: 600, years: 2, seed: 11, startDate: '2024-01-01', district: { towns: 2, villages: 6, townshipCentres: 2, villageClinics: 6 } }, {
    resource: async (r) => {
      resources.push(r);
      await importer.add(r, r.id as string);
    },
    truth: () => undefined,
  });
  const stats = await importer.finish();
  expect(stats.rejected).toBe(0);
}, 600_000);
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 300)); // let the read-audit buffer flush
  await opened?.close();
});

/** The same definitions, read straight from the FHIR resources. */
function expected(district: string) {
  const patients = new Map(resources.filter((r) => r.resourceType === 'Patient').map((p) => [p.id as string, ORG(p) ?? '']));
  const ref = (s: string | undefined) => s?.split('/')[1] ?? '';
  const since = new Map<string, string>();
  for (const c of resources.filter((r): r is Condition => r.resourceType === 'Condition')) {
    const code = c.code?.coding?.[0]?.code ?? '';
    const status = c.clinicalStatus?.coding?.[0]?.code;
    const onset = (c.onsetDateTime ?? c.recordedDate ?? '').slice(0, 10);
    const pid = ref(c.subject?.reference);
    if (!/^I1[0-5]/.test(code) || (status && status !== 'active') || !patients.get(pid)?.startsWith(district) || onset > ASOF) continue;
    if (!since.has(pid) || onset < since.get(pid)!) since.set(pid, onset);
  }
  const d3 = monthsBefore(ASOF, 3);
  const d12 = monthsBefore(ASOF, 12);
  const lastVisit = new Map<string, string>();
  const visitDays = new Map<string, Set<string>>();
  const lastBp = new Map<string, { day: string; ok: boolean; okNational: boolean }>();
  const birth = new Map(resources.filter((r): r is Patient => r.resourceType === 'Patient').map((p) => [p.id as string, p.birthDate ?? '']));
  const see = (pid: string, day: string) => {
    if (day <= ASOF && (!lastVisit.has(pid) || day > lastVisit.get(pid)!)) lastVisit.set(pid, day);
    if (day <= ASOF && day > d12) visitDays.set(pid, (visitDays.get(pid) ?? new Set()).add(day));
  };
  for (const e of resources.filter((r): r is Encounter => r.resourceType === 'Encounter')) see(ref(e.subject?.reference), (e.period?.start ?? '').slice(0, 10));
  for (const o of resources.filter((r): r is Observation => r.resourceType === 'Observation')) {
    const pid = ref(o.subject?.reference);
    const day = (o.effectiveDateTime ?? '').slice(0, 10);
    const code = o.code?.coding?.[0]?.code;
    if (code === '85354-9' || code === '14771-0') see(pid, day);
    if (code !== '85354-9' || day > ASOF || day <= d3) continue;
    const sbp = o.component?.find((c) => c.code?.coding?.[0]?.code === '8480-6')?.valueQuantity?.value ?? 0;
    const dbp = o.component?.find((c) => c.code?.coding?.[0]?.code === '8462-4')?.valueQuantity?.value ?? 0;
    if (!(sbp >= 60 && sbp <= 300 && dbp >= 30 && dbp <= 200 && sbp > dbp)) continue;
    // National standard: < 150/90 from the 65th birthday (BPHS Standard 2017).
    const b = birth.get(pid) ?? '';
    const aged65 = b !== '' && day >= `${Number(b.slice(0, 4)) + 65}${b.slice(4)}`;
    if (!lastBp.has(pid) || day > lastBp.get(pid)!.day) lastBp.set(pid, { day, ok: sbp < 140 && dbp < 90, okNational: dbp < 90 && sbp < (aged65 ? 150 : 140) });
  }
  let underCare = 0;
  let controlled = 0;
  let controlledNational = 0;
  let lost = 0;
  let standard = 0;
  for (const [pid, onset] of since) {
    const seen12 = (lastVisit.get(pid) ?? '') > d12;
    if (!seen12) lost++;
    if (seen12 && (visitDays.get(pid)?.size ?? 0) >= 4) standard++;
    if (onset <= d3 && seen12) {
      underCare++;
      if (lastBp.get(pid)?.ok) controlled++;
      if (lastBp.get(pid)?.okNational) controlledNational++;
    }
  }
  return { registered: since.size, underCare, controlled, controlledNational, lost, standard };
}

describe('chronic-care indicators', () => {
  it('agree with a direct count over the FHIR resources', async () => {
    const district = ORG(resources.find((r) => r.resourceType === 'Patient')!)!.slice(0, 6);
    const [row] = await chronicIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF });
    const want = expected(district);
    expect(want.registered).toBeGreaterThan(20);
    expect(row.registered).toBe(want.registered);
    expect(row.underCare).toBe(want.underCare);
    expect(row.controlled).toBe(want.controlled);
    expect(row.lostToFollowUp).toBe(want.lost);
    expect(row.controlRate).toBeCloseTo(want.controlled / want.underCare, 12);
    // The national 65+ target can only add controlled patients, and here it does.
    expect(row.controlledNational).toBe(want.controlledNational);
    expect(want.controlledNational).toBeGreaterThanOrEqual(want.controlled);
    expect(row.managedInYear).toBe(want.registered - want.lost);
    expect(row.standardManaged).toBe(want.standard);
    expect(row.standardManaged).toBeGreaterThan(0);
    expect(row.medicationService).toBeGreaterThan(0);
  });

  it('PDC ≥ 80 %: the registered residents\' antihypertensive fills, read straight from the resources, through the PQA function', async () => {
    const district = ORG(resources.find((r) => r.resourceType === 'Patient')!)!.slice(0, 6);
    const registered = new Set<string>();
    const ref = (s: string | undefined) => s?.split('/')[1] ?? '';
    for (const c of resources.filter((r): r is Condition => r.resourceType === 'Condition')) {
      const code = c.code?.coding?.[0]?.code ?? '';
      const status = c.clinicalStatus?.coding?.[0]?.code;
      const onset = (c.onsetDateTime ?? c.recordedDate ?? '').slice(0, 10);
      if (/^I1[0-5]/.test(code) && (!status || status === 'active') && onset <= ASOF) registered.add(ref(c.subject?.reference));
    }
    const d12 = monthsBefore(ASOF, 12);
    const fills: Fill[] = [];
    for (const d of resources.filter((r): r is MedicationDispense => r.resourceType === 'MedicationDispense')) {
      const pid = ref(d.subject?.reference);
      const day = (d.whenHandedOver ?? '').slice(0, 10);
      const atc = d.medicationCodeableConcept?.coding?.[0]?.code ?? '';
      if (d.status === 'completed' && registered.has(pid) && day > d12 && day <= ASOF && /^C0[23789]/.test(atc)) {
        fills.push({ patient: pid, drug: atc, drugClass: atc.slice(0, 5), date: day, daysSupply: d.daysSupply?.value ?? 0 });
      }
    }
    const want = adherence(fills, '2025-01-01', ASOF);
    const [row] = await adherenceIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF });
    expect(row.from).toBe('2025-01-01');
    expect(want.length).toBeGreaterThan(20);
    expect(row.withFills).toBe(want.length);
    expect(row.measured).toBe(want.filter((x) => x.pdc !== null).length);
    expect(row.adherent).toBe(want.filter((x) => x.adherent).length);
    // The simulator makes some residents non-adherent: the rate is neither 0 nor 1.
    expect(row.adherenceRate).toBeGreaterThan(0.2);
    expect(row.adherenceRate).toBeLessThan(1);
    const villages = await adherenceIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF, groupLength: 12 });
    expect(villages.reduce((n, v) => n + v.measured, 0)).toBe(row.measured);
    expect(villages.reduce((n, v) => n + v.adherent, 0)).toBe(row.adherent);
  });

  it('name both BP targets: 145/85 at 65 or over is controlled nationally, not by Simple\'s < 140/90', async () => {
    const district = ORG(resources.find((r) => r.resourceType === 'Patient')!)!.slice(0, 6);
    const d3 = monthsBefore(ASOF, 3);
    const elder = await sql<{ resident_id: string }>`SELECT c.resident_id FROM proj_condition c JOIN proj_resident p ON p.resource_id = c.resident_id
      WHERE c.category = 'hypertension' AND c.active AND c.onset <= ${d3} AND p.birth_date <= ${monthsBefore(ASOF, 12 * 66)} ORDER BY c.resident_id LIMIT 1`.execute(opened.db);
    const pid = elder.rows[0].resident_id;
    const bp: Observation = {
      resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: `Patient/${pid}` }, effectiveDateTime: ASOF,
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 145, unit: 'mm[Hg]' } },
        { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 85, unit: 'mm[Hg]' } },
      ],
    };
    const created = await store.create({ actor: 't' }, bp);
    resources.push(JSON.parse(created.version.json!) as Observation);
    const [row] = await chronicIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF });
    const want = expected(district);
    expect(row.controlled).toBe(want.controlled);
    expect(row.controlledNational).toBe(want.controlledNational);
    expect(row.controlledNational).toBeGreaterThan(row.controlled);
    expect(row.controlledNational + row.uncontrolledNational).toBe(row.controlled + row.uncontrolled);
  });

  it('break down by village and add up to the district', async () => {
    const district = ORG(resources.find((r) => r.resourceType === 'Patient')!)!.slice(0, 6);
    const [total] = await chronicIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF });
    const villages = await chronicIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF, groupLength: 12 });
    expect(villages.length).toBeGreaterThan(1);
    expect(villages.every((v) => v.orgUnit.length === 12 && v.orgUnit.startsWith(district))).toBe(true);
    for (const key of ['registered', 'underCare', 'controlled', 'uncontrolled', 'missedVisits'] as const) {
      expect(villages.reduce((n, v) => n + v[key], 0)).toBe(total[key]);
    }
  });

  it('follow updates and deletes of the resources, and never count an implausible reading', async () => {
    const district = ORG(resources.find((r) => r.resourceType === 'Patient')!)!.slice(0, 6);
    const before = (await chronicIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF }))[0];
    // The latest controlled reading of a controlled patient becomes 300/20: the patient is no longer counted as controlled.
    const rows = await opened.db.selectFrom('proj_bp' as never).selectAll().execute() as { resource_id: string; resident_id: string; effective: string; sbp: string; dbp: string }[];
    const target = rows.filter((r) => Number(r.sbp) < 140 && Number(r.dbp) < 90).sort((a, b) => String(b.effective).localeCompare(String(a.effective)))[0];
    const obs = JSON.parse((await store.read({ actor: 't' }, 'Observation', target.resource_id)).json!) as Observation;
    obs.component = obs.component!.map((c) => ({ ...c, valueQuantity: { ...c.valueQuantity, value: c.code?.coding?.[0]?.code === '8480-6' ? 300 : 20 } }));
    await store.update({ actor: 't' }, 'Observation', obs.id!, obs);
    const flagged = await opened.db.selectFrom('proj_bp' as never).selectAll().where('resource_id' as never, '=', obs.id as never).executeTakeFirst() as { plausible: boolean };
    expect(flagged.plausible).toBe(false);
    const after = (await chronicIndicators(opened.db, { orgUnit: district, condition: 'hypertension', asOf: ASOF }))[0];
    expect(after.controlled).toBeLessThanOrEqual(before.controlled);
    expect(after.controlled + after.uncontrolled + after.visitedNoMeasure + after.missedVisits).toBe(after.underCare);
  });
});

describe('village rollup', () => {
  it('sums to the live figures for the district, its towns and villages', async () => {
    const district = ORG(resources.find((r) => r.resourceType === 'Patient')!)!.slice(0, 6);
    for (const condition of ['hypertension', 'diabetes'] as const) {
      expect(await rolledUpIndicators(opened.db, { orgUnit: district, condition, asOf: ASOF })).toBeNull();
      const villages = await refreshIndicatorRollup(opened.db, { orgUnit: district, condition, asOf: ASOF, now: new Date() });
      expect(villages).toBeGreaterThan(1);
      for (const groupLength of [6, 9, 12]) {
        const live = await chronicIndicators(opened.db, { orgUnit: district, condition, asOf: ASOF, groupLength });
        const rolled = await rolledUpIndicators(opened.db, { orgUnit: district, condition, asOf: ASOF, groupLength });
        expect(rolled!.rows).toEqual(live);
      }
      // Every indicator of the issue is in the rollup, not zeros: the registry's overdue count and PDC ≥ 80 %.
      const [all] = (await rolledUpIndicators(opened.db, { orgUnit: district, condition, asOf: ASOF }))!.rows;
      const [pdc] = await adherenceIndicators(opened.db, { orgUnit: district, condition, asOf: ASOF });
      expect(all).toMatchObject({ pdcWithFills: pdc.withFills, pdcMeasured: pdc.measured, pdcAdherent: pdc.adherent, pdcRate: pdc.adherenceRate });
      expect(all.pdcMeasured).toBeGreaterThan(0);
      expect(all.overdue).toBeGreaterThan(0);
    }
  });
});

describe('chronic registry maintained in the write transaction', () => {
  it('equals a full recomputation after a batched import, and holds every diagnosed resident', async () => {
    const snapshot = async () =>
      (await sql<Record<string, unknown>>`SELECT * FROM chronic_registry ORDER BY resident_id, category`.execute(opened.db)).rows.map((r) => JSON.stringify(r));
    const incremental = await snapshot();
    expect(incremental.length).toBeGreaterThan(20);
    const residents = (await sql<{ resident_id: string }>`SELECT DISTINCT resident_id FROM proj_resident`.execute(opened.db)).rows.map((r) => r.resident_id);
    await opened.db.transaction().execute((trx) => refreshRegistry(trx, residents));
    expect(await snapshot()).toEqual(incremental);
    const missing = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_condition c WHERE c.active
      AND NOT EXISTS (SELECT 1 FROM chronic_registry r WHERE r.resident_id = c.resident_id AND r.category = c.category)`.execute(opened.db);
    expect(Number(missing.rows[0].n)).toBe(0);
    const statuses = await sql<{ status: string }>`SELECT DISTINCT CASE WHEN deceased IS NOT NULL THEN 'dead' WHEN urgent THEN 'urgent' ELSE control END AS status FROM chronic_registry`.execute(opened.db);
    expect(statuses.rows.map((r) => r.status)).toEqual(expect.arrayContaining(['controlled', 'uncontrolled']));
  });
});

describe('GET /api/indicators/chronic', () => {
  it('answers signed-in users within their org unit, 401 without a token, 400 on bad input', async () => {
    const { startTestServer, fhirFetch } = await import('./helpers/server.js');
    const server = await startTestServer();
    try {
      const ok = await fhirFetch(`${server.url}/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=2025-06-30&by=town`);
      expect(ok.status).toBe(200);
      expect(Array.isArray(ok.body.rows)).toBe(true);
      const anonymous = await fetch(`${server.url}/api/indicators/chronic?orgUnit=330109`);
      expect(anonymous.status).toBe(401);
      const bad = await fhirFetch(`${server.url}/api/indicators/chronic?orgUnit=33&condition=hypertension`);
      expect(bad.status).toBe(400);
      expect(bad.body.issue[0].expression).toEqual(['orgUnit']);
    } finally {
      await server.stop();
    }
  });
});
