import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulate } from './simulate.js';

async function run(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeOut: () => undefined, writeErr: (s) => (err += s) });
  registerSimulate(program);
  try {
    await program.parseAsync(['simulate', ...args], { from: 'user' });
    return { code: 0, err };
  } catch (e) {
    return { code: (e as { exitCode?: number }).exitCode ?? -1, err };
  }
}

describe('simulate command', () => {
  it('writes one NDJSON file per type and the truth tables, byte-identical for the same seed', async () => {
    const a = mkdtempSync(join(tmpdir(), 'hb-sim-a-'));
    const b = mkdtempSync(join(tmpdir(), 'hb-sim-b-'));
    for (const out of [a, b]) {
      const { code } = await run(['--residents', '400', '--years', '0.5', '--seed', '5', '--out', out, '--no-progress']);
      expect(code).toBe(0);
    }
    const files = readdirSync(a).filter((f) => f.endsWith('.ndjson')).sort();
    expect(files).toContain('Patient.ndjson');
    expect(files).toContain('MedicationDispense.ndjson');
    expect(readdirSync(join(a, 'truth')).sort()).toEqual(['conditions.csv', 'duplicates.csv', 'outbreaks.csv', 'patient-clusters.csv', 'risk_factors.csv']);
    for (const f of [...files, 'truth/outbreaks.csv', 'truth/duplicates.csv']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    const first = JSON.parse(readFileSync(join(a, 'Patient.ndjson'), 'utf8').split('\n')[0]);
    expect(first.resourceType).toBe('Patient');
    expect(readFileSync(join(a, 'truth', 'outbreaks.csv'), 'utf8').split('\n')[0]).toBe('disease,area,start,end,extra_cases,icd10,area_name');
  });

  it('rejects a bad --residents', async () => {
    const { code, err } = await run(['--residents', 'ten', '--out', tmpdir()]);
    expect(code).not.toBe(0);
    expect(err).toMatch(/--residents must be a positive whole number/);
  });
});
