/**
 * The real-time master patient index end to end: matching on every Patient create/update (links,
 * persons, review queue), Patient/$match with match grades, the data steward's review, merge and
 * unmerge (audited, reversible), and Patient/$everything across links within the caller's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ORG_UNIT_EXTENSION, RESIDENT_ID_SYSTEM } from '../src/foundation/fhir/index.js';
import { generateResidentId } from '../src/foundation/mpi/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109001002';
const users: Record<string, string> = {};
const ids: Record<string, string> = {};

const zhangId = generateResidentId({ regionCode: '330109', birthDate: '1958-03-14', sequence: 12, sex: 'male' });
const wangId = generateResidentId({ regionCode: '330109', birthDate: '1971-11-02', sequence: 31, sex: 'female' });

function patient(p: { name?: string; family?: string; given?: string; id?: string; birthDate?: string; gender?: string; phone?: string; village?: string; address?: string }) {
  return {
    resourceType: 'Patient',
    ...(p.name || p.family ? { name: [{ ...(p.name ? { text: p.name } : {}), ...(p.family ? { family: p.family, given: [p.given] } : {}) }] } : {}),
    ...(p.id ? { identifier: [{ system: RESIDENT_ID_SYSTEM, value: p.id }] } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.phone ? { telecom: [{ system: 'phone', value: p.phone }] } : {}),
    ...(p.address ? { address: [{ text: p.address }] } : {}),
    extension: [{ url: ORG_UNIT_EXTENSION, valueCode: p.village ?? VILLAGE_A }],
  };
}

const create = async (body: unknown, token?: string) => {
  const r = await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body, token });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const api = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? server.token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const personOf = async (id: string) => (await api(`/mpi/patients/${id}/person`)).body.person as string;
const match = (body: unknown, token?: string) => fhirFetch(`${server.fhir}/Patient/$match`, { method: 'POST', body, token });

beforeAll(async () => {
  server = await startTestServer();
  users.steward = (await userToken(server, 'steward', 'data-steward', null)).token;
  users.vdA = (await userToken(server, 'vd-a', 'village-doctor', VILLAGE_A)).token;
  users.bureau = (await userToken(server, 'bureau', 'district-admin', '330109')).token;
  ids.zhang = await create(patient({ name: '张伟', id: zhangId, birthDate: '1958-03-14', gender: 'male', phone: '13812345678', address: '浙江省杭州市萧山区城厢街道城河村3组12号' }));
  // The same man at the township centre: pinyin only, formatted phone, no ID, other village.
  ids.zhangPinyin = await create(patient({ family: 'ZHANG', given: 'Wei', birthDate: '1958-03-14', gender: 'male', phone: '+86 138-1234-5678', village: VILLAGE_B }));
  ids.wang = await create(patient({ name: '王秀英', id: wangId, birthDate: '1971-11-02', gender: 'female', phone: '13900001111' }));
  // Two 李秀兰 with the same name and sex but different birth dates, no ID, no phone: a possible match.
  ids.li1 = await create(patient({ name: '李秀兰', birthDate: '1950-03-04', gender: 'female' }));
  ids.li2 = await create(patient({ name: '李秀兰', birthDate: '1962-08-19', gender: 'female' }));
  for (const p of [ids.zhang, ids.zhangPinyin]) {
    await fhirFetch(`${server.fhir}/Observation`, { method: 'POST', body: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, subject: { reference: `Patient/${p}` }, valueQuantity: { value: 150, unit: 'mm[Hg]' } } });
  }
});

afterAll(async () => {
  await server?.stop();
});

describe('real-time matching on create and update', () => {
  it('links a duplicate registration to the same person and keeps others apart', async () => {
    const person = await personOf(ids.zhang);
    expect(person).toBeTruthy();
    expect(await personOf(ids.zhangPinyin)).toBe(person);
    expect(await personOf(ids.wang)).not.toBe(person);
    const events = (await api(`/mpi/persons/${person}/history`, { token: users.steward })).body.events;
    expect(events.some((e: { action: string; patient: string }) => e.action === 'auto-link' && e.patient === ids.zhangPinyin)).toBe(true);
  });

  it('keeps a malformed resident ID as sent, flags it, and matches a nameless Patient on what it has', async () => {
    const bad = '33010919580314001X'; // wrong check character
    const id = await create(patient({ name: '赵六', id: bad, birthDate: '1980-01-01', gender: 'male' }));
    const stored = await fhirFetch(`${server.fhir}/Patient/${id}`);
    expect(stored.body.identifier[0].value).toBe(bad);
    const row = await sql<{ flags: string }>`SELECT flags FROM mpi_feature WHERE patient_id = ${id}`.execute(server.database.db);
    expect(row.rows[0].flags).toContain('invalid-resident-id');
    const nameless = await create(patient({ id: wangId, gender: 'female', phone: '13900001111' }));
    expect(await personOf(nameless)).toBe(await personOf(ids.wang));
    const flags = await sql<{ flags: string }>`SELECT flags FROM mpi_feature WHERE patient_id = ${nameless}`.execute(server.database.db);
    expect(flags.rows[0].flags).toContain('no-name');
  });

  it('re-matches an auto-linked Patient on update and queues the possible match for review', async () => {
    const wangPerson = await personOf(ids.wang);
    const other = await create(patient({ name: '王秀英', birthDate: '1971-11-02', gender: 'female', phone: '13900001111' }));
    expect(await personOf(other)).toBe(wangPerson);
    // The update makes it somebody else: new name, birth date and phone.
    const put = await fhirFetch(`${server.fhir}/Patient/${other}`, { method: 'PUT', body: { ...patient({ name: '钱七', birthDate: '1990-05-05', gender: 'male', phone: '13700009999' }), id: other } });
    expect(put.status).toBe(200);
    expect(await personOf(other)).not.toBe(wangPerson);
    const reviews = (await api('/mpi/reviews', { token: users.steward })).body;
    const pair = reviews.items.find((r: { patientA: string; patientB: string }) => [r.patientA, r.patientB].sort().join() === [ids.li1, ids.li2].sort().join());
    expect(pair).toBeTruthy();
    expect(pair.personA).not.toBe(pair.personB);
  });
});

describe('Patient/$match', () => {
  it('returns scored candidates with the match grade, best first', async () => {
    const r = await match({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient({ name: '張偉', birthDate: '1958-03-14', gender: 'male', phone: '138 1234 5678' }) }, { name: 'count', valueInteger: 5 }] });
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('searchset');
    const first = r.body.entry[0];
    expect([ids.zhang, ids.zhangPinyin]).toContain(first.resource.id);
    expect(first.search.score).toBeGreaterThan(0.99);
    expect(first.search.extension[0]).toEqual({ url: 'http://hl7.org/fhir/StructureDefinition/match-grade', valueCode: 'certain' });
    const scores = r.body.entry.map((e: { search: { score: number } }) => e.search.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('onlyCertainMatches returns at most the one certain match; possible matches are graded', async () => {
    const certain = await match({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient({ name: '李秀兰', birthDate: '1950-03-04', gender: 'female' }) }, { name: 'onlyCertainMatches', valueBoolean: true }] });
    expect(certain.body.entry.length).toBe(1);
    expect(certain.body.entry[0].resource.id).toBe(ids.li1);
    const all = await match({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient({ name: '李秀兰', birthDate: '1950-03-04', gender: 'female' }) }] });
    const grades = Object.fromEntries(all.body.entry.map((e: { resource: { id: string }; search: { extension: { valueCode: string }[] } }) => [e.resource.id, e.search.extension[0].valueCode]));
    expect(grades[ids.li1]).toBe('certain');
    expect(['probable', 'possible']).toContain(grades[ids.li2]);
    // Two certain matches of one person (张伟 and ZHANG Wei): the best one is returned.
    const one = await match({ resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient({ name: '张伟', birthDate: '1958-03-14', gender: 'male', phone: '13812345678' }) }, { name: 'onlyCertainMatches', valueBoolean: true }] });
    expect(one.body.entry.length).toBe(1);
    expect([ids.zhang, ids.zhangPinyin]).toContain(one.body.entry[0].resource.id);
  });

  it('rejects bad input with an OperationOutcome and needs Patient read access; scope filters candidates', async () => {
    const bad = await match({ resourceType: 'Parameters', parameter: [{ name: 'count', valueInteger: 0 }, { name: 'resource', resource: patient({ name: '张伟' }) }] });
    expect(bad.status).toBe(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
    const none = await match({ resourceType: 'Parameters', parameter: [] });
    expect(none.status).toBe(400);
    const bureau = await match(patient({ name: '张伟', birthDate: '1958-03-14' }), users.bureau);
    expect(bureau.status).toBe(403);
    const village = await match(patient({ name: '张伟', birthDate: '1958-03-14', gender: 'male', phone: '13812345678' }), users.vdA);
    const seen = village.body.entry.map((e: { resource: { id: string } }) => e.resource.id);
    expect(seen).toContain(ids.zhang);
    expect(seen).not.toContain(ids.zhangPinyin); // village B: outside the village doctor's scope
  });
});

describe('review, merge and unmerge', () => {
  it('only data stewards see the queue and decide', async () => {
    expect((await api('/mpi/reviews')).status).toBe(403);
    expect((await api('/mpi/merge', { method: 'POST', body: { source: 'x', target: 'y' } })).status).toBe(403);
    expect((await api('/mpi/reviews', { token: 'nonsense' })).status).toBe(401);
  });

  it('confirm merges the two persons; unmerge restores them; both are audited', async () => {
    const items = (await api('/mpi/reviews', { token: users.steward })).body.items;
    const pair = items.find((r: { patientA: string; patientB: string }) => [r.patientA, r.patientB].includes(ids.li1));
    const before = [await personOf(ids.li1), await personOf(ids.li2)];
    const confirmed = await api(`/mpi/reviews/${pair.id}/confirm`, { method: 'POST', token: users.steward });
    expect(confirmed.status).toBe(200);
    expect(await personOf(ids.li1)).toBe(await personOf(ids.li2));
    const again = await api(`/mpi/reviews/${pair.id}/confirm`, { method: 'POST', token: users.steward });
    expect(again.status).toBe(409);
    // The decided pair by id: no longer in the open queue, still readable with its decision.
    const byId = await api(`/mpi/reviews/${pair.id}`, { token: users.steward });
    expect(byId.body).toMatchObject({ id: pair.id, patientA: pair.patientA, patientB: pair.patientB, status: 'confirmed', decidedBy: expect.any(String) });
    expect((await api('/mpi/reviews/987654', { token: users.steward })).body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    expect((await api('/mpi/reviews/x1', { token: users.steward })).status).toBe(400);
    expect((await api(`/mpi/reviews/${pair.id}`, { token: users.vdA })).status).toBe(403);
    const merged = before.find((p) => p !== confirmed.body.person)!;
    const undo = await api('/mpi/unmerge', { method: 'POST', body: { person: merged }, token: users.steward });
    expect(undo.status).toBe(200);
    expect([await personOf(ids.li1), await personOf(ids.li2)].sort()).toEqual([...before].sort());
    const history = (await api(`/mpi/persons/${merged}/history`, { token: users.steward })).body.events.map((e: { action: string }) => e.action);
    expect(history).toContain('merge');
    expect(history).toContain('unmerge');
  });

  it('refuses to merge two persons with different valid resident IDs', async () => {
    const r = await api('/mpi/merge', { method: 'POST', body: { source: await personOf(ids.wang), target: await personOf(ids.zhang) }, token: users.steward });
    expect(r.status).toBe(409);
  });

  it('every candidate row carries its link and its person’s resident number, through numbering, merge, unmerge and update', async () => {
    const db = server.database.db;
    /** Feature rows whose copy of the link or number differs from mpi_link and mpi_person (the candidate query reads the copy). */
    const drift = async () => (await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM mpi_feature f LEFT JOIN mpi_link l ON l.patient_id = f.patient_id LEFT JOIN mpi_person p ON p.id = l.person_id
      WHERE (f.person_id, f.how, f.resident_number) IS DISTINCT FROM (l.person_id, l.how, p.resident_number)`.execute(db)).rows[0].n;
    const numberOf = async (patient: string) => (await sql<{ n: string | null }>`SELECT resident_number AS n FROM mpi_feature WHERE patient_id = ${patient}`.execute(db)).rows[0]?.n;
    const zhaoId = generateResidentId({ regionCode: '330109', birthDate: '1969-05-21', sequence: 44, sex: 'female' });
    // A person first registered without an ID, then again with one: the person is numbered and both links follow.
    const first = await create(patient({ name: '赵敏', birthDate: '1969-05-21', gender: 'female', phone: '13755556666', address: '浙江省杭州市萧山区城厢街道城河村5组2号' }));
    expect(await numberOf(first)).toBeNull();
    const second = await create(patient({ name: '赵敏', id: zhaoId, birthDate: '1969-05-21', gender: 'female', phone: '13755556666', address: '浙江省杭州市萧山区城厢街道城河村5组2号' }));
    expect(await personOf(second)).toBe(await personOf(first));
    expect([await numberOf(first), await numberOf(second)]).toEqual([zhaoId, zhaoId]);
    // Merging the numbered person into one without a number numbers the target's links; unmerge takes it back.
    const target = await personOf(ids.li1);
    const source = await personOf(first);
    expect(await numberOf(ids.li1)).toBeNull();
    expect((await api('/mpi/merge', { method: 'POST', body: { source, target }, token: users.steward })).status).toBe(200);
    expect([await numberOf(ids.li1), await numberOf(first)]).toEqual([zhaoId, zhaoId]);
    expect(await drift()).toBe(0);
    expect((await api('/mpi/unmerge', { method: 'POST', body: { person: source }, token: users.steward })).status).toBe(200);
    expect([await numberOf(ids.li1), await numberOf(first), await numberOf(second)]).toEqual([null, zhaoId, zhaoId]);
    expect(await numberOf(ids.zhang)).toBe(zhangId);
    // An update re-writes the feature row: it keeps its link and number.
    await fhirFetch(`${server.fhir}/Patient/${second}`, { method: 'PUT', body: { ...patient({ name: '赵敏', id: zhaoId, birthDate: '1969-05-21', gender: 'female', phone: '13755557777' }), id: second } });
    expect(await numberOf(second)).toBe(zhaoId);
    const row = (await sql<{ person_id: string; how: string }>`SELECT person_id, how FROM mpi_feature WHERE patient_id = ${second}`.execute(db)).rows[0];
    expect(row.person_id).toBe(await personOf(second));
    expect(await drift()).toBe(0);
  });

  it('a rejected pair is not proposed again after an update', async () => {
    const a = await create(patient({ name: '孙丽', birthDate: '1966-01-01', gender: 'female' }));
    const b = await create(patient({ name: '孙丽', birthDate: '1979-06-30', gender: 'female' }));
    const items = (await api('/mpi/reviews', { token: users.steward })).body.items;
    const pair = items.find((r: { patientA: string; patientB: string }) => [r.patientA, r.patientB].sort().join() === [a, b].sort().join());
    expect((await api(`/mpi/reviews/${pair.id}/reject`, { method: 'POST', token: users.steward })).body.status).toBe('rejected');
    await fhirFetch(`${server.fhir}/Patient/${b}`, { method: 'PUT', body: { ...patient({ name: '孙丽', birthDate: '1979-06-30', gender: 'female', phone: '13611112222' }), id: b } });
    const open = (await api('/mpi/reviews', { token: users.steward })).body.items;
    expect(open.some((r: { patientA: string; patientB: string }) => [r.patientA, r.patientB].sort().join() === [a, b].sort().join())).toBe(false);
  });
});

describe('Patient/$everything across links', () => {
  it('returns the records of every Patient linked to the same person, within the caller’s scope', async () => {
    const all = await fhirFetch(`${server.fhir}/Patient/${ids.zhang}/$everything`);
    const patients = all.body.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').map((e: { resource: { id: string } }) => e.resource.id);
    expect(patients.sort()).toEqual([ids.zhang, ids.zhangPinyin].sort());
    const subjects = all.body.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation').map((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference);
    expect(subjects.sort()).toEqual([`Patient/${ids.zhang}`, `Patient/${ids.zhangPinyin}`].sort());
    const village = await fhirFetch(`${server.fhir}/Patient/${ids.zhang}/$everything`, { token: users.vdA });
    const seen = village.body.entry.map((e: { resource: { resourceType: string; id: string } }) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(seen).toContain(`Patient/${ids.zhang}`);
    expect(seen).not.toContain(`Patient/${ids.zhangPinyin}`);
    expect(village.body.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation').length).toBe(1);
  });

  it('the golden person is a FHIR Person with one link per readable Patient', async () => {
    const person = await personOf(ids.zhang);
    const r = await api(`/mpi/persons/${person}`);
    expect(r.body.resourceType).toBe('Person');
    expect(r.body.link.map((l: { target: { reference: string } }) => l.target.reference).sort()).toEqual([`Patient/${ids.zhang}`, `Patient/${ids.zhangPinyin}`].sort());
  });
});
