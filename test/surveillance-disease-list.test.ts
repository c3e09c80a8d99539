/**
 * A district's own disease list (HB_SURVEILLANCE_DISEASES, loadDiseaseList): the server's case
 * projector recognises its codes with its deadlines, the API lists it, and a bad file is refused with
 * one line naming the file and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { loadDiseaseList } from '../src/publichealth/index.js';
import { loadConfig } from '../src/server/index.js';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';
import { asserted, caseReport } from './helpers/surveillance.js';

const dir = mkdtempSync(join(tmpdir(), 'hb-diseases-'));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
// A list of one disease, scarlet fever (A38), to be reported within 12 hours (the built-in list: 24 hours).
const LIST = [
  { key: 'scarlet-fever', name: '猩红热 scarlet fever', kind: 'case', class: 'B', icd10: ['A38'], deadlineHours: 12, detection: [{ level: 'village', method: 'fixed', params: { threshold: 2 } }] },
];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ diseases: loadDiseaseList(file('diseases.json', JSON.stringify(LIST))) });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the server with a district disease list', () => {
  it('lists the district\'s diseases, not the built-in ones', async () => {
    const res = await fhirFetch(`${server.url}/api/surveillance/diseases`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.body.diseases.map((d: { key: string }) => d.key)).toEqual(['scarlet-fever']);
  });

  it('projects the list\'s codes with its deadline, and no longer the built-in diseases', async () => {
    const patient = await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: { resourceType: 'Patient', name: [{ text: '学生' }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: '330109001001' }] } });
    expect(patient.status).toBe(201);
    const id = patient.body.id as string;
    // Scarlet fever reported 13 hours after diagnosis: late under this list's 12 hours, not under the
    // built-in 24. HFMD (B08.4) is in the built-in list only.
    for (const body of [caseReport(id, 'A38', '2025-05-01T21:00:00+08:00', asserted('2025-05-01T08:00:00+08:00')), caseReport(id, 'B08.4', '2025-05-01T09:00:00+08:00', asserted('2025-05-01T08:00:00+08:00'))])
      expect((await fhirFetch(`${server.fhir}/Condition`, { method: 'POST', body })).status).toBe(201);
    const rows = await sql<{ disease: string; late: boolean; org_unit: string }>`SELECT disease, late, org_unit FROM proj_case ORDER BY disease`.execute(server.database.db);
    expect(rows.rows).toEqual([{ disease: 'scarlet-fever', late: true, org_unit: '330109001001' }]);
  });
});

describe('loadDiseaseList and HB_SURVEILLANCE_DISEASES', () => {
  it('refuses a missing file, bad JSON and a bad entry with one line naming the file and the field', () => {
    expect(() => loadDiseaseList(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the disease list \(ENOENT\)/);
    expect(() => loadDiseaseList(file('broken.json', '[{'))).toThrow(/broken\.json: not valid JSON/);
    const bad = [{ ...LIST[0], detection: [{ level: 'county', method: 'fixed' }] }];
    expect(() => loadDiseaseList(file('bad.json', JSON.stringify(bad)))).toThrow(/bad\.json: disease list: 0\.detection\.0\.level/);
  });

  it('is read from the environment into the configuration', () => {
    expect(loadConfig({ HB_SURVEILLANCE_DISEASES: '/etc/hb/diseases.json' }).surveillanceDiseases).toBe('/etc/hb/diseases.json');
    expect(loadConfig({}).surveillanceDiseases).toBeUndefined();
  });
});
