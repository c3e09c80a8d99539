/**
 * The risk-intervention loop end to end on a small simulated district (PGlite, or PostgreSQL with
 * TEST_DATABASE_URL): train the learned model on the platform's projections, assess over REST,
 * check the RiskAssessment and Task resources against the store, re-run (idempotent), complete a
 * Task through the FHIR API and read the intervention counts back from the indicator endpoint.
 */
import type { RiskAssessment, Task } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchImporter } from '../src/foundation/ingest/index.js';
import { blockedTasks, saveModel, trainBpModel, type AssessSummary, type TrainedModelFile } from '../src/healthmgmt/index.js';
import { simulateDistrict } from '../src/simulate/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
let model: TrainedModelFile;
let first: AssessSummary;
const ASOF = '2025-12-31';
const DISTRICT = '330109';

/** JSON API call as the platform-wide test user unless `token` is given (null = none). */
async function api(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const token = init.token === undefined ? server.token : init.token;
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function resources<T>(type: string): Promise<{ resource: T; residentId: string | null; orgUnit: string | null }[]> {
  const rows = await sql<{ content: unknown; resident_id: string | null; org_unit: string | null }>`
    SELECT content, resident_id, org_unit FROM fhir_resource WHERE resource_type = ${type} AND NOT deleted`.execute(server.database.db);
  return rows.rows.map((r) => ({ resource: (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as T, residentId: r.resident_id, orgUnit: r.org_unit }));
}

beforeAll(async () => {
  server = await startTestServer();
  const importer = new BatchImporter(server.app.store, { actor: 'test-seed' }, { batchSize: 1000 });
  await simulateDistrict(
    { residents: 1200, years: 2, seed: 7, startDate: '2024-01-01', district: { towns: 2, villages: 6, townshipCentres: 2, villageClinics: 6 } },
    { resource: (r) => importer.add(r, `${r.resourceType}/${r.id}`), truth: () => undefined },
  );
  const stats = await importer.finish();
  expect(stats.rejected).toBe(0);
}, 900_000);

afterAll(async () => {
  await server?.stop();
});

describe('training on platform data', () => {
  it('trains a model with held-out AUC, calibration and a reliability table, reproducibly', async () => {
    model = await trainBpModel(server.database.db, { orgUnit: DISTRICT, seed: 3 });
    expect(model.asOfDates).toHaveLength(4);
    expect(model.asOfDates[3] <= '2025-01-01').toBe(true); // labels need 12 months after the last snapshot
    expect(model.data.testRows).toBeGreaterThan(30);
    expect(model.test.reliability.reduce((s, r) => s + r.n, 0)).toBe(model.data.testRows);
    expect(model.test.auc).toBeGreaterThan(0.7); // the simulator's BP is strongly persistent (docs: synthetic)
    expect(model.test.auc).toBeLessThanOrEqual(1);
    expect(Number.isFinite(model.test.calibration.slope)).toBe(true);
    expect(model.data.synthetic).toMatch(/synthetic/);
    const again = await trainBpModel(server.database.db, { orgUnit: DISTRICT, seed: 3 });
    expect(again.id).toBe(model.id);
    expect(again.test.auc).toBe(model.test.auc);
    const other = await trainBpModel(server.database.db, { orgUnit: DISTRICT, seed: 4 });
    expect(other.data.trainRows + other.data.testRows).toBe(model.data.trainRows + model.data.testRows);
    expect(other.data.testRows).not.toBe(model.data.testRows);
    await saveModel(server.database.db, { id: model.id, target: model.target, created: new Date().toISOString() }, JSON.stringify(model));
  }, 300_000);
});

describe('assessment over REST', () => {
  it('scores the district and writes RiskAssessments and Tasks', async () => {
    const res = await api('/api/risk/assess', { method: 'POST', body: { orgUnit: DISTRICT, asOf: ASOF } });
    expect(res.status).toBe(200);
    first = res.body as AssessSummary;
    expect(first.model).toBe(model.id);
    expect(first.tasksCreated).toBeGreaterThan(0);
    const ras = await resources<RiskAssessment>('RiskAssessment');
    const total = Object.values(first.assessments).reduce((s, n) => s + (n ?? 0), 0);
    expect(ras).toHaveLength(total);
    const lr = ras.filter((r) => r.resource.method?.coding?.[0]?.code === 'bp-uncontrolled-lr');
    expect(lr).toHaveLength(first.assessments['bp-uncontrolled-lr'] ?? -1);
    for (const { resource, residentId, orgUnit } of ras) {
      expect(resource.subject?.reference).toBe(`Patient/${residentId}`);
      expect(orgUnit?.startsWith(DISTRICT)).toBe(true);
      expect(resource.method?.text).toMatch(/Circulation 2016|Diabetes Care 2013|logistic regression|Public Health Service/);
    }
    const lrOne = lr[0].resource;
    expect(lrOne.prediction?.[0].probabilityDecimal).toBeGreaterThan(0);
    expect(lrOne.method?.coding?.[0].version).toBe(model.id);
    expect(JSON.parse(lrOne.extension?.find((e) => e.url.endsWith('risk-explanation'))?.valueString ?? '{}').topContributions).toHaveLength(3);
  }, 300_000);

  it('gives each Task an owner team, a focus RiskAssessment and status requested', async () => {
    const tasks = await resources<Task>('Task');
    expect(tasks).toHaveLength(first.tasksCreated);
    const raIds = new Set((await resources<RiskAssessment>('RiskAssessment')).map((r) => r.resource.id));
    const patients = new Map((await resources<{ id: string; extension?: { url: string; valueReference?: { reference?: string } }[] }>('Patient')).map((p) => [p.resource.id, p.resource]));
    for (const { resource: t, residentId } of tasks) {
      expect(t.status).toBe('requested');
      expect(t.for?.reference).toBe(`Patient/${residentId}`);
      expect(raIds.has(t.focus?.reference?.replace('RiskAssessment/', ''))).toBe(true);
      const team = patients.get(residentId ?? '')?.extension?.find((e) => e.url.endsWith('/family-doctor-team'))?.valueReference?.reference;
      expect(t.owner?.reference).toBe(team ?? t.owner?.reference);
      expect(t.owner?.reference).toMatch(/^(CareTeam|Organization)\//);
      expect(t.restriction?.period?.end && t.restriction.period.end >= ASOF).toBe(true);
    }
    expect(tasks.some((t) => t.resource.owner?.reference?.startsWith('CareTeam/'))).toBe(true);
  });

  it('does not duplicate open Tasks when re-run, the same day or later', async () => {
    const before = (await resources<RiskAssessment>('RiskAssessment')).length;
    const again = (await api('/api/risk/assess', { method: 'POST', body: { orgUnit: DISTRICT, asOf: ASOF } })).body as AssessSummary;
    expect(again.tasksCreated).toBe(0);
    expect(again.tasksSkippedOpen).toBe(first.tasksCreated);
    expect((await resources<RiskAssessment>('RiskAssessment')).length).toBe(before);
    const later = (await api('/api/risk/assess', { method: 'POST', body: { orgUnit: DISTRICT, asOf: '2026-01-10' } })).body as AssessSummary;
    expect(later.tasksSkippedOpen).toBeGreaterThan(0);
    const open = (await resources<Task>('Task')).filter((t) => t.resource.status === 'requested');
    const keys = open.map((t) => `${t.residentId}|${t.resource.code?.coding?.[0]?.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  }, 300_000);
});

describe('completion and the indicator', () => {
  it('tracks a completed Task with its outcome and counts residents given interventions per org unit', async () => {
    const tasks = await resources<Task>('Task');
    const target = tasks[0];
    const done: Task = { ...target.resource, status: 'completed', executionPeriod: { end: '2026-01-12T10:00:00+08:00' }, output: [{ type: { text: 'outcome' }, valueString: 'visited; medication adjusted' }] };
    const put = await fhirFetch(`${server.fhir}/Task/${target.resource.id}`, { method: 'PUT', body: done });
    expect(put.status).toBe(200);
    const code = target.resource.code?.coding?.[0]?.code;
    expect((await blockedTasks(server.database.db, [target.residentId as string], '2026-02-01')).has(`${target.residentId}|${code}`)).toBe(false);
    expect((await blockedTasks(server.database.db, [target.residentId as string], target.resource.authoredOn?.slice(0, 10) as string)).has(`${target.residentId}|${code}`)).toBe(true);

    const res = await api(`/api/indicators/risk?orgUnit=${DISTRICT}&from=2025-01-01&to=2026-12-31`);
    expect(res.status).toBe(200);
    const [row] = res.body.rows;
    const expected = new Set(tasks.map((t) => t.residentId)).size; // independent count over the Task resources
    expect(row.residentsWithIntervention).toBe(expected);
    expect(row.tasks).toBe(tasks.length);
    expect(row.completed).toBe(1);
    expect(row.withOutcome).toBe(1);
    expect(row.open).toBe(tasks.length - 1);
    expect(Object.values(row.byIntervention as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(tasks.length);
    const towns = (await api(`/api/indicators/risk?orgUnit=${DISTRICT}&from=2025-01-01&to=2026-12-31&by=town`)).body.rows as { orgUnit: string; residentsWithIntervention: number }[];
    expect(towns.length).toBe(2);
    expect(towns.reduce((s, t) => s + t.residentsWithIntervention, 0)).toBe(expected);
    const teams = (await api(`/api/indicators/risk?orgUnit=${DISTRICT}&from=2025-01-01&to=2026-12-31&by=team`)).body.rows as { orgUnit: string; tasks: number }[];
    const byOwner = new Map<string, number>();
    for (const t of tasks) byOwner.set(t.resource.owner?.reference ?? 'none', (byOwner.get(t.resource.owner?.reference ?? 'none') ?? 0) + 1);
    expect(Object.fromEntries(teams.map((t) => [t.orgUnit, t.tasks]))).toEqual(Object.fromEntries(byOwner));
  });

  it('refuses bad input and callers outside the org unit', async () => {
    expect((await api(`/api/indicators/risk?orgUnit=33`)).status).toBe(400);
    const quality = await api(`/api/risk/model?orgUnit=${DISTRICT}`);
    expect(quality.status).toBe(200);
    expect(quality.body).toMatchObject({ id: model.id, test: { auc: model.test.auc } });
    expect(JSON.stringify(quality.body)).not.toMatch(/Patient\//);
    expect((await api(`/api/indicators/risk?orgUnit=${DISTRICT}`, { token: null })).status).toBe(401);
    const other = await userToken(server, 'fd-elsewhere', 'family-doctor', '330110');
    expect((await api(`/api/indicators/risk?orgUnit=${DISTRICT}`, { token: other.token })).status).toBe(403);
    expect((await api('/api/risk/assess', { method: 'POST', body: { orgUnit: DISTRICT, asOf: ASOF }, token: other.token })).status).toBe(403);
    const bad = await api('/api/risk/assess', { method: 'POST', body: { orgUnit: DISTRICT, asOf: '2025-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
  });
});
