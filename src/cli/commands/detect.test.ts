import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import agona from '../../../test/fixtures/surveillance/ears-cusum-glr-salmonella-agona.json' with { type: 'json' };
import { registerDetect } from './detect.js';

const dir = mkdtempSync(join(tmpdir(), 'hb-detect-'));

function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs `detect` on a fresh program; returns stdout, stderr and the exit code (0 when it returned). */
async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerDetect(program);
  try {
    await program.parseAsync(['detect', ...args], { from: 'user' });
    return { out, err, code: 0 };
  } catch (e) {
    return { out, err, code: (e as { exitCode?: number }).exitCode ?? -1 };
  }
}

function weeklyCsv(counts: readonly number[], first = '1990-01-01'): string {
  const start = Date.parse(`${first}T00:00:00Z`);
  const lines = counts.map((c, i) => `${new Date(start + i * 7 * 86_400_000).toISOString().slice(0, 10)},${c}`);
  return ['period,count', ...lines].join('\n') + '\n';
}

describe('detect command', () => {
  const agonaCsv = csvFile('agona.csv', weeklyCsv(agona.observed));

  it('prints one row per period EARS C1 evaluates, matching R surveillance', async () => {
    const { out, code } = await run(['--method', 'ears-c1', '--input', agonaCsv, '--frequency', '52']);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('period,observed,threshold,alarm');
    const ref = agona.cases.find((c) => c.id === 'ears-C1')!;
    expect(lines.length - 1).toBe(ref.upperbound.length);
    lines.slice(1).forEach((line, i) => {
      const [, observed, threshold, alarm] = line.split(',');
      expect(Number(observed)).toBe(agona.observed[ref.rangeStart - 1 + i]);
      expect(Number(threshold)).toBeCloseTo(ref.upperbound[i] as number, 6);
      expect(Number(alarm)).toBe(ref.alarm[i]);
    });
  });

  it('passes --alpha, --baseline and --min-sigma to EARS', async () => {
    const { out } = await run(['--method', 'ears-c3', '--input', agonaCsv, '--frequency', '52', '--baseline', '14', '--min-sigma', '0.5']);
    const ref = agona.cases.find((c) => c.id === 'ears-C3-baseline14-minSigma05')!;
    const rows = out.trim().split('\n').slice(1);
    expect(rows.length).toBe(ref.upperbound.length);
    expect(rows.map((l) => Number(l.split(',')[3]))).toEqual(ref.alarm);
  });

  it('--start sets the first evaluated period; cusum and glrnb run', async () => {
    const { out } = await run(['--method', 'cusum', '--input', agonaCsv, '--frequency', '52', '--start', '1991-01-07', '--k', '0.5', '--h', '4']);
    const rows = out.trim().split('\n').slice(1);
    expect(rows[0].startsWith('1991-01-07,')).toBe(true);
    expect(rows.length).toBe(agona.observed.length - 53);
    const glr = await run(['--method', 'glrnb', '--input', agonaCsv, '--frequency', '52']);
    expect(glr.out.trim().split('\n').length).toBe(1 + agona.observed.length - 52);
  });

  it('runs the Farrington family through the registry', async () => {
    for (const method of ['farrington', 'farrington-flexible', 'noufaily']) {
      const { out, err, code } = await run(['--method', method, '--input', agonaCsv, '--frequency', '52', '--threshold-method', 'nbPlugin']);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out.startsWith('period,observed,threshold,alarm\n')).toBe(true);
      expect(out.trim().split('\n').length).toBeGreaterThan(10);
    }
  });

  it('runs mpm and ewma on a daily series', async () => {
    const counts = Array.from({ length: 4 * 365 + 20 }, (_, i) => (i % 7) + (i > 4 * 365 + 10 ? 30 : 0));
    const start = Date.parse('2019-01-01T00:00:00Z');
    const text = ['period,count', ...counts.map((c, i) => `${new Date(start + i * 86_400_000).toISOString().slice(0, 10)},${c}`)].join('\n');
    const file = csvFile('daily.csv', text);
    for (const method of ['mpm', 'ewma', 'regression']) {
      const { out, code, err } = await run(['--method', method, '--input', file, '--frequency', '365']);
      expect(err).toBe('');
      expect(code).toBe(0);
      // The first day of the jump (+30 a day from 2023-01-11 on) is flagged by every method.
      const jump = out.trim().split('\n').find((l) => l.startsWith('2023-01-11,'))!.split(',');
      expect(jump[3]).toBe('1');
    }
  });

  const bad: [string, string, RegExp][] = [
    ['missing column', 'period,cases\n2024-01-01,1\n', /line 1: missing column "count"/],
    ['gap in periods', 'period,count\n2024-01-01,1\n2024-01-08,2\n2024-01-22,3\n', /line 4: gap in periods/],
    ['negative count', 'period,count\n2024-01-01,1\n2024-01-08,-2\n', /line 3: count -2 is negative/],
    ['non-integer count', 'period,count\n2024-01-01,1.5\n', /line 2: count "1.5" is not a whole number/],
    ['bad date', 'period,count\n2024-01-01,1\n2024-02-30,1\n', /line 3: period "2024-02-30" is not an ISO date/],
  ];
  for (const [what, text, message] of bad) {
    it(`exits non-zero with a one-line message naming the line: ${what}`, async () => {
      const file = csvFile(`${what.replace(/ /g, '-')}.csv`, text);
      const { out, err, code } = await run(['--method', 'ears-c1', '--input', file, '--frequency', '52']);
      expect(code).not.toBe(0);
      expect(out).toBe('');
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
    });
  }

  it('rejects an unknown method with one line', async () => {
    const { err, code } = await run(['--method', 'shewhart', '--input', agonaCsv, '--frequency', '52']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown method "shewhart"/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('rejects an unsupported frequency', async () => {
    const { code, err } = await run(['--method', 'ears-c1', '--input', agonaCsv, '--frequency', '12']);
    expect(code).not.toBe(0);
    expect(err).toMatch(/frequency/);
  });
});
