/**
 * The pipelined transaction path (BundleService.pipelined, WriteSession.writeAhead) against the
 * general one: the same bundles on two fresh databases, one with tiny chunks (many rows statements,
 * entries referring to entries of later chunks) and one with the pipeline off, must leave every
 * table with the same rows, and failing bundles must give the same error and write nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { createMpiProjector } from '../mpi/index.js';
import { BufferedAuditWriter } from './audit.js';
import { BundleService, pipelineChunks } from './bundle.service.js';
import { FhirStore } from './store.service.js';
import { WriteSession } from './write-session.js';

const dir = join(import.meta.dirname, '../../../../shared/fixtures/synthea');
const synthea = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !/Information/.test(f))
  .sort()
  .map((f) => readFileSync(join(dir, f), 'utf8'));

interface Side {
  database: TestDatabase;
  service: BundleService;
  audit: BufferedAuditWriter;
}

/**
 * A store with fixed clock and counted ids, so both sides assign the same ids and timestamps, and
 * the foundation's projector (the MPI; the domain ones are the server's, tested with it).
 */
async function side(): Promise<Side> {
  const database = await freshDatabase();
  const clock = () => new Date('2026-03-01T08:00:00.000Z');
  let n = 0;
  const audit = new BufferedAuditWriter(database.db);
  const store = new FhirStore({ db: database.db, audit, clock, projectors: [createMpiProjector({ clock })], newId: () => `id-${++n}` });
  return { database, service: new BundleService(store), audit };
}

let piped: Side;
let general: Side;
const defaults = { ...pipelineChunks };

/** Runs `body` on both sides: tiny chunks on one, the pipeline off on the other. */
async function both(body: () => unknown): Promise<{ piped: unknown; general: unknown }> {
  const run = async (s: Side, chunks: { first: number; size: number }) => {
    Object.assign(pipelineChunks, chunks);
    try {
      return await s.service.process({ actor: 'test' }, body());
    } catch (err) {
      return { error: (err as { outcome?: unknown }).outcome ?? String(err) };
    } finally {
      Object.assign(pipelineChunks, defaults);
    }
  };
  return { piped: await run(piped, { first: 2, size: 3 }), general: await run(general, { first: 1e9, size: 1e9 }) };
}

/** Every row of every table: store, indexes, projections, MPI, audit (sorted JSON text). */
async function dump(db: TestDatabase['db']): Promise<Record<string, string[]>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely%' ORDER BY table_name`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table_name)} t`.execute(db);
    // UUIDs are made by others than the store (the MPI's person ids), not the same on both sides.
    if (rows.rows.length > 0) out[table_name] = rows.rows.map((r) => r.row.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'uuid')).sort();
  }
  return out;
}

/** Rows of one table found on one side only (a few, to read in a failure message). */
function difference(piped: string[], general: string[]): { onlyPiped: string[]; onlyGeneral: string[] } {
  const p = new Set(piped);
  const g = new Set(general);
  return { onlyPiped: piped.filter((r) => !g.has(r)).slice(0, 3), onlyGeneral: general.filter((r) => !p.has(r)).slice(0, 3) };
}

/** JSON text of `value` with the store's ids numbered by first appearance. */
function renumbered(value: unknown): string {
  const seen = new Map<string, number>();
  return JSON.stringify(value).replace(/id-\d+/g, (id) => {
    if (!seen.has(id)) seen.set(id, seen.size + 1);
    return `#${seen.get(id)}`;
  });
}

const transaction = (entry: BundleEntry[]): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry });

