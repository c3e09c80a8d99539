/** transaction and batch Bundles, and Synthea's transaction bundles as the external sample. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const count = async (type: string) => (await fhirFetch(`${server.fhir}/${type}?_summary=count`)).body.total as number;

describe('transaction', () => {
  it('creates all entries atomically and rewrites urn:uuid references', async () => {
    const res = await fhirFetch(server.fhir, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          // The Observation comes first but refers to the Patient created later in the bundle.
          {
            fullUrl: 'urn:uuid:00000000-0000-0000-0000-000000000002',
            resource: { resourceType: 'Observation', status: 'final', code: { text: 'sbp' }, subject: { reference: 'urn:uuid:00000000-0000-0000-0000-000000000001' } },
            request: { method: 'POST', url: 'Observation' },
          },
          {
            fullUrl: 'urn:uuid:00000000-0000-0000-0000-000000000001',
            resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test', value: 'tx-1' }] },
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('transaction-response');
    expect(res.body.entry.map((e: any) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const patientId = res.body.entry[1].response.location.split('/')[1];
    const obsId = res.body.entry[0].response.location.split('/')[1];
    const obs = await fhirFetch(`${server.fhir}/Observation/${obsId}`);
    expect(obs.body.subject.reference).toBe(`Patient/${patientId}`);
  });

  it('conditional create (If-None-Exist) reuses the existing resource', async () => {
    const bundle = (value: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:p',
          resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test', value }] },
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=urn:test|${value}` },
        },
        {
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:p' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    const first = await fhirFetch(server.fhir, { method: 'POST', body: bundle('cond-1') });
    const second = await fhirFetch(server.fhir, { method: 'POST', body: bundle('cond-1') });
    expect(first.body.entry[0].response.status).toBe('201 Created');
    expect(second.body.entry[0].response.status).toBe('200 OK');
    expect(second.body.entry[0].response.location).toBe(first.body.entry[0].response.location);
    const search = await fhirFetch(`${server.fhir}/Patient?identifier=urn:test|cond-1`);
    expect(search.body.entry).toHaveLength(1);
    const pid = first.body.entry[0].response.location.split('/')[1];
    expect((await fhirFetch(`${server.fhir}/Observation?subject=Patient/${pid}`)).body.entry).toHaveLength(2);
  });

  it('rolls back everything when one entry is invalid, naming the entry', async () => {
    const before = await count('Patient');
    const res = await fhirFetch(server.fhir, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Patient', birthDate: 'yesterday' }, request: { method: 'POST', url: 'Patient' } },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression[0]).toBe('Bundle.entry[1].resource.birthDate');
    expect(await count('Patient')).toBe(before);
  });

  it('rolls back when a reference does not resolve, at commit time', async () => {
    const before = await count('Patient');
    const res = await fhirFetch(server.fhir, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/missing' } }, request: { method: 'POST', url: 'Observation' } },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression[0]).toBe('Bundle.entry[1].resource.subject.reference');
    expect(await count('Patient')).toBe(before);
  });
  it('resolves conditional references and rejects unresolved urn:uuid ones', async () => {
    await fhirFetch(`${server.fhir}/Organization`, { method: 'POST', body: { resourceType: 'Organization', identifier: [{ system: 'urn:fac', value: 'F1' }] } });
    const ok = await fhirFetch(server.fhir, {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', managingOrganization: { reference: 'Organization?identifier=urn:fac|F1' } }, request: { method: 'POST', url: 'Patient' } }] },
    });
    expect(ok.status).toBe(200);
    const p = await fhirFetch(`${server.fhir}/${ok.body.entry[0].response.location.split('/_history')[0]}`);
    expect(p.body.managingOrganization.reference).toMatch(/^Organization\/[0-9a-f-]{36}$/);
    const missing = await fhirFetch(server.fhir, {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', managingOrganization: { reference: 'Organization?identifier=urn:fac|NOPE' } }, request: { method: 'POST', url: 'Patient' } }] },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.issue[0].expression[0]).toBe('Bundle.entry[0].resource.managingOrganization.reference');
    const dangling = await fhirFetch(server.fhir, {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', link: [{ type: 'seealso', other: { reference: 'urn:uuid:nowhere' } }] }, request: { method: 'POST', url: 'Patient' } }] },
    });
    expect(dangling.status).toBe(400);
    expect(dangling.body.issue[0].expression[0]).toBe('Bundle.entry[0].resource.link[0].other.reference');
  });
});

describe('batch', () => {
  it('runs entries independently and reports each outcome', async () => {
    const res = await fhirFetch(server.fhir, {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Patient', gender: 'nonsense' }, request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'GET', url: 'Patient?gender=female' } },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('batch-response');
    expect(res.body.entry[0].response.status).toBe('201 Created');
    expect(res.body.entry[1].response.status).toBe('400');
    expect(res.body.entry[1].response.outcome.issue[0].expression[0]).toContain('gender');
    expect(res.body.entry[2].resource.type).toBe('searchset');
    expect(res.body.entry[2].resource.entry.length).toBeGreaterThanOrEqual(1);
  });
});

describe('Synthea', () => {
  const dir = join(import.meta.dirname, '../../shared/fixtures/synthea');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const order = (f: string) => (f.startsWith('hospitalInformation') ? 0 : f.startsWith('practitionerInformation') ? 1 : 2);

  it('imports every fixture bundle without error and makes it searchable', async () => {
    const expected: Record<string, number> = {};
    for (const file of files.sort((a, b) => order(a) - order(b))) {
      const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      for (const e of bundle.entry) if (e.request.method === 'POST' && !e.request.ifNoneExist) expected[e.resource.resourceType] = (expected[e.resource.resourceType] ?? 0) + 1;
      const res = await fhirFetch(server.fhir, { method: 'POST', body: bundle });
      expect(res.status, `${file}: ${JSON.stringify(res.body).slice(0, 500)}`).toBe(200);
      expect(res.body.entry).toHaveLength(bundle.entry.length);
    }
    for (const type of ['Claim', 'ExplanationOfBenefit', 'Procedure', 'DiagnosticReport', 'Encounter', 'Condition']) {
      if (expected[type]) expect(await count(type)).toBe(expected[type]);
    }
    // A Synthea patient is found by name and its Conditions by patient and code system.
    const patients = (await fhirFetch(`${server.fhir}/Patient?family=Hoeger&_count=5`)).body;
    expect(patients.entry.length).toBe(1);
    const pid = patients.entry[0].resource.id;
    const conditions = (await fhirFetch(`${server.fhir}/Condition?patient=${pid}&_total=accurate`)).body;
    expect(conditions.total).toBeGreaterThan(0);
    const everything = (await fhirFetch(`${server.fhir}/Patient/${pid}/$everything`)).body;
    expect(everything.total).toBeGreaterThan(conditions.total);
    const eob = (await fhirFetch(`${server.fhir}/ExplanationOfBenefit?patient=${pid}&_summary=count`)).body;
    expect(eob.total).toBeGreaterThan(0);
  });
});
