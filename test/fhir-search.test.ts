import { sql } from 'kysely';
/** Search: every parameter type, modifiers, prefixes, sorting, paging, _include/_revinclude. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';
import { tokenTextMigration } from '../src/foundation/fhir/index.js';

let server: TestServer;
const ids: Record<string, string> = {};

async function post(body: Record<string, unknown>): Promise<string> {
  const res = await fhirFetch(`${server.fhir}/${body.resourceType}`, { method: 'POST', body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.id;
}
async function search(query: string) {
  const res = await fhirFetch(`${server.fhir}/${query}`);
  if (res.status !== 200) throw new Error(`${query}: ${JSON.stringify(res.body)}`);
  return res.body;
}
const idsOf = (bundle: any, mode = 'match') => (bundle.entry ?? []).filter((e: any) => e.search.mode === mode).map((e: any) => e.resource.id).sort();

beforeAll(async () => {
  server = await startTestServer();
  ids.org = await post({ resourceType: 'Organization', name: '萧山区第一人民医院', identifier: [{ system: 'https://healthy-brain.org/fhir/sid/facility', value: 'H001' }] });
  ids.wang = await post({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: '11010519491231002X' }],
    name: [{ text: '王小明', family: '王', given: ['小明'] }, { family: 'Wang', given: ['Xiaoming'] }],
    gender: 'male',
    birthDate: '1949-12-31',
    address: [{ text: '浙江省杭州市萧山区城厢街道', city: '杭州市', district: '萧山区' }],
    managingOrganization: { reference: `Organization/${ids.org}` },
    active: true,
  });
  ids.li = await post({ resourceType: 'Patient', name: [{ text: '李娜', family: '李', given: ['娜'] }], gender: 'female', birthDate: '1985-06-15', active: false });
  ids.muller = await post({ resourceType: 'Patient', name: [{ family: 'Müller', given: ['Zoë'] }], gender: 'female', birthDate: '1990-01-01' });
  for (const [sbp, date] of [[150, '2024-03-01T08:00:00Z'], [128, '2024-06-01T08:00:00Z'], [182, '2024-09-01T08:00:00Z']] as const) {
    ids[`obs${sbp}`] = await post({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] },
      subject: { reference: `Patient/${ids.wang}` },
      effectiveDateTime: date,
      valueQuantity: { value: sbp, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    });
  }
  ids.glucose = await post({
    resourceType: 'Observation',
    status: 'preliminary',
    code: { coding: [{ system: 'http://loinc.org', code: '14771-0' }] },
    subject: { reference: `Patient/${ids.li}` },
    effectiveDateTime: '2024-05-05',
    valueQuantity: { value: 7.8, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  });
  ids.risk = await post({ resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${ids.wang}` }, prediction: [{ probabilityDecimal: 0.12 }] });
});
afterAll(async () => {
  await server?.stop();
});

describe('string', () => {
  it('matches the start of any name part, Chinese text included', async () => {
    expect(idsOf(await search('Patient?name=王'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?name=王小明'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?name=wang'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?family=李'))).toEqual([ids.li]);
  });
  it('is case- and accent-insensitive by default, exact with :exact, substring with :contains', async () => {
    expect(idsOf(await search('Patient?name=muller'))).toEqual([ids.muller]);
    expect(idsOf(await search('Patient?given=zoe'))).toEqual([ids.muller]);
    expect(idsOf(await search('Patient?family:exact=muller'))).toEqual([]);
    expect(idsOf(await search('Patient?family:exact=Müller'))).toEqual([ids.muller]);
    expect(idsOf(await search('Patient?address:contains=萧山'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?name:contains=iaomi'))).toEqual([ids.wang]);
  });
});

describe('token', () => {
  it('system|code, code alone, :not, :missing, booleans', async () => {
    expect(idsOf(await search('Patient?identifier=urn:oid:2.16.156.10011.1.3|11010519491231002X'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?identifier=11010519491231002X'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?identifier=urn:other|11010519491231002X'))).toEqual([]);
    expect(idsOf(await search('Patient?gender=female'))).toEqual([ids.li, ids.muller].sort());
    expect(idsOf(await search('Patient?gender:not=female'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?active=true'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?active:missing=true'))).toEqual([ids.muller]);
    expect(idsOf(await search('Observation?code=http://loinc.org|8480-6,http://loinc.org|14771-0'))).toHaveLength(4);
    expect(idsOf(await search('Observation?status=final&code=8480-6'))).toHaveLength(3);
  });
  it('matches codes, not display texts (R4 §3.1.1.4.7: code=X is a Coding.code in any system)', async () => {
    expect(idsOf(await search(`Observation?code=${encodeURIComponent('Systolic blood pressure')}`))).toEqual([]);
    expect(idsOf(await search(`Observation?code=|${encodeURIComponent('Systolic blood pressure')}`))).toEqual([]);
    // A code-typed element has no system: its rows stay (status=final above).
    expect(idsOf(await search('Observation?status=|final&code=8480-6'))).toHaveLength(3);
  });
  it('_id', async () => {
    expect(idsOf(await search(`Patient?_id=${ids.li},${ids.muller}`))).toEqual([ids.li, ids.muller].sort());
  });
});

describe('date', () => {
  it('applies prefixes with the precision of the value (R4 §3.1.1.4.2)', async () => {
    expect(idsOf(await search('Patient?birthdate=1949'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?birthdate=1985-06'))).toEqual([ids.li]);
    expect(idsOf(await search('Patient?birthdate=lt1985-06-15'))).toEqual([ids.wang]);
    expect(idsOf(await search('Patient?birthdate=le1985-06-15'))).toEqual([ids.wang, ids.li].sort());
    expect(idsOf(await search('Patient?birthdate=gt1985'))).toEqual([ids.muller]);
    expect(idsOf(await search('Patient?birthdate=ge1985&birthdate=lt1990'))).toEqual([ids.li]);
    expect(idsOf(await search('Observation?date=2024-06'))).toEqual([ids.obs128]);
    expect(idsOf(await search('Observation?date=sa2024-06-01T08:00:00Z&code=8480-6'))).toEqual([ids.obs182]);
    expect(idsOf(await search('Observation?date=eb2024-06-01&code=8480-6'))).toEqual([ids.obs150]);
  });
  it('rejects an invalid date with a 400 naming the parameter', async () => {
    const res = await fhirFetch(`${server.fhir}/Patient?birthdate=1990-13`);
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['birthdate']);
  });
});

describe('quantity and number', () => {
  it('compares values with prefixes, system and code', async () => {
    expect(idsOf(await search('Observation?value-quantity=ge180'))).toEqual([ids.obs182]);
    expect(idsOf(await search('Observation?value-quantity=gt140|http://unitsofmeasure.org|mm[Hg]'))).toEqual([ids.obs150, ids.obs182].sort());
    expect(idsOf(await search('Observation?value-quantity=lt10|http://unitsofmeasure.org|mmol/L'))).toEqual([ids.glucose]);
    expect(idsOf(await search('Observation?value-quantity=128'))).toEqual([ids.obs128]);
    expect(idsOf(await search('Observation?value-quantity=7.8'))).toEqual([ids.glucose]);
    expect(idsOf(await search('RiskAssessment?probability=gt0.1'))).toEqual([ids.risk]);
    expect(idsOf(await search('RiskAssessment?probability=lt0.1'))).toEqual([]);
  });
});

describe('reference', () => {
  it('Type/id, bare id and :Type modifier', async () => {
    expect(idsOf(await search(`Observation?subject=Patient/${ids.wang}`))).toHaveLength(3);
    expect(idsOf(await search(`Observation?patient=${ids.li}`))).toEqual([ids.glucose]);
    expect(idsOf(await search(`Observation?subject:Patient=${ids.li}`))).toEqual([ids.glucose]);
    expect(idsOf(await search(`Patient?organization=Organization/${ids.org}`))).toEqual([ids.wang]);
  });
});

describe('sort, paging, total, include', () => {
  it('sorts by a parameter both ways and by _lastUpdated', async () => {
    const asc = await search('Patient?_sort=birthdate');
    expect(asc.entry.map((e: any) => e.resource.birthDate)).toEqual(['1949-12-31', '1985-06-15', '1990-01-01']);
    const desc = await search('Patient?_sort=-birthdate');
    expect(desc.entry.map((e: any) => e.resource.birthDate)).toEqual(['1990-01-01', '1985-06-15', '1949-12-31']);
    const obs = await search('Observation?code=8480-6&_sort=-date');
    expect(obs.entry.map((e: any) => e.resource.valueQuantity.value)).toEqual([182, 128, 150]);
  });
  it('pages with _count and next links until the end', async () => {
    const seen: string[] = [];
    let bundle = await search('Observation?_count=2&_sort=_id');
    for (;;) {
      seen.push(...bundle.entry.map((e: any) => e.resource.id));
      const next = bundle.link.find((l: any) => l.relation === 'next');
      if (!next) break;
      bundle = (await fhirFetch(next.url)).body;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect([...seen]).toEqual([...seen].sort());
  });
  it('gives an accurate total with _total=accurate and _summary=count', async () => {
    expect((await search('Observation?_count=1&_total=accurate')).total).toBe(4);
    const count = await search('Observation?_summary=count&code=8480-6');
    expect(count.total).toBe(3);
    expect(count.entry).toEqual([]);
  });
  it('_include brings the referenced resources, _revinclude the referring ones', async () => {
    const inc = await search(`Observation?code=14771-0&_include=Observation:subject`);
    expect(idsOf(inc)).toEqual([ids.glucose]);
    expect(idsOf(inc, 'include')).toEqual([ids.li]);
    const rev = await search(`Patient?_id=${ids.wang}&_revinclude=Observation:subject&_revinclude=RiskAssessment:subject`);
    expect(idsOf(rev)).toEqual([ids.wang]);
    expect(idsOf(rev, 'include')).toEqual([ids.obs150, ids.obs128, ids.obs182, ids.risk].sort());
  });
  it('Patient/$everything returns the patient and its compartment only', async () => {
    const all = await fhirFetch(`${server.fhir}/Patient/${ids.wang}/$everything`);
    expect(all.status).toBe(200);
    const got = all.body.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`).sort();
    expect(got).toEqual([`Patient/${ids.wang}`, `Observation/${ids.obs150}`, `Observation/${ids.obs128}`, `Observation/${ids.obs182}`, `RiskAssessment/${ids.risk}`].sort());
  });
  it('POST _search with a form body searches like GET', async () => {
    const res = await fetch(`${server.fhir}/Patient/_search`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${server.token}` }, body: 'gender=female' });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(idsOf(body)).toEqual([ids.li, ids.muller].sort());
  });
});

describe('ownership columns', () => {
  it('every resource of a patient carries the patient resident id', async () => {
    const rows = await server.database.db.selectFrom('fhir_resource').select(['resource_type', 'resident_id']).where('resource_type', '=', 'Observation').execute();
    expect(rows.every((r) => r.resident_id === ids.wang || r.resident_id === ids.li)).toBe(true);
  });
});

describe('migration 0013 (token text rows)', () => {
  it('removes the system-less text rows an earlier indexer wrote and keeps the system-less code rows', async () => {
    const db = server.database.db;
    const rows = async (id: string) =>
      (await sql<{ param: string; code: string }>`SELECT param, code FROM sp_token WHERE resource_type = 'Observation' AND resource_id = ${id} AND system IS NULL ORDER BY param, code`.execute(db)).rows.map((r) => `${r.param}=${r.code}`);
    const id = ids.obs150;
    const before = await rows(id);
    expect(before).toContain('status=final');
    // What the indexer wrote before 3 December 2026: the coding's display as a code without a system.
    await sql`INSERT INTO sp_token (resource_type, resource_id, param, system, code) VALUES ('Observation', ${id}, 'code', NULL, 'Systolic blood pressure')`.execute(db);
    expect(await rows(id)).toContain('code=Systolic blood pressure');
    await tokenTextMigration.up(db);
    expect(await rows(id)).toEqual(before);
  });
});
