/** FHIR $import on the server: NDJSON body, asynchronous job, status polling, problems by line, idempotent, resumed after a stop. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportJobs } from '../src/foundation/ingest/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const patient = (id: string, family: string) => ({ resourceType: 'Patient', id, name: [{ family, given: ['测试'] }], gender: 'female', birthDate: '1960-05-01' });
const observation = (id: string, patientId: string) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
  subject: { reference: `Patient/${patientId}` },
  effectiveDateTime: '2026-01-05',
  valueQuantity: { value: 150, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
});

async function kickOff(body: string, token = server.token): Promise<Response> {
  return fetch(`${server.fhir}/$import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+ndjson' }, body });
}

/** Polls the status URL until the job ends; returns the final response. */
async function poll(location: string, token = server.token): Promise<{ status: number; body: any; polls: number }> {
  for (let polls = 1; ; polls++) {
    const res = await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 202) return { status: res.status, body: await res.json(), polls };
    expect(res.headers.get('x-progress')).toMatch(/^(queued|running): \d+%/);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('POST /fhir/$import', () => {
  const p1 = randomUUID();
  const p2 = randomUUID();
  const o1 = randomUUID();
  // The Observation comes before its Patient: the importer waits for the target, any order works.
  const lines = [
    JSON.stringify(observation(o1, p1)),
    JSON.stringify(patient(p1, '王')),
    '{"resourceType": "Patient", "id": "broken"', // line 3: malformed JSON
    JSON.stringify(patient(p2, '李')),
    JSON.stringify({ resourceType: 'NoSuchType', id: 'x1' }), // line 5: unknown type
    JSON.stringify(observation(randomUUID(), 'missing-patient')), // line 6: reference to nothing
  ];
  let first: { status: number; body: any };

  it('accepts an NDJSON body with 202 and a status location, then reports counts and problems by line', async () => {
    const res = await kickOff(lines.join('\n') + '\n');
    expect(res.status).toBe(202);
    const location = res.headers.get('content-location');
    expect(location).toMatch(/\/fhir\/\$import-poll-status\/[0-9a-f-]{36}$/);
    first = await poll(location!);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('completed');
    expect(first.body.counts).toEqual({ read: 6, created: 3, updated: 0, unchanged: 0, rejected: 3 });
    const problems: string[] = first.body.error.issue.map((i: { diagnostics: string }) => i.diagnostics);
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('line 3:'))).toMatch(/malformed JSON/);
    expect(problems.find((p) => p.startsWith('line 5:'))).toMatch(/NoSuchType/);
    expect(problems.find((p) => p.startsWith('line 6:'))).toMatch(/missing-patient/);
  });

  it('stores what was good, searchable at once', async () => {
    const found = await fhirFetch(`${server.fhir}/Observation?subject=Patient/${p1}`);
    expect(found.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([o1]);
    expect((await fhirFetch(`${server.fhir}/Patient/${p2}`)).status).toBe(200);
  });

  it('adds nothing when the same body is posted again', async () => {
    const res = await kickOff(lines.join('\n'));
    const again = await poll(res.headers.get('content-location')!);
    expect(again.body.counts).toEqual({ read: 6, created: 0, updated: 0, unchanged: 3, rejected: 3 });
  });

  it('takes only NDJSON, and shows a job only to whoever submitted it', async () => {
    const json = await fetch(`${server.fhir}/$import`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/fhir+json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { issue: { details: { text: string } }[] }).issue[0].details.text).toMatch(/NDJSON/);
    const res = await kickOff(JSON.stringify(patient(randomUUID(), '张')));
    const location = res.headers.get('content-location')!;
    await poll(location);
    const other = await userToken(server, 'import-other', 'clinician', null);
    const seen = await fetch(location, { headers: { authorization: `Bearer ${other.token}` } });
    expect(seen.status).toBe(404);
    expect((await fetch(location)).status).toBe(401);
  });

  it("runs with the submitter's rights: a pharmacist cannot create Patients this way", async () => {
    const pharmacist = await userToken(server, 'import-pharmacist', 'pharmacist', null);
    const res = await kickOff(JSON.stringify(patient(randomUUID(), '赵')), pharmacist.token);
    const done = await poll(res.headers.get('content-location')!, pharmacist.token);
    expect(done.body.counts.created).toBe(0);
    expect(done.body.counts.rejected).toBe(1);
    expect(done.body.error.issue[0].diagnostics).toMatch(/^line 1: /);
  });
});

describe('import jobs after a stop', () => {
  it('takes up a job left running, and it loads everything once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-import-jobs-'));
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const body = ids.map((id, i) => JSON.stringify(patient(id, i % 2 ? '陈' : '杨'))).join('\n');
    const owner = { id: 'user:resume-test', saved: null };
    // First server: stops after the job has started (the job stays `running`).
    const jobs1 = new ImportJobs({ db: server.database.db, store: server.app.store, dir, contextOf: () => ({ actor: 'resume-test' }), batchSize: 5 });
    const id = await jobs1.submit(owner, [body]);
    await jobs1.close();
    const mid = await jobs1.get(id, owner.id);
    expect(['queued', 'running']).toContain(mid!.status);
    expect(readdirSync(dir)).toContain(`${id}.ndjson`);
    // Next start: resume() finds it and finishes it.
    const jobs2 = new ImportJobs({ db: server.database.db, store: server.app.store, dir, contextOf: () => ({ actor: 'resume-test' }), batchSize: 5 });
    expect(await jobs2.resume()).toBeGreaterThanOrEqual(1);
    await jobs2.idle();
    const done = await jobs2.get(id, owner.id);
    expect(done!.status).toBe('completed');
    expect(done!.stats!.created + done!.stats!.unchanged).toBe(40);
    expect(readdirSync(dir)).not.toContain(`${id}.ndjson`);
    const count = await fhirFetch(`${server.fhir}/Patient?_id=${ids.join(',')}&_summary=count`);
    expect(count.body.total).toBe(40);
    writeFileSync(join(dir, 'unrelated.txt'), 'x'); // the directory is the operator's: nothing else is touched
    expect(readdirSync(dir)).toContain('unrelated.txt');
  });
});
