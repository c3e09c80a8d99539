/**
 * Masking of the resident ID and phone reaches Patients held inside other resources (issue 8,
 * docs/access.md *Privacy*): a Patient in `contained` of a resource a pharmacist may read is masked
 * on read, search, history and in the entries of $everything; roles that see full values get them;
 * a masked value inside `contained` cannot be written back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION, RESIDENT_ID_SYSTEM } from '../src/foundation/fhir/index.js';
import { generateResidentId } from '../src/foundation/mpi/pure/resident-id.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const VILLAGE = '330109001001';
const ID = generateResidentId({ regionCode: '330181', birthDate: '1971-02-03', sequence: 12, sex: 'male' });
const MASKED_ID = `${ID.slice(0, 6)}********${ID.slice(-4)}`;
const PHONE = '13755556666';
const KIN_PHONE = '13577778888';
let server: TestServer;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

/** The patient as a dispensing system sends it inline (contained, R4 §3.5.0) beside the subject reference. */
const inline = (id: string, phone: string) => ({
  resourceType: 'Patient', id: 'pt', identifier: [{ system: RESIDENT_ID_SYSTEM, value: id }], name: [{ text: '赵建国' }],
  telecom: [{ system: 'phone', value: phone }], contact: [{ telecom: [{ system: 'sms', value: KIN_PHONE }] }],
});

beforeAll(async () => {
  server = await startTestServer();
  const post = async (r: Record<string, unknown>) => {
    const res = await fhirFetch(`${server.fhir}/${r.resourceType as string}`, { method: 'POST', body: r });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  ids.patient = await post({ resourceType: 'Patient', name: [{ text: '赵建国' }], identifier: [{ system: RESIDENT_ID_SYSTEM, value: ID }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE }] });
  ids.rx = await post({
    resourceType: 'MedicationRequest', status: 'active', intent: 'order', contained: [inline(ID, PHONE)],
    subject: { reference: `Patient/${ids.patient}` }, reportedReference: { reference: '#pt' }, medicationCodeableConcept: { text: '二甲双胍' },
  });
  tokens.pharmacist = (await userToken(server, 'ph-contained', 'pharmacist', '330109001')).token;
  tokens.doctor = (await userToken(server, 'vd-contained', 'village-doctor', VILLAGE)).token;
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string, token: string) => fhirFetch(`${server.fhir}/${path}`, { token });
type Rx = { contained: { identifier: { value: string }[]; telecom: { value: string }[]; contact: { telecom: { value: string }[] }[] }[]; meta: { security?: { code: string }[] } };

function expectMaskedRx(rx: Rx) {
  const pt = rx.contained[0];
  expect(pt.identifier[0].value).toBe(MASKED_ID);
  expect(pt.telecom[0].value).toBe('137****6666');
  expect(pt.contact[0].telecom[0].value).toBe('135****8888');
  expect(rx.meta.security?.map((s) => s.code)).toContain('MASKED');
}
const expectNoFullValues = (body: unknown) => {
  const text = JSON.stringify(body);
  for (const v of [ID, PHONE, KIN_PHONE]) expect(text).not.toContain(v);
};

describe('contained Patient, masked role (pharmacist)', () => {
  it('is masked on read, vread and history', async () => {
    const read = await get(`MedicationRequest/${ids.rx}`, tokens.pharmacist);
    expect(read.status).toBe(200);
    expectMaskedRx(read.body);
    expectNoFullValues(read.body);
    expectMaskedRx((await get(`MedicationRequest/${ids.rx}/_history/1`, tokens.pharmacist)).body);
    const history = await get(`MedicationRequest/${ids.rx}/_history`, tokens.pharmacist);
    expectMaskedRx(history.body.entry[0].resource);
    expectNoFullValues(history.body);
  });

  it('is masked in search results and in the entries of $everything', async () => {
    const search = await get(`MedicationRequest?subject=Patient/${ids.patient}`, tokens.pharmacist);
    expect(search.body.entry).toHaveLength(1);
    expectMaskedRx(search.body.entry[0].resource);
    expectNoFullValues(search.body);
    const all = await get(`Patient/${ids.patient}/$everything`, tokens.pharmacist);
    expect(all.status).toBe(200);
    const rx = all.body.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'MedicationRequest');
    expectMaskedRx(rx.resource);
    expectNoFullValues(all.body);
  });

  it('cannot write a masked contained value back (422 naming the element); nothing is written', async () => {
    const masked = (await get(`MedicationRequest/${ids.rx}`, tokens.pharmacist)).body;
    const dispense = {
      resourceType: 'MedicationDispense', status: 'completed', contained: masked.contained,
      subject: { reference: `Patient/${ids.patient}` }, receiver: [{ reference: '#pt' }], medicationCodeableConcept: { text: '二甲双胍' },
    };
    const res = await fhirFetch(`${server.fhir}/MedicationDispense`, { method: 'POST', body: dispense, token: tokens.pharmacist });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].expression).toEqual(['MedicationDispense.contained[0].identifier[0].value']);
    expect((await get(`MedicationDispense?subject=Patient/${ids.patient}&_summary=count`, tokens.doctor)).body.total).toBe(0);
    // The same dispense without the masked copy is the pharmacist's to write.
    const clean = await fhirFetch(`${server.fhir}/MedicationDispense`, { method: 'POST', body: { ...dispense, contained: undefined, receiver: undefined }, token: tokens.pharmacist });
    expect(clean.status).toBe(201);
  });
});

describe('contained Patient, role that sees full values', () => {
  it('a village doctor reads it in full, unlabelled', async () => {
    const read = await get(`MedicationRequest/${ids.rx}`, tokens.doctor);
    expect(read.body.contained[0].identifier[0].value).toBe(ID);
    expect(read.body.contained[0].telecom[0].value).toBe(PHONE);
    expect(read.body.meta.security).toBeUndefined();
  });
});