beforeAll(async () => {
  [piped, general] = await Promise.all([side(), side()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([piped?.audit.close(), general?.audit.close()]);
  await piped?.database.drop();
  await general?.database.drop();
});

describe('pipelined transaction bundles', () => {
  it('write the same rows as the general path, also when entries refer to entries of later chunks', async () => {
    const transactionSpy = vi.spyOn(BundleService.prototype as unknown as { transaction: () => unknown }, 'transaction');
    const writeAhead = vi.spyOn(WriteSession.prototype, 'writeAhead');
    for (const text of synthea) {
      const result = await both(() => JSON.parse(text));
      expect(result.piped).toEqual(result.general);
      // The same bundle with its entries reversed: the Patient comes last, so every clinical
      // resource is written before it and takes its owner from the announced Patient.
      const reversed = await both(() => {
        const bundle = JSON.parse(text) as Bundle;
        return { ...bundle, entry: [...(bundle.entry ?? [])].reverse() };
      });
      expect(reversed.piped).toEqual(reversed.general);
    }
    // The piped side never fell back to the general path: it ran only on the general side, once per bundle.
    expect(transactionSpy).toHaveBeenCalledTimes(synthea.length * 2);
    expect(writeAhead.mock.calls.length).toBeGreaterThan(synthea.length * 2 * 10);
    transactionSpy.mockRestore();
    writeAhead.mockRestore();
    await Promise.all([piped.audit.flush(), general.audit.flush()]);
    const [a, b] = await Promise.all([dump(piped.database.db), dump(general.database.db)]);
    expect(Object.keys(a)).toContain('sp_token');
    expect(a.fhir_resource.length).toBeGreaterThan(synthea.length * 2 * 60);
    // Owners: every resource of a patient's record carries the Patient as resident, in both orders.
    const unowned = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM fhir_resource WHERE resource_type IN ('Observation', 'Encounter', 'Condition') AND resident_id IS NULL`.execute(piped.database.db);
    expect(unowned.rows[0].n).toBe(0);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const table of Object.keys(a)) expect(difference(a[table], b[table]), table).toEqual({ onlyPiped: [], onlyGeneral: [] });
  }, 120_000);

  it('give the general path’s error and write nothing when an entry fails', async () => {
    const base = (JSON.parse(synthea[0]) as Bundle).entry as BundleEntry[];
    const cases: { name: string; entries: () => BundleEntry[] }[] = [
      { name: 'invalid resource in a late chunk', entries: () => base.map((e, i) => (i === 20 ? { ...e, resource: { ...e.resource, status: 'not-a-status' } as never } : e)) },
      { name: 'two invalid entries of different kinds', entries: () => base.map((e, i) => (i === 5 ? { ...e, request: { method: 'POST' } as never } : i === 3 ? { ...e, resource: { ...e.resource, id: '!' } as never } : e)) },
      { name: 'reference to a missing resource', entries: () => [...base, { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/missing' } }, request: { method: 'POST', url: 'Observation' } }] },
      { name: 'urn:uuid with no fullUrl', entries: () => [...base.slice(0, 12), { resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:nowhere' } }, request: { method: 'POST', url: 'Observation' } }] },
      { name: 'duplicate fullUrl', entries: () => [...base, base[3]] },
    ];
    const counts = async (s: Side) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM fhir_resource_history`.execute(s.database.db)).rows[0].n;
    for (const c of cases) {
      const before = [await counts(piped), await counts(general)];
      const result = await both(() => transaction(structuredClone(c.entries())));
      expect(result.piped, c.name).toHaveProperty('error');
      expect(result.piped, c.name).toEqual(result.general);
      expect([await counts(piped), await counts(general)], c.name).toEqual(before);
    }
  }, 120_000);

  it('hands a bundle with a conditional reference to the general path, which resolves it', async () => {
    const base = (JSON.parse(synthea[1]) as Bundle).entry as BundleEntry[];
    // A new facility in the bundle, and a Patient that names it by identifier.
    const entries = () => [
      ...base,
      { resource: { resourceType: 'Organization', identifier: [{ system: 'urn:test:facility', value: 'F-9' }] }, request: { method: 'POST', url: 'Organization' } },
      { resource: { resourceType: 'Patient', managingOrganization: { reference: 'Organization?identifier=urn:test:facility|F-9' } }, request: { method: 'POST', url: 'Patient' } },
    ];
    const result = await both(() => transaction(structuredClone(entries()) as BundleEntry[]));
    expect(result.piped).not.toHaveProperty('error');
    // The given-up attempt took ids from the piped side's counter: compare ids by order of appearance.
    expect(renumbered(result.piped)).toEqual(renumbered(result.general));
    expect(JSON.stringify(result.piped)).toMatch(/"location":"Patient\/id-\d+\/_history\/1"/);
  }, 120_000);
});
