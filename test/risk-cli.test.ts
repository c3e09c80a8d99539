/**
 * `healthy-brain risk train` and `risk run` (alias `risk assess`) as the command line runs them, against a seeded database
 * (a PGlite data directory, or PostgreSQL with TEST_DATABASE_URL): the training report, a byte-identical
 * model file for the same seed, an idempotent assessment, and the server's scheduled daily run
 * (HB_RISK_RUN_AT) firing at its time with the newest saved model.
 */
import { sql } from 'kysely';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelFile } from '../src/healthmgmt/index.js';
import { buildApp, createStore, loadConfig, openConfiguredDatabase, seedDemoDistrict } from '../src/server/index.js';
import { runCli } from './helpers/cli.js';
import { freshDatabase, TEST_DATABASE_URL, type TestDatabase } from './helpers/database.js';

const dir = mkdtempSync(join(tmpdir(), 'hb-risk-cli-'));
let where: string[];
let pg: TestDatabase | undefined;
let dataDir: string | undefined;

const run = (...args: string[]) => runCli(['risk', ...args, ...where], { env: { HB_DATABASE_URL: '', DATABASE_URL: '' } });

beforeAll(async () => {
  let database;
  if (TEST_DATABASE_URL) {
    pg = await freshDatabase();
    database = pg;
    where = ['--database-url', pg.url as string];
  } else {
    dataDir = join(dir, 'data');
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
  it('reports held-out AUC, calibration and the reliability table, and writes the same model for the same seed', async () => {
    const out = join(dir, 'model.json');
    const res = await run('train', '--seed', '5', '--out', out);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/held-out AUC 0\.\d{3}/);
    expect(res.stdout).toMatch(/calibration slope -?\d+\.\d{3}, intercept -?\d+\.\d{3}/);
    expect(res.stdout).toMatch(/group\s+n\s+mean predicted\s+observed/);
    expect(res.stdout).toMatch(/synthetic/);
    const model = parseModelFile(JSON.parse(readFileSync(out, 'utf8')));
    expect(res.stdout).toContain(`held-out AUC ${model.test.auc.toFixed(3)}`);
    const out2 = join(dir, 'model2.json');
    expect((await run('train', '--seed', '5', '--out', out2)).status).toBe(0);
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out, 'utf8'));
    const bad = await run('train', '--seed', 'x', '--out', out2);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--seed must be an integer/);
  }, 300_000);
});

describe('risk run', () => {
  it('writes Tasks once: a second run the same day creates none (also under the old name risk assess)', async () => {
    const first = await run('run', '--as-of', '2025-12-31', '--model-file', join(dir, 'model.json'));
    expect(first.status, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { tasksCreated: number; residents: number; assessments: Record<string, number> };
    expect(a.residents).toBeGreaterThan(900);
    expect(a.tasksCreated).toBeGreaterThan(0);
    expect(a.assessments['bp-uncontrolled-lr']).toBeGreaterThan(0);
    const second = await run('assess', '--as-of', '2025-12-31');
    expect(second.status, second.stderr).toBe(0);
    const b = JSON.parse(second.stdout) as { tasksCreated: number; tasksSkippedOpen: number; model: string };
    expect(b.tasksCreated).toBe(0);
    expect(b.tasksSkippedOpen).toBe(a.tasksCreated);
    expect(b.model).toMatch(/^bp-lr-/); // the model saved by risk train
  }, 300_000);
});

describe('scheduled run (HB_RISK_RUN_AT)', () => {
  it('fires at HH:MM UTC+8 with the newest saved model, dated that day; risk run afterwards adds nothing', async () => {
    const runDate = '2026-01-10';
    // 01:59:57 in Beijing on the run date when the app first reads the clock, then moving with the real
    // clock: the 02:00 run is 3 s away (building the app must not take it past 02:00).
    const start = Date.parse(`${runDate}T01:59:57+08:00`);
    let t0: number | undefined;
    const clock = () => new Date(start + (Date.now() - (t0 ??= Date.now())));
    const database = pg ?? (await openConfiguredDatabase(loadConfig({}, { dataDir })));
    let closed = !!pg; // the PGlite directory is closed before the CLI opens it
    const count = async (table: 'proj_risk_assessment' | 'proj_risk_task', column: 'occurrence' | 'authored') =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${runDate}`.execute(database.db)).rows[0].n);
    try {
      const built = await buildApp({ db: database.db, logLevel: 'error', riskRunAt: '02:00', clock });
      try {
        expect(await count('proj_risk_assessment', 'occurrence')).toBe(0);
        for (let i = 0; i < 600 && (await count('proj_risk_assessment', 'occurrence')) === 0; i++) await new Promise((r) => setTimeout(r, 200));
      } finally {
        await built.close(); // waits for the run in progress
      }
      const byModel = await sql<{ model: string; n: string }>`SELECT model, count(*) AS n FROM proj_risk_assessment WHERE occurrence = ${runDate} GROUP BY model`.execute(database.db);
      const models = Object.fromEntries(byModel.rows.map((r) => [r.model, Number(r.n)]));
      expect(models['bp-uncontrolled-lr']).toBeGreaterThan(0); // the model saved by risk train was used
      expect(models['china-par']).toBeGreaterThan(0);
      const tasks = await count('proj_risk_task', 'authored');
      expect(tasks).toBeGreaterThan(0);
      const assessments = Object.values(models).reduce((a, b) => a + b, 0);
      if (!closed) await database.close();
      closed = true;
      // The CLI on the same date finds the job's work done: the same RiskAssessments, no new Task.
      const again = await run('assess', '--as-of', runDate);
      expect(again.status, again.stderr).toBe(0);
      const summary = JSON.parse(again.stdout) as { tasksCreated: number; tasksSkippedOpen: number; assessments: Record<string, number> };
      expect(Object.values(summary.assessments).reduce((a, b) => a + b, 0)).toBe(assessments);
      expect(summary.tasksCreated).toBe(0);
      expect(summary.tasksSkippedOpen).toBeGreaterThanOrEqual(tasks);
    } finally {
      if (!closed) await database.close();
    }
  }, 300_000);
});
