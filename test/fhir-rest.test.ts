/** The FHIR REST API against a running server: CRUD, versions, history, errors. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const patient = {
  resourceType: 'Patient',
  identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: '11010519491231002X' }],
  name: [{ text: '王小明', family: '王', given: ['小明'] }],
  gender: 'male',
  birthDate: '1949-12-31',
};

describe('create, read, update, delete', () => {
  it('creates with a server id, version 1, Location and ETag', async () => {
    const res = await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patient });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.meta.versionId).toBe('1');
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('location')).toBe(`${server.fhir}/Patient/${res.body.id}/_history/1`);
    const read = await fhirFetch(`${server.fhir}/Patient/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.name[0].text).toBe('王小明');
    expect(read.headers.get('content-type')).toContain('application/fhir+json');
  });

  it('updates with If-Match, rejects a stale version with 412, keeps history and vread', async () => {
    const created = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patient })).body;
    const id = created.id;
    const updated = await fhirFetch(`${server.fhir}/Patient/${id}`, { method: 'PUT', body: { ...created, gender: 'female' }, headers: { 'if-match': 'W/"1"' } });
    expect(updated.status).toBe(200);
    expect(updated.body.meta.versionId).toBe('2');
    const stale = await fhirFetch(`${server.fhir}/Patient/${id}`, { method: 'PUT', body: { ...created, gender: 'other' }, headers: { 'if-match': 'W/"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.resourceType).toBe('OperationOutcome');
    const v1 = await fhirFetch(`${server.fhir}/Patient/${id}/_history/1`);
    expect(v1.body.gender).toBe('male');
    const hist = await fhirFetch(`${server.fhir}/Patient/${id}/_history`);
    expect(hist.body.type).toBe('history');
    expect(hist.body.total).toBe(2);
    expect(hist.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['2', '1']);
  });

  it('stores each version once: the current one in fhir_resource, the replaced ones in history (migration 0012)', async () => {
    const created = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patient })).body;
    const id = created.id;
    const stored = async () => {
      const rows = await sql<{ place: string; version_id: number }>`
        SELECT 'current' AS place, version_id FROM fhir_resource WHERE resource_type = 'Patient' AND id = ${id}
        UNION ALL SELECT 'history', version_id FROM fhir_resource_history WHERE resource_type = 'Patient' AND id = ${id}
        ORDER BY 1, 2`.execute(server.database.db);
      return rows.rows.map((r) => `${r.place}:${r.version_id}`);
    };
    expect(await stored()).toEqual(['current:1']);
    // Two updates of the same resource in one transaction: versions 2 and 3, only 3 becomes current.
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { ...created, gender: 'female' }, request: { method: 'PUT', url: `Patient/${id}` } },
        { resource: { ...created, gender: 'other' }, request: { method: 'PUT', url: `Patient/${id}` } },
      ],
    };
    const tx = await fhirFetch(server.fhir, { method: 'POST', body: bundle });
    expect(tx.status).toBe(200);
    expect(await stored()).toEqual(['current:3', 'history:1', 'history:2']);
    for (const [v, gender] of [['1', 'male'], ['2', 'female'], ['3', 'other']]) {
      const read = await fhirFetch(`${server.fhir}/Patient/${id}/_history/${v}`);
      expect(read.status).toBe(200);
      expect(read.body.gender).toBe(gender);
    }
    const hist = await fhirFetch(`${server.fhir}/Patient/${id}/_history`);
    expect(hist.body.entry.map((e: any) => e.resource.meta.versionId)).toEqual(['3', '2', '1']);
    expect((await fhirFetch(`${server.fhir}/Patient/_history?_count=500`)).body.entry.filter((e: any) => e.resource?.id === id)).toHaveLength(3);
    await fhirFetch(`${server.fhir}/Patient/${id}`, { method: 'DELETE' });
    expect(await stored()).toEqual(['current:4', 'history:1', 'history:2', 'history:3']);
  });

  it('update-as-create with a client id returns 201', async () => {
    const res = await fhirFetch(`${server.fhir}/Patient/client-id-1`, { method: 'PUT', body: { ...patient, id: 'client-id-1' } });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe('client-id-1');
  });

  it('soft-deletes: read gives 410, history keeps the versions, search no longer finds it', async () => {
    const created = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: { ...patient, identifier: [{ system: 'urn:test', value: 'to-delete' }] } })).body;
    const del = await fhirFetch(`${server.fhir}/Patient/${created.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await fhirFetch(`${server.fhir}/Patient/${created.id}`)).status).toBe(410);
    const hist = await fhirFetch(`${server.fhir}/Patient/${created.id}/_history`);
    expect(hist.body.total).toBe(2);
    expect(hist.body.entry[0].request.method).toBe('DELETE');
    const search = await fhirFetch(`${server.fhir}/Patient?identifier=urn:test|to-delete`);
    expect(search.body.entry).toHaveLength(0);
  });

  it('refuses to delete a resource that others reference (409)', async () => {
    const p = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patient })).body;
    await fhirFetch(`${server.fhir}/Observation`, { method: 'POST', body: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: `Patient/${p.id}` } } });
    const del = await fhirFetch(`${server.fhir}/Patient/${p.id}`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect((await fhirFetch(`${server.fhir}/Patient/${p.id}`)).status).toBe(200);
  });
});

describe('bad input gets a 4xx OperationOutcome and writes nothing', () => {
  const cases: [string, string, string, unknown, number, string | undefined][] = [
    ['malformed JSON', 'POST', 'Patient', '{"resourceType": "Patient",', 400, undefined],
    ['unknown resource type in URL', 'POST', 'Patient2', { resourceType: 'Patient2' }, 404, undefined],
    ['wrong resourceType', 'POST', 'Patient', { resourceType: 'Observation', status: 'final', code: { text: 'x' } }, 400, 'resourceType'],
    ['invalid date', 'POST', 'Patient', { resourceType: 'Patient', birthDate: '1990-13-45' }, 400, 'Patient.birthDate'],
    ['invalid code', 'POST', 'Patient', { resourceType: 'Patient', gender: 'x' }, 400, 'Patient.gender'],
    ['unknown element', 'POST', 'Patient', { resourceType: 'Patient', foo: 1 }, 400, 'Patient.foo'],
    ['missing required element', 'POST', 'Observation', { resourceType: 'Observation', code: { text: 'x' } }, 400, 'Observation.status'],
    ['reference to a missing resource', 'POST', 'Observation', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/does-not-exist' } }, 400, 'Observation.subject.reference'],
    ['malformed reference', 'POST', 'Observation', { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'not a reference' } }, 400, 'Observation.subject.reference'],
  ];
  for (const [name, method, type, body, status, expression] of cases) {
    it(name, async () => {
      const before = await fhirFetch(`${server.fhir}/${type === 'Patient2' ? 'Patient' : type}?_summary=count`);
      const res = await fhirFetch(`${server.fhir}/${type}`, { method, body });
      expect(res.status).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].severity).toBe('error');
      if (expression) expect(res.body.issue[0].expression?.[0]).toContain(expression);
      const after = await fhirFetch(`${server.fhir}/${type === 'Patient2' ? 'Patient' : type}?_summary=count`);
      expect(after.body.total).toBe(before.body.total);
    });
  }

  it('unknown search parameter is a 400 naming it', async () => {
    const res = await fhirFetch(`${server.fhir}/Patient?nonsense=1`);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression[0]).toBe('nonsense');
  });

  it('unknown route and unknown id are 404 OperationOutcomes', async () => {
    expect((await fhirFetch(`${server.fhir}/Patient/nope`)).status).toBe(404);
    const r = await fhirFetch(`${server.url}/nowhere`);
    expect(r.status).toBe(404);
    expect(r.body.resourceType).toBe('OperationOutcome');
  });

  it('wrong content type is a 415', async () => {
    const res = await fetch(`${server.fhir}/Patient`, { method: 'POST', headers: { 'content-type': 'application/xml', authorization: `Bearer ${server.token}` }, body: '<Patient/>' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });

  it('id in body must match the URL', async () => {
    const res = await fhirFetch(`${server.fhir}/Patient/abc`, { method: 'PUT', body: { ...patient, id: 'xyz' } });
    expect(res.status).toBe(400);
  });
});

describe('metadata', () => {
  it('serves a CapabilityStatement listing every R4 resource type with its search parameters', async () => {
    const res = await fhirFetch(`${server.fhir}/metadata`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('CapabilityStatement');
    expect(res.body.fhirVersion).toBe('4.0.1');
    const types = res.body.rest[0].resource.map((r: any) => r.type);
    expect(types.length).toBeGreaterThanOrEqual(140);
    for (const t of ['Patient', 'Claim', 'ExplanationOfBenefit', 'Procedure', 'DiagnosticReport', 'CarePlan']) expect(types).toContain(t);
    const obs = res.body.rest[0].resource.find((r: any) => r.type === 'Observation');
    expect(obs.searchParam.map((p: any) => p.name)).toEqual(expect.arrayContaining(['code', 'subject', 'date', 'value-quantity']));
  });
});

describe('audit', () => {
  it('records writes in the same transaction and reads shortly after', async () => {
    const p = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patient })).body;
    await fhirFetch(`${server.fhir}/Patient/${p.id}`);
    await new Promise((r) => setTimeout(r, 400));
    const rows = await server.database.db.selectFrom('audit_log').selectAll().where('resource_id', '=', p.id).orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['create', 'read']);
    expect(rows[0].resident_id).toBe(p.id);
  });
});
