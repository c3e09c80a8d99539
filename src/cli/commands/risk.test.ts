/** `healthy-brain risk --model … --input …` as the command line runs it: the JSON contract and one-line errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { loadConfig } from '../../server/index.js';

const run = (...args: string[]) => runCli(['risk', ...args]);
const dir = mkdtempSync(join(tmpdir(), 'hb-risk-'));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};

// Yang 2016 worked example (men 11.0 %, women 10.1 % at 60 years): TC 210 and HDL 55 mg/dL in mmol/L by the paper's 0.0259.
const example = { age: 60, systolic: 130, bpTreated: false, totalCholesterol: 210 * 0.0259, hdl: 55 * 0.0259, waist: 80, smoker: false, diabetes: true, region: 'north', urban: true, familyHistory: false };

describe('risk --model --input', () => {
  it('prints one {risk, category} per subject; by default the paper-example coefficients: the paper\'s 11.0 % and 10.1 %', async () => {
    const input = file('par.json', [{ ...example, sex: 'male' }, { ...example, sex: 'female' }]);
    const res = await run('--model', 'china-par', '--input', input);
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as { risk: number; category: string; lifetimeAssessmentIndicated: boolean; lifetimeRisk: null }[];
    expect(out.map((r) => Math.round(r.risk * 1000) / 10)).toEqual([11.0, 10.1]);
    expect(Math.abs(out[0].risk * 100 - 11.0)).toBeLessThanOrEqual(0.1); // Yang 2016 Table 2, men at 60 years
    expect(out.map((r) => r.category)).toEqual(['high', 'high']);
    expect(out.map((r) => r.lifetimeAssessmentIndicated)).toEqual([false, false]);
    const explicit = await run('--model', 'china-par', '--coefficients', 'paper-example', '--input', input);
    expect(explicit.status).toBe(0);
    expect(JSON.parse(explicit.stdout)).toEqual(out);
  });

  it('China-PAR --coefficients calculator gives the 2019 guideline example, and an unknown set is rejected', async () => {
    // 2019 guideline appendix example: 40-year-old northern urban man, 145 mmHg, TC 5.2, HDL 1.3, family history → 4.7 %.
    const guideline = { age: 40, sex: 'male', systolic: 145, bpTreated: false, totalCholesterol: 5.2, hdl: 1.3, waist: 80, smoker: false, diabetes: false, region: 'north', urban: true, familyHistory: true };
    const res = await run('--model', 'china-par', '--coefficients', 'calculator', '--input', file('guideline.json', [guideline]));
    expect(res.status).toBe(0);
    const [r] = JSON.parse(res.stdout) as { risk: number; lifetimeAssessmentIndicated: boolean; lifetimeRisk: null }[];
    expect(Math.abs(r.risk * 100 - 4.7)).toBeLessThanOrEqual(0.1);
    expect(r.lifetimeAssessmentIndicated).toBe(true);
    expect(r.lifetimeRisk).toBeNull();
    const bad = await run('--model', 'china-par', '--coefficients', 'printed', '--input', file('g2.json', [guideline]));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--coefficients must be one of paper-example, calculator/);
  });

  it('prints the CDRS score with a null risk', async () => {
    const res = await run('--model', 'cdrs', '--input', file('cdrs.json', [{ age: 45, sex: 'female', waist: 72, bmi: 23, systolic: 118, familyHistoryDiabetes: false }]));
    expect(res.status).toBe(0);
    // 12 (45–49) + 0 (female) + 3 (waist 70–74.9) + 1 (BMI 22–23.9) + 1 (SBP 110–119) + 0 = 17
    expect(JSON.parse(res.stdout)).toEqual([{ risk: null, category: 'low', score: 17 }]);
  });

  it('exits non-zero with one line naming the field', async () => {
    const res = await run('--model', 'pce', '--input', file('pce.json', [{ ...example, sex: 'male', race: 'white' }, { ...example, sex: 'male' }]));
    expect(res.status).not.toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/subjects\[1\]\.race is required/);
    const model = await run('--model', 'framingham', '--input', file('x.json', []));
    expect(model.status).not.toBe(0);
    expect(model.stderr).toMatch(/--model must be one of china-par, pce, cdrs/);
    const json = await run('--model', 'cdrs', '--input', file('bad.json', '[{'));
    expect(json.status).not.toBe(0);
    expect(json.stderr).toMatch(/bad\.json: not JSON/);
  });
});

describe('risk run: command name and schedule configuration', () => {
  it('is called run, with assess kept as an alias', async () => {
    const res = await run('--help');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^\s+run\|assess \[options\]/m);
    expect(res.stdout).toMatch(/paper-example \| calculator\s+\(default paper-example\)/);
    const help = await run('assess', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: healthy-brain risk run\|assess/);
  });

  it('reads HB_RISK_RUN_AT as HH:MM or off, default 02:00, and names the field when it is bad', async () => {
    expect(loadConfig({}).riskRunAt).toBe('02:00');
    expect(loadConfig({ HB_RISK_RUN_AT: '23:59' }).riskRunAt).toBe('23:59');
    expect(loadConfig({ HB_RISK_RUN_AT: 'off' }).riskRunAt).toBe('off');
    for (const bad of ['24:00', '2:00', '02:60', 'daily', 'OFF']) {
      expect(() => loadConfig({ HB_RISK_RUN_AT: bad }), bad).toThrow(/^invalid configuration: riskRunAt: must be HH:MM or off$/);
    }
  });
});
