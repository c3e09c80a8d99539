/**
 * Surveillance on the platform, end to end: case reports loaded through the FHIR API become proj_case
 * rows (report deadlines, late flags), a detection run for a date finds the injected cluster and the
 * class A case, stores the signals with their evidence (idempotently), and the CDC works the signal
 * through the REST API with access scoped by role and org unit.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { runSurveillance, startScheduler, type RunResult } from '../src/publichealth/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';
import { asserted, caseReport } from './helpers/surveillance.js';

let server: TestServer;
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109001002';
const VILLAGE_C = '330109002001';
const D = '2025-04-30';
const users: Record<string, string> = {};
const patients: Record<string, string[]> = { a: [], b: [], c: [] };

const day = (offset: number) => new Date(Date.parse(`${D}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
const api = (path: string, token: string | null, init: { method?: string; body?: unknown } = {}) =>
  fhirFetch(`${server.url}/api/surveillance${path}`, { token, method: init.method, body: init.body, headers: init.body ? { 'content-type': 'application/json' } : {} });


async function transaction(resources: unknown[]) {
  const res = await fhirFetch(server.fhir, { method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry: resources.map((resource) => ({ resource, request: { method: 'POST', url: (resource as { resourceType: string }).resourceType } })) } });
  expect(res.status).toBe(200);
  return res.body.entry.map((e: { response: { location: string } }) => e.response.location.split('/')[1]) as string[];
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  const person = (village: string, i: number) => ({ resourceType: 'Patient', name: [{ text: `居民${i}` }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
  patients.a = await transaction(Array.from({ length: 20 }, (_, i) => person(VILLAGE_A, i)));
  patients.b = await transaction(Array.from({ length: 10 }, (_, i) => person(VILLAGE_B, i)));
  patients.c = await transaction(Array.from({ length: 10 }, (_, i) => person(VILLAGE_C, i)));
  // Background: one HFMD case every 6 days in villages A and B, and every 5 days in C, over the 60 days before D.
  const background = [];
  for (let k = -60; k < 0; k++) {
    if (k % 6 === 0) background.push(caseReport(patients.a[(-k) % 20], 'B08.4', `${day(k)}T10:00:00+08:00`, asserted(`${day(k)}T08:00:00+08:00`)));
    if ((k + 3) % 6 === 0) background.push(caseReport(patients.b[(-k) % 10], 'B08.4', `${day(k)}T10:00:00+08:00`, asserted(`${day(k)}T08:00:00+08:00`)));
    if (k % 5 === 0) background.push(caseReport(patients.c[(-k) % 10], 'B08.4', `${day(k)}T10:00:00+08:00`, asserted(`${day(k)}T08:00:00+08:00`)));
  }
  await transaction(background);
  // The cluster: 6 HFMD cases in village A on D, one of them reported three days after diagnosis (late).
  const cluster = await transaction([
    ...Array.from({ length: 5 }, (_, i) => caseReport(patients.a[i], 'B08.4', `${D}T10:00:00+08:00`, asserted(`${D}T08:30:00+08:00`))),
    caseReport(patients.a[5], 'B08.4', `${D}T11:00:00+08:00`, asserted(`${day(-3)}T09:00:00+08:00`)),
  ]);
  ids.lateHfmd = cluster[5];
  // A class A case (cholera) in village B, diagnosed at its encounter at 08:00, reported at 11:30: past the 2-hour deadline.
  const encounter = await fhirFetch(`${server.fhir}/Encounter`, {
    method: 'POST',
    body: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${patients.b[0]}` }, period: { start: `${D}T08:00:00+08:00`, end: `${D}T08:20:00+08:00` } },
  });
  ids.cholera = (await fhirFetch(`${server.fhir}/Condition`, { method: 'POST', body: caseReport(patients.b[0], 'A00.1', `${D}T11:30:00+08:00`, { encounter: { reference: `Encounter/${encounter.body.id}` } }) })).body.id;
  // A plague case of a resident known only to their town (no village code): still signalled, at town level.
  const townOnly = await transaction([{ resourceType: 'Patient', name: [{ text: '流动人口' }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: '330109002' }] }]);
  await transaction([caseReport(townOnly[0], 'A20.9', `${D}T09:00:00+08:00`, asserted(`${D}T08:00:00+08:00`))]);
  users.cdc = (await userToken(server, 'cdc-town1', 'cdc-epidemiologist', '330109001')).token;
  users.cdcOther = (await userToken(server, 'cdc-town2', 'cdc-epidemiologist', '330109002')).token;
  users.vd = (await userToken(server, 'vd-a', 'village-doctor', VILLAGE_A)).token;
  users.bureau = (await userToken(server, 'bureau', 'district-admin', null)).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('case reports', () => {
  it('projects notifiable Conditions with disease, class, deadline and late flag', async () => {
    const rows = await sql<{ resource_id: string; disease: string; kind: string; disease_class: string; late: boolean; deadline_at: Date; diagnosed_at: Date; org_unit: string }>`
      SELECT resource_id, disease, kind, disease_class, late, deadline_at, diagnosed_at, org_unit FROM proj_case WHERE kind = 'case'`.execute(server.database.db);
    const cholera = rows.rows.find((r) => r.resource_id === ids.cholera);
    expect(cholera).toMatchObject({ disease: 'cholera', disease_class: 'A', late: true, org_unit: VILLAGE_B });
    // 2 hours after the encounter's start (08:00 +08:00 = 00:00 UTC).
    expect(new Date(cholera!.deadline_at).toISOString()).toBe(`${D}T02:00:00.000Z`);
    const late = rows.rows.filter((r) => r.late).map((r) => r.resource_id).sort();
    expect(late).toEqual([ids.cholera, ids.lateHfmd].sort());
    expect(rows.rows.filter((r) => r.disease === 'hfmd').every((r) => r.disease_class === 'C')).toBe(true);
    expect(rows.rows.filter((r) => r.disease !== 'hfmd').map((r) => `${r.disease}/${r.disease_class}`).sort()).toEqual(['cholera/A', 'plague/A']);
  });

  it('also counts the encounter diagnoses as syndromes (fever with rash)', async () => {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case WHERE kind = 'syndrome' AND disease = 'fever-rash'`.execute(server.database.db);
    const hfmd = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case WHERE disease = 'hfmd'`.execute(server.database.db);
    expect(Number(r.rows[0].n)).toBe(Number(hfmd.rows[0].n));
  });

  it('reports timeliness per disease (aggregate) and counts per village and day or week', async () => {
    const t = await api(`/timeliness?orgUnit=330109&from=${day(-70)}&to=${D}`, users.bureau);
    expect(t.status).toBe(200);
    expect(t.body.rows.find((r: { disease: string }) => r.disease === 'cholera')).toMatchObject({ diseaseClass: 'A', reports: 1, late: 1, medianDelayHours: 3.5 });
    const c = await api(`/counts?disease=hfmd&orgUnit=330109001&level=village&from=${D}&to=${D}`, users.cdc);
    expect(c.body.rows).toEqual([{ orgUnit: VILLAGE_A, period: D, count: 6 }]);
    const w = await api(`/counts?disease=hfmd&orgUnit=330109&level=town&interval=week&from=${day(-70)}&to=${D}`, users.bureau);
    const total = w.body.rows.reduce((s: number, r: { count: number }) => s + r.count, 0);
    const all = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case WHERE disease = 'hfmd'`.execute(server.database.db);
    expect(total).toBe(Number(all.rows[0].n));
    expect(new Set(w.body.rows.map((r: { period: string }) => new Date(`${r.period}T00:00:00Z`).getUTCDay()))).toEqual(new Set([1]));
    expect(w.body.rows.find((r: { period: string }) => r.period === '2025-04-28')).toMatchObject({ orgUnit: '330109001', week: '2025-W18' });
    expect((await api(`/counts?disease=hfmd&orgUnit=330109002&level=village`, users.cdc)).status).toBe(403);
    expect((await api(`/counts?disease=nothing&orgUnit=330109`, users.cdc)).status).toBe(400);
  });

  it('drops a case report that is refuted', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case WHERE disease = 'hfmd'`.execute(server.database.db);
    const one = await fhirFetch(`${server.fhir}/Condition`, { method: 'POST', body: caseReport(patients.c[0], 'B08.4', `${day(-1)}T10:00:00+08:00`) });
    const refuted = { ...one.body, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }] } };
    expect((await fhirFetch(`${server.fhir}/Condition/${one.body.id}`, { method: 'PUT', body: refuted })).status).toBe(200);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case WHERE disease = 'hfmd'`.execute(server.database.db);
    expect(Number(after.rows[0].n)).toBe(Number(before.rows[0].n));
  });
});

describe('detection run and signals', () => {
  let run: Awaited<ReturnType<typeof runSurveillance>>;
  let hfmd: { id: string; evidence: any; status: string };

  it('finds the cluster in village A and the cholera case, with their evidence', async () => {
    run = await runSurveillance(server.database.db, { date: D });
    expect(run.newSignals).toBe(run.signals);
    const list = await api(`/signals?from=${D}&to=${D}`, users.bureau);
    expect(list.status).toBe(200);
    const keys = list.body.signals.map((s: { disease: string; orgUnit: string; level: string }) => `${s.disease}@${s.orgUnit}/${s.level}`).sort();
    expect(keys).toContain(`hfmd@${VILLAGE_A}/village`);
    expect(keys).toContain(`cholera@${VILLAGE_B}/village`);
    expect(keys).toContain('plague@330109002/town');
    expect(keys).toContain('fever-rash@330109001/town'); // the syndrome of the same cluster (EWMA per town)
    expect(keys).not.toContain(`hfmd@${VILLAGE_C}/village`);
    expect(keys).not.toContain(`hfmd@${VILLAGE_B}/village`);
    const id = list.body.signals.find((s: { disease: string; level: string }) => s.disease === 'hfmd' && s.level === 'village').id;
    const got = await api(`/signals/${id}`, users.cdc);
    expect(got.status).toBe(200);
    hfmd = got.body;
    expect(got.body).toMatchObject({ status: 'new', method: 'glrnb', observed: 6, periodStart: D, periodEnd: D, events: [], next: ['under-investigation'] });
    const ev = got.body.evidence;
    expect(ev).toMatchObject({ method: 'glrnb', frequency: 365, casesFrom: D, casesTo: D, parameters: { level: 'village', minCount: 2 } });
    expect(ev.series.counts[ev.series.counts.length - 1]).toBe(6);
    expect(ev.series.counts.reduce((s: number, x: number) => s + x, 0)).toBe(6 + 10);
    expect(ev.threshold).toBeGreaterThanOrEqual(5); // the GLR statistic reached c.ARL = 5
  });

  it('is idempotent for the same date', async () => {
    const again = await runSurveillance(server.database.db, { date: D });
    expect(again.newSignals).toBe(0);
    expect(again.signalIds.sort()).toEqual([...run.signalIds].sort());
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM surv_signal`.execute(server.database.db);
    expect(Number(n.rows[0].n)).toBe(run.signals);
    const r = await sql<{ runs: number }>`SELECT runs FROM surv_run WHERE run_date = ${D}::date`.execute(server.database.db);
    expect(Number(r.rows[0].runs)).toBe(2);
  });

  it('lists the cases behind a signal for the CDC, audited; not for roles that read no case reports', async () => {
    const res = await api(`/signals/${hfmd.id}/cases`, users.cdc);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 6, visible: 6, from: D, to: D });
    expect(res.body.cases.filter((c: { late: boolean }) => c.late).map((c: { conditionId: string }) => c.conditionId)).toEqual([ids.lateHfmd]);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE actor = 'cdc-town1' AND action = 'read' AND resource_type = 'Condition'`.execute(server.database.db);
    expect(Number(audit.rows[0].n)).toBe(6);
    const wider = await api(`/signals/${hfmd.id}/cases?days=7`, users.cdc);
    expect(wider.body).toMatchObject({ from: day(-6), to: D, total: 7 }); // the cluster and the background case of D-6
    expect((await api(`/signals/${hfmd.id}/cases?days=0`, users.cdc)).status).toBe(400);
    expect((await api(`/signals/${hfmd.id}/cases`, users.bureau)).status).toBe(403);
    expect((await api(`/signals/${hfmd.id}/cases`, users.cdcOther)).status).toBe(403);
  });

  it('scopes signals by org unit', async () => {
    expect((await api(`/signals/${hfmd.id}`, users.vd)).status).toBe(200);
    expect((await api(`/signals/${hfmd.id}`, users.cdcOther)).status).toBe(403);
    const other = await api('/signals', users.cdcOther);
    expect(other.body.signals.map((s: { disease: string }) => s.disease)).toEqual(['plague']);
    expect((await api('/signals?orgUnit=330109001', users.cdcOther)).status).toBe(403);
    expect((await api('/signals', null)).status).toBe(401);
    expect((await api('/signals/00000000-0000-0000-0000-000000000000', users.cdc)).status).toBe(404);
  });

  it('moves a signal through the workflow with who and when; invalid transitions are 409', async () => {
    const move = (status: string, token = users.cdc, note?: string) => api(`/signals/${hfmd.id}/transition`, token, { method: 'POST', body: { status, note } });
    expect((await move('closed')).status).toBe(409);
    expect((await move('confirmed-outbreak')).status).toBe(409);
    const denied = await move('under-investigation', users.vd);
    expect(denied.status).toBe(403);
    expect(denied.body.resourceType).toBe('OperationOutcome');
    expect((await move('investigating')).status).toBe(400);
    const a = await move('under-investigation', users.cdc, 'field team sent to the kindergarten');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'under-investigation', next: ['confirmed-outbreak', 'false-alarm'] });
    expect(a.body.events[0]).toMatchObject({ seq: 1, from: 'new', to: 'under-investigation', actor: 'cdc-town1', note: 'field team sent to the kindergarten' });
    expect(Date.parse(a.body.events[0].at)).toBeGreaterThanOrEqual(Date.parse(a.body.createdAt));
    expect(a.body.responseMinutes).toBeGreaterThanOrEqual(0);
    const conflict = await move('under-investigation');
    expect(conflict.status).toBe(409);
    expect(conflict.body.issue[0].code).toBe('conflict');
    expect((await move('confirmed-outbreak')).status).toBe(200);
    const closed = await move('closed');
    expect(closed.body.events.map((e: { to: string }) => e.to)).toEqual(['under-investigation', 'confirmed-outbreak', 'closed']);
    expect((await move('new')).status).toBe(409);
    // A re-run keeps the workflow.
    await runSurveillance(server.database.db, { date: D });
    expect((await api(`/signals/${hfmd.id}`, users.cdc)).body.status).toBe('closed');
  });

  it('reports response-time metrics', async () => {
    const m = await api('/metrics?orgUnit=330109', users.bureau);
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ signals: run.signals, responded: 1 });
    expect(m.body.byStatus.closed).toBe(1);
    expect(m.body.byStatus.new).toBe(run.signals - 1);
    expect(m.body.medianResponseMinutes).toBeGreaterThanOrEqual(0);
    expect(m.body.medianResponseHours).toBeCloseTo(m.body.medianResponseMinutes / 60, 9);
  });
});

/** Reads a Server-Sent Events stream until `done` says so (or 10 s pass); returns the events. */
async function readEvents(path: string, token: string, done: (events: { event: string; data: any }[]) => boolean) {
  const abort = new AbortController();
  const res = await fetch(`${server.url}/api/surveillance${path}`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  // The security headers reach a hijacked response too (hardening.ts sets them on the raw response).
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: { event: string; data: any }[] = [];
  const until = Date.now() + 10_000;
  while (!done(events) && Date.now() < until) {
    const { value, done: end } = await reader.read();
    if (end) break;
    text += decoder.decode(value, { stream: true });
    const blocks = text.split('\n\n');
    text = blocks.pop() ?? '';
    for (const b of blocks) {
      const event = /^event: (.+)$/m.exec(b)?.[1];
      const data = /^data: (.+)$/m.exec(b)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  abort.abort();
  return events;
}

describe('events for the web app', () => {
  it('streams the signals changed since a time, limited to the caller\'s org units', async () => {
    const since = '2020-01-01T00:00:00Z';
    const listed = (await api('/signals', users.cdc)).body.total as number;
    expect(listed).toBeGreaterThanOrEqual(3);
    const mine = await readEvents(`/events?since=${since}`, users.cdc, (e) => e.length >= listed);
    expect(mine.map((e) => e.event)).toEqual(Array(listed).fill('signal'));
    expect(mine.every((e) => e.data.orgUnit.startsWith('330109001'))).toBe(true);
    expect(mine.find((e) => e.data.disease === 'hfmd' && e.data.level === 'village')?.data.status).toBe('closed');
    const other = await readEvents(`/events?since=${since}`, users.cdcOther, (e) => e.length >= 1);
    expect(other.map((e) => e.data.disease)).toEqual(['plague']);
    // Resuming after the last change sends nothing old.
    const last = mine.map((e) => e.data.updatedAt).sort().at(-1);
    const none = await fetch(`${server.url}/api/surveillance/signals?updatedSince=${encodeURIComponent(last)}`, { headers: { authorization: `Bearer ${users.cdc}` } });
    expect(((await none.json()) as { total: number }).total).toBe(0);
    expect((await fetch(`${server.url}/api/surveillance/events?since=yesterday`, { headers: { authorization: `Bearer ${users.cdc}` } })).status).toBe(400);
    expect((await fetch(`${server.url}/api/surveillance/events`)).status).toBe(401);
  });
});

describe('scheduled run', () => {
  it('runs at the configured time (UTC+8) for the previous day and stops cleanly', async () => {
    // 00:59:59.8 on the day after D in Beijing: the 01:00 run is 200 ms away.
    const start = Date.parse(`${day(1)}T00:59:59.800+08:00`);
    const t0 = Date.now();
    const results: RunResult[] = [];
    const scheduler = startScheduler({ db: server.database.db, at: '01:00', clock: () => new Date(start + (Date.now() - t0)), onRun: (r) => r && results.push(r) });
    for (let i = 0; i < 100 && results.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();
    expect(results.map((r) => r.date)).toEqual([D]);
    expect(results[0].newSignals).toBe(0); // the signals of D exist already
  });
});
