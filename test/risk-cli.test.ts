/**
 * `healthy-brain risk train` and `risk assess` as processes against a seeded database (a PGlite data
 * directory, or PostgreSQL with TEST_DATABASE_URL): the training report, a byte-identical model file
 * for the same seed, and an idempotent assessment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelFile } from '../src/healthmgmt/index.js';
import { createStore, loadConfig, openConfiguredDatabase, seedDemoDistrict } from '../src/server/index.js';
import { freshDatabase, TEST_DATABASE_URL, type TestDatabase } from './helpers/database.js';

const ENTRY = join(import.meta.dirname, '../src/cli/bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'hb-risk-cli-'));
let where: string[];
let pg: TestDatabase | undefined;

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'risk', ...args, ...where], { encoding: 'utf8', env: { ...process.env, HB_DATABASE_URL: '', DATABASE_URL: '' } });

beforeAll(async () => {
  let database;
  if (TEST_DATABASE_URL) {
    pg = await freshDatabase();
    database = pg;
    where = ['--database-url', pg.url as string];
  } else {
    const dataDir = join(dir, 'data');
    database = await openConfiguredDatabase(loadConfig({}, { dataDir }));
    where = ['--data', dataDir];
  }
  const { store, audit } = createStore(database.db);
  const stats = await seedDemoDistrict(store, { residents: 1000, years: 2, seed: 7, riskAssessment: false });
  expect(stats.rejected).toBe(0);
  await store.settle();
  await audit.close();
  if (!pg) await database.close();
}, 900_000);

afterAll(async () => {
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('risk train', () => {
  it('reports held-out AUC, calibration and the reliability table, and writes the same model for the same seed', () => {
    const out = join(dir, 'model.json');
    const res = run('train', '--seed', '5', '--out', out);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/held-out AUC 0\.\d{3}/);
    expect(res.stdout).toMatch(/calibration slope -?\d+\.\d{3}, intercept -?\d+\.\d{3}/);
    expect(res.stdout).toMatch(/group\s+n\s+mean predicted\s+observed/);
    expect(res.stdout).toMatch(/synthetic/);
    const model = parseModelFile(JSON.parse(readFileSync(out, 'utf8')));
    expect(res.stdout).toContain(`held-out AUC ${model.test.auc.toFixed(3)}`);
    const out2 = join(dir, 'model2.json');
    expect(run('train', '--seed', '5', '--out', out2).status).toBe(0);
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out, 'utf8'));
    const bad = run('train', '--seed', 'x', '--out', out2);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--seed must be an integer/);
  }, 300_000);
});

describe('risk assess', () => {
  it('writes Tasks once: a second run the same day creates none', () => {
    const first = run('assess', '--as-of', '2025-12-31', '--model-file', join(dir, 'model.json'));
    expect(first.status, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { tasksCreated: number; residents: number; assessments: Record<string, number> };
    expect(a.residents).toBeGreaterThan(900);
    expect(a.tasksCreated).toBeGreaterThan(0);
    expect(a.assessments['bp-uncontrolled-lr']).toBeGreaterThan(0);
    const second = run('assess', '--as-of', '2025-12-31');
    expect(second.status, second.stderr).toBe(0);
    const b = JSON.parse(second.stdout) as { tasksCreated: number; tasksSkippedOpen: number; model: string };
    expect(b.tasksCreated).toBe(0);
    expect(b.tasksSkippedOpen).toBe(a.tasksCreated);
    expect(b.model).toMatch(/^bp-lr-/); // the model saved by risk train
  }, 300_000);
});
