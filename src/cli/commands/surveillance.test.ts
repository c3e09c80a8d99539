import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_REPORT_CATEGORY_SYSTEM, ORG_UNIT_EXTENSION } from '../../foundation/fhir/index.js';
import { createStore, openConfiguredDatabase } from '../../server/index.js';
import { registerSurveillance } from './surveillance.js';

const dir = mkdtempSync(join(tmpdir(), 'hb-surv-'));
const dataDir = join(dir, 'data');
const D = '2025-04-30';

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerSurveillance(program);
  try {
    await program.parseAsync(['surveillance', ...args], { from: 'user' });
    return { out, err, code: 0 };
  } catch (e) {
    return { out, err, code: (e as { exitCode?: number }).exitCode ?? -1 };
  }
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>['db']) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase({ dataDir, poolSize: 1 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

beforeAll(async () => {
  await withDb(async (db) => {
    const { store, audit } = createStore(db);
    const ctx = { actor: 'test' };
    const patient = await store.create(ctx, { resourceType: 'Patient', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: '330109001001' }] });
    const report = (day: string) => ({
      resourceType: 'Condition',
      subject: { reference: `Patient/${patient.version.id}` },
      category: [{ coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] }],
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'A00.1' }] },
      recordedDate: `${day}T10:00:00+08:00`,
    });
    await store.create(ctx, report('2025-04-20'));
    await store.create(ctx, report(D));
    await store.settle();
    await audit.close();
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('surveillance run', () => {
  it('runs detection for a date, stores the signal and is idempotent', async () => {
    const first = await run(['run', '--date', D, '--data', dataDir]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^surveillance run 2025-04-30: \d+ series, .* 1 signals \(1 new\)/);
    const again = await run(['run', '--date', D, '--data', dataDir]);
    expect(again.out).toMatch(/1 signals \(0 new\)/);
    const signals = await withDb((db) => sql<{ disease: string; period_start: string }>`SELECT disease, period_start::text FROM surv_signal`.execute(db));
    expect(signals.rows).toEqual([{ disease: 'cholera', period_start: D }]);
  }, 60_000);

  it('rebuilds the case projection from the stored Conditions', async () => {
    await withDb((db) => sql`DELETE FROM proj_case`.execute(db));
    const r = await run(['rebuild-cases', '--data', dataDir]);
    expect(r.code).toBe(0);
    // Two cholera reports; no syndrome rows, as they do not carry the encounter-diagnosis category.
    expect(r.out).toBe('surveillance rebuild-cases: 2 Conditions read, 2 case rows\n');
  }, 60_000);

  it('rejects a bad date or disease list with one line naming the field', async () => {
    const bad = await run(['run', '--date', '2025-02-30', '--data', dataDir]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/--date must be a date YYYY-MM-DD/);
    const file = join(dir, 'diseases.json');
    writeFileSync(file, JSON.stringify([{ key: 'x', name: 'x', kind: 'case', class: 'A', deadlineHours: 2, icd10: ['A00'], detection: [{ level: 'hamlet', method: 'fixed' }] }]));
    const list = await run(['run', '--date', D, '--data', dataDir, '--diseases', file]);
    expect(list.code).toBe(2);
    expect(list.err).toMatch(/diseases\.json: disease list: 0\.detection\.0\.level/);
    // Without --diseases the server's HB_SURVEILLANCE_DISEASES is read.
    process.env.HB_SURVEILLANCE_DISEASES = file;
    try {
      const fromEnv = await run(['rebuild-cases', '--data', dataDir]);
      expect(fromEnv.code).toBe(2);
      expect(fromEnv.err).toMatch(/surveillance rebuild-cases: .*diseases\.json: disease list: 0\.detection\.0\.level/);
    } finally {
      delete process.env.HB_SURVEILLANCE_DISEASES;
    }
  });
});
