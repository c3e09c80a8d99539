/** Bulk NDJSON import: dependency order, bad lines named and skipped, idempotent re-runs, resumable. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferedAuditWriter, FhirStore } from '../src/foundation/fhir/index.js';
import { importResources, ndjsonFiles, readNdjson, type ImportProblem } from '../src/foundation/ingest/index.js';
import { writeSimulationToDirectory } from '../src/simulate/index.js';
import { runCli } from './helpers/cli.js';
import { freshDatabase, TEST_DATABASE_URL, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
let store: FhirStore;
let dir: string;
const ctx = { actor: 'test' };

beforeAll(async () => {
  database = await freshDatabase();
  store = new FhirStore({ db: database.db, audit: new BufferedAuditWriter(database.db) });
  dir = mkdtempSync(join(tmpdir(), 'hb-ingest-'));
  await writeSimulationToDirectory({ residents: 300, years: 1, seed: 7 }, dir);
});
afterAll(async () => {
  await database?.drop();
});

const countAll = async () => Number((await database.db.selectFrom('fhir_resource').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const countHistory = async () => Number((await database.db.selectFrom('fhir_resource_version').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('NDJSON import', () => {
  it('orders files so that referenced types load first', () => {
    const names = ndjsonFiles(dir).map((f) => f.split('/').pop());
    expect(names.indexOf('Location.ndjson')).toBeLessThan(names.indexOf('Patient.ndjson'));
    expect(names.indexOf('Patient.ndjson')).toBeLessThan(names.indexOf('Observation.ndjson'));
  });

  it('loads a simulated district, then a second run adds nothing', async () => {
    const lines = ndjsonFiles(dir).reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 0);
    const first = await importResources(store, ctx, readNdjson(ndjsonFiles(dir)), { batchSize: 250 });
    expect(first.rejected).toBe(0);
    expect(first.created).toBe(lines);
    expect(await countAll()).toBe(lines);
    const history = await countHistory();
    const second = await importResources(store, ctx, readNdjson(ndjsonFiles(dir)), { batchSize: 250 });
    expect(second.created).toBe(0);
    expect(second.unchanged).toBe(lines);
    expect(await countAll()).toBe(lines);
    expect(await countHistory()).toBe(history);
    // Imported data is searchable and carries its owner.
    const res = await store.search(ctx, 'Observation', { _count: ['5'] });
    expect(res.matches.length).toBe(5);
    const owners = await database.db.selectFrom('fhir_resource').select(['resident_id', 'org_unit']).where('resource_type', '=', 'Observation').limit(50).execute();
    expect(owners.every((o) => o.resident_id && o.org_unit)).toBe(true);
  });

  it('reports bad lines with file, line and reason, skips them and keeps going', async () => {
    const file = join(dir, 'bad.ndjson');
    const patient = JSON.parse(readFileSync(join(dir, 'Patient.ndjson'), 'utf8').split('\n')[0]);
    writeFileSync(
      file,
      [
        JSON.stringify({ ...patient, id: 'good-1' }),
        '{"resourceType": "Patient", "id": ',
        JSON.stringify({ resourceType: 'Nonsense', id: 'x' }),
        JSON.stringify({ resourceType: 'Observation', id: 'obs-missing-patient', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/nobody' } }),
        JSON.stringify({ resourceType: 'Patient', name: [{ text: 'no id' }] }),
        JSON.stringify({ ...patient, id: 'good-2', birthDate: '1990-02-30' }),
        JSON.stringify({ ...patient, id: 'good-3' }),
      ].join('\n') + '\n',
    );
    const problems: ImportProblem[] = [];
    const stats = await importResources(store, ctx, readNdjson([file]), { batchSize: 100, onProblem: (p) => problems.push(p) });
    expect(stats.created).toBe(2);
    expect(stats.rejected).toBe(5);
    expect(problems.map((p) => p.where)).toEqual(['bad.ndjson:2', 'bad.ndjson:3', 'bad.ndjson:5', 'bad.ndjson:6', 'bad.ndjson:4']);
    expect(problems.find((p) => p.where === 'bad.ndjson:2')?.reason).toMatch(/malformed JSON/);
    expect(problems.find((p) => p.where === 'bad.ndjson:3')?.reason).toMatch(/Nonsense/);
    expect(problems.find((p) => p.where === 'bad.ndjson:4')?.reason).toMatch(/Patient\/nobody does not exist/);
    expect(problems.find((p) => p.where === 'bad.ndjson:6')?.reason).toMatch(/birthDate/);
    expect((await store.read(ctx, 'Patient', 'good-3')).versionId).toBe(1);
  });

  it('resumes after an interrupted run without duplicates', async () => {
    const other = await freshDatabase();
    try {
      const s = new FhirStore({ db: other.db, audit: new BufferedAuditWriter(other.db) });
      const files = ndjsonFiles(dir).filter((f) => !f.endsWith('bad.ndjson'));
      // Interrupted: only the first 1,000 lines made it.
      let n = 0;
      async function* firstPart() {
        for await (const line of readNdjson(files)) {
          if (n++ >= 1000) return;
          yield line;
        }
      }
      await importResources(s, ctx, firstPart(), { batchSize: 300 });
      const resumed = await importResources(s, ctx, readNdjson(files), { batchSize: 300 });
      expect(resumed.unchanged).toBe(1000);
      expect(resumed.rejected).toBe(0);
      const total = Number((await other.db.selectFrom('fhir_resource').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      expect(total).toBe(resumed.read);
    } finally {
      await other.drop();
    }
  });

  it('refreshes planner statistics at ×4 milestones of the resources written and at the end, not after every 20,000 writes', async () => {
    const other = await freshDatabase();
    try {
      const s = new FhirStore({ db: other.db, audit: new BufferedAuditWriter(other.db) });
      const files = ndjsonFiles(dir).filter((f) => !f.endsWith('bad.ndjson'));
      const seen: number[] = [];
      const analyze = s.analyze.bind(s);
      s.analyze = async () => {
        // Resources committed when the ANALYZE starts.
        seen.push(Number((await other.db.selectFrom('fhir_resource').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n));
        await analyze();
      };
      let n = 0;
      async function* first1000() {
        for await (const line of readNdjson(files)) {
          if (n++ >= 1000) return;
          yield line;
        }
      }
      const stats = await importResources(s, ctx, first1000(), { batchSize: 50, analyzeFirstAt: 100 });
      expect(stats.created).toBe(1000);
      // 100 and 400 reached while loading (1,600 never), then once at the end.
      expect(seen).toHaveLength(3);
      expect(seen[0]).toBeGreaterThanOrEqual(100);
      expect(seen[1]).toBeGreaterThanOrEqual(400);
      expect(seen[2]).toBe(1000);
    } finally {
      await other.drop();
    }
  });

  it('healthy-brain import writes in two lanes on PostgreSQL by default, one on PGlite, and refuses a bad --concurrency', async () => {
    const other = TEST_DATABASE_URL ? await freshDatabase() : undefined;
    const dataDir = other ? undefined : mkdtempSync(join(tmpdir(), 'hb-ingest-cli-'));
    const target = other?.url ? ['--database-url', other.url] : ['--data', dataDir as string];
    try {
      const file = join(dir, 'Organization.ndjson');
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
      const run = await runCli(['import', file, ...target]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`created ${lines},`);
      expect(run.stdout).toContain(TEST_DATABASE_URL ? '2 lanes' : '1 lane)');
      const bad = await runCli(['import', file, ...target, '--concurrency', 'two']);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain("--concurrency: expected a whole number ≥ 1, got 'two'");
    } finally {
      await other?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
