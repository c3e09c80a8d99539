/**
 * Bulk import in several lanes (BatchImporter `concurrency`): the same database content as a
 * one-lane import — resources, owners, the chronic-care registry and the master patient index —
 * and references resolved across lanes and across the file order.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/foundation/db/index.js';
import { importResources, ndjsonFiles, readNdjson, residentKey, type ImportStats } from '../src/foundation/ingest/index.js';
import { createStore } from '../src/server/index.js';
import { writeSimulationToDirectory } from '../src/simulate/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let dir: string;
const opened: TestDatabase[] = [];
const ctx = { actor: 'test' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hb-lanes-'));
  await writeSimulationToDirectory({ residents: 120, years: 1, seed: 11 }, dir);
}, 120_000);
afterAll(async () => {
  for (const d of opened) await d.drop();
});

async function load(concurrency: number, files = ndjsonFiles(dir)): Promise<{ db: Database; stats: ImportStats }> {
  const database = await freshDatabase();
  opened.push(database);
  const { store, audit } = createStore(database.db);
  const stats = await importResources(store, ctx, readNdjson(files), { batchSize: 60, concurrency });
  await audit.close();
  await store.settle();
  return { db: database.db, stats };
}

/** What a load leaves behind, independent of timestamps and generated ids. */
async function content(db: Database) {
  const resources = await sql<{ k: string }>`SELECT resource_type || '/' || id || ' ' || coalesce(resident_id, '-') || ' ' || coalesce(org_unit, '-') AS k FROM fhir_resource ORDER BY 1`.execute(db);
  const tokens = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sp_token`.execute(db);
  const registry = await sql<Record<string, unknown>>`SELECT * FROM chronic_registry ORDER BY resident_id, category`.execute(db);
  // MPI: which Patients ended up as one person (person ids are generated, the grouping is not).
  const persons = await sql<{ g: string }>`SELECT string_agg(patient_id, ',' ORDER BY patient_id) AS g FROM mpi_link GROUP BY person_id ORDER BY 1`.execute(db);
  const flags = await sql<{ k: string }>`SELECT resource_id || ' ' || coalesce(flag, '-') AS k FROM proj_dispense ORDER BY 1`.execute(db);
  return { resources: resources.rows.map((r) => r.k), tokens: tokens.rows[0].n, registry: registry.rows, persons: persons.rows.map((r) => r.g), flags: flags.rows.map((r) => r.k) };
}

describe('import in lanes', () => {
  it('picks the lane by resident: a Patient by itself, other resources by the Patient they refer to', () => {
    expect(residentKey({ resourceType: 'Patient', id: 'p1' }, ['Organization/o1'])).toBe('Patient/p1');
    expect(residentKey({ resourceType: 'Observation', id: 'o1', status: 'final', code: {} }, ['Practitioner/x', 'Patient/p1'])).toBe('Patient/p1');
    expect(residentKey({ resourceType: 'Organization', id: 'o1' }, [])).toBe('Organization/o1');
  });

  it('leaves the same content as a one-lane load, registry and patient index included', async () => {
    const lines = ndjsonFiles(dir).reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 0);
    const one = await load(1);
    const four = await load(4);
    expect(four.stats.rejected).toBe(0);
    expect(four.stats.created).toBe(lines);
    const [a, b] = [await content(one.db), await content(four.db)];
    expect(a.resources.length).toBe(lines);
    expect(a.registry.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  }, 600_000);

  it('resolves references to resources that come later in the input, in other lanes', async () => {
    // Every file reversed and the types in reverse dependency order: Observations before their Patients.
    const small = mkdtempSync(join(tmpdir(), 'hb-lanes-small-'));
    await writeSimulationToDirectory({ residents: 25, years: 1, seed: 12 }, small);
    const reversed = mkdtempSync(join(tmpdir(), 'hb-lanes-rev-'));
    const files = ndjsonFiles(small).reverse();
    const all = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).reverse());
    const file = join(reversed, 'all.ndjson');
    writeFileSync(file, `${all.join('\n')}\n`);
    const { db, stats } = await load(3, [file]);
    expect(stats.rejected).toBe(0);
    expect(stats.created).toBe(all.length);
    const owned = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fhir_resource WHERE resource_type = 'Observation' AND resident_id IS NULL`.execute(db);
    expect(owned.rows[0].n).toBe(0);
  }, 600_000);
});
