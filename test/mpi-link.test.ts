/**
 * The MPI over a whole store: a simulated district loaded through the store (real-time matching on
 * every Patient write, default model), then `mpi link` (batch EM fit over the stored Patients),
 * both scored pairwise against the simulator's truth; re-running keeps person ids; a manual merge
 * survives the batch; the persisted model is what real-time matching uses afterwards.
 */
import type { Patient } from '@medplum/fhirtypes';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions, ORG_UNIT_EXTENSION, type FhirStore } from '../src/foundation/fhir/index.js';
import { linkStore, MpiService, pairwiseMetrics, readClustersCsv } from '../src/foundation/mpi/index.js';
import { createStore } from '../src/server/index.js';
import { writeSimulationToDirectory } from '../src/simulate/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
let store: FhirStore;
let patients: Patient[];
let truth: Map<string, string>;
const system = { actor: 'test' };

/** Patients without references to practitioners, organisations or care teams (not loaded here). */
function standalone(p: Patient): Patient {
  const { generalPractitioner: _g, managingOrganization: _m, ...rest } = p;
  return { ...rest, extension: (p.extension ?? []).filter((e) => e.url === ORG_UNIT_EXTENSION) };
}

async function personsNow(): Promise<Map<string, string>> {
  const rows = await sql<{ patient_id: string; person_id: string }>`SELECT patient_id, person_id FROM mpi_link`.execute(database.db);
  return new Map(rows.rows.map((r) => [r.patient_id, r.person_id]));
}

beforeAll(async () => {
  loadFhirDefinitions();
  const dir = mkdtempSync(join(tmpdir(), 'hb-mpi-link-'));
  await writeSimulationToDirectory({ residents: 2000, years: 0.02, seed: 11 }, dir);
  patients = readFileSync(join(dir, 'Patient.ndjson'), 'utf8').trim().split('\n').map((l) => standalone(JSON.parse(l) as Patient));
  truth = await readClustersCsv(join(dir, 'truth', 'patient-clusters.csv'));
  database = await freshDatabase();
  store = createStore(database.db).store;
  for (let i = 0; i < patients.length; i += 500) {
    await store.importBatch(system, patients.slice(i, i + 500).map((resource) => ({ resource, location: 'Patient' })));
  }
}, 300_000);

afterAll(async () => {
  await store?.settle();
  await database?.drop();
});

describe('MPI over the store', () => {
  it('real-time matching on import links every Patient, conservatively, before any fit', async () => {
    const persons = await personsNow();
    expect(persons.size).toBe(patients.length);
    const m = pairwiseMetrics(persons, truth);
    console.warn(`MPI real-time on import (default model), 2000 residents: P ${m.precision.toFixed(4)} R ${m.recall.toFixed(4)} F1 ${m.f1.toFixed(4)}`);
    expect(m.precision).toBeGreaterThanOrEqual(0.99);
    expect(m.recall).toBeGreaterThan(0.5);
  });

  it('mpi link fits the model on the store and reaches the batch quality; a re-run changes nothing', async () => {
    // As a store whose Patients were never linked (loaded without the real-time MPI): every link is new.
    await sql`DELETE FROM mpi_link`.execute(database.db);
    // Counts rewrites of feature rows: the batch writes each row once, with its link and number as decided.
    await sql`CREATE TABLE test_feature_updates (n int)`.execute(database.db);
    await sql.raw(`CREATE FUNCTION test_count_feature_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO test_feature_updates VALUES (1); RETURN NULL; END $$`).execute(database.db);
    await sql`CREATE TRIGGER test_feature_update AFTER UPDATE ON mpi_feature FOR EACH ROW EXECUTE FUNCTION test_count_feature_update()`.execute(database.db);
    const r = await linkStore(database.db);
    const rewrites = await sql<{ n: number }>`SELECT count(*)::int AS n FROM test_feature_updates`.execute(database.db);
    await sql`DROP TRIGGER test_feature_update ON mpi_feature`.execute(database.db);
    await sql`DROP FUNCTION test_count_feature_update()`.execute(database.db);
    await sql`DROP TABLE test_feature_updates`.execute(database.db);
    expect(r.relinked).toBe(patients.length);
    expect(rewrites.rows[0].n).toBe(0);
    expect(r.patients).toBe(patients.length);
    const m = pairwiseMetrics(await personsNow(), truth);
    console.warn(`MPI link over the store, 2000 residents: P ${m.precision.toFixed(4)} R ${m.recall.toFixed(4)} F1 ${m.f1.toFixed(4)}; ${r.reviewPairs} review pairs; ${r.relinked} links written`);
    expect(m.f1).toBeGreaterThanOrEqual(0.99);
    const before = await personsNow();
    const again = await linkStore(database.db);
    expect(again.relinked).toBe(0);
    expect(await personsNow()).toEqual(before);
    const models = await sql<{ n: number }>`SELECT count(*)::int AS n FROM mpi_model`.execute(database.db);
    expect(models.rows[0].n).toBe(2);
    // The batch rewrote features, links and person numbers: every feature row still carries its link and number.
    const numbered = await sql<{ drift: number; numbered: number }>`
      SELECT count(*) FILTER (WHERE (f.person_id, f.how, f.resident_number) IS DISTINCT FROM (l.person_id, l.how, p.resident_number))::int AS drift,
        count(f.resident_number)::int AS numbered
      FROM mpi_feature f LEFT JOIN mpi_link l ON l.patient_id = f.patient_id LEFT JOIN mpi_person p ON p.id = l.person_id`.execute(database.db);
    expect(numbered.rows[0].drift).toBe(0);
    expect(numbered.rows[0].numbered).toBeGreaterThan(patients.length / 2);
  }, 300_000);

  it('a manual merge survives the batch, and new Patients are matched with the fitted model', async () => {
    // A registration without resident ID that nothing links automatically, merged by hand into patients[0]'s person.
    const lone = await store.create(system, { resourceType: 'Patient', name: [{ text: '欧阳无忌' }], gender: 'male', birthDate: '1931-02-03' });
    const [a, b] = [lone.version.id, patients[0].id!];
    const before = await personsNow();
    const [pa, pb] = [before.get(a)!, before.get(b)!];
    expect(pa).not.toBe(pb);
    const service = new MpiService({ db: database.db, store });
    await service.merge({ actor: 'steward', context: { actor: 'steward' } }, pa, pb);
    await linkStore(database.db);
    const after = await personsNow();
    expect(after.get(a)).toBe(after.get(b));
    // A new registration of patients[5] (same ID, name and birth date): linked on create.
    const { id: _id, telecom: _t, meta: _m, ...copy } = patients[5];
    const created = await store.create(system, copy);
    expect((await personsNow()).get(created.version.id)).toBe(after.get(patients[5].id!));
  }, 300_000);
});
