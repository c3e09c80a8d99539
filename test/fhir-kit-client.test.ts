/** A real FHIR client (fhir-kit-client) against the running server. */
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let client: any;
beforeAll(async () => {
  server = await startTestServer();
  client = new Client({ baseUrl: server.fhir, bearerToken: server.token });
});
afterAll(async () => {
  await server?.stop();
});

describe('fhir-kit-client', () => {
  it('reads the capability statement', async () => {
    const cs = await client.capabilityStatement();
    expect(cs.fhirVersion).toBe('4.0.1');
    const patient = cs.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(patient.operation.map((o: { name: string }) => o.name).sort()).toEqual(['everything', 'match']);
  });

  it('creates, reads, updates, searches and pages', async () => {
    const created = await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ text: '张伟', family: '张', given: ['伟'] }], gender: 'male' } });
    expect(created.id).toBeTruthy();
    const read = await client.read({ resourceType: 'Patient', id: created.id });
    expect(read.name[0].text).toBe('张伟');
    const updated = await client.update({ resourceType: 'Patient', id: created.id, body: { ...read, birthDate: '1970-02-03' } });
    expect(updated.meta.versionId).toBe('2');
    for (let i = 0; i < 5; i++) await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', name: [{ family: '张', given: [`${i}`] }] } });
    const page1 = await client.search({ resourceType: 'Patient', searchParams: { family: '张', _count: 4 } });
    expect(page1.entry).toHaveLength(4);
    const page2 = await client.nextPage({ bundle: page1 });
    expect(page2.entry).toHaveLength(2);
    const history = await client.history({ resourceType: 'Patient', id: created.id });
    expect(history.total).toBe(2);
  });

  it('posts a transaction bundle', async () => {
    const response = await client.transaction({
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: 'urn:uuid:a', resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Condition', subject: { reference: 'urn:uuid:a' }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }] } }, request: { method: 'POST', url: 'Condition' } },
        ],
      },
    });
    expect(response.type).toBe('transaction-response');
    const conditions = await client.search({ resourceType: 'Condition', searchParams: { code: 'http://hl7.org/fhir/sid/icd-10|I10', _include: 'Condition:subject' } });
    expect(conditions.entry.filter((e: any) => e.search.mode === 'match')).toHaveLength(1);
    expect(conditions.entry.filter((e: any) => e.search.mode === 'include')[0].resource.gender).toBe('female');
  });

  it('surfaces a 4xx OperationOutcome as an error with the outcome', async () => {
    await expect(client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', birthDate: 'not-a-date' } })).rejects.toMatchObject({
      response: { status: 400, data: { resourceType: 'OperationOutcome' } },
    });
  });
});
