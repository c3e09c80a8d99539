/** `healthy-brain adherence` as the command line runs it: the CSV contract and one-line errors. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const run = (...args: string[]) => runCli(['adherence', ...args]);

describe('adherence command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hb-adh-'));
  it('prints patient,pdc,mpr,adherent', async () => {
    const file = join(dir, 'd.csv');
    writeFileSync(file, 'patient,drug,class,date,days_supply\nA,amlodipine,CCB,2024-01-01,90\nA,amlodipine,CCB,2024-03-25,90\nB,metformin,BIG,2024-02-01,30\n');
    const res = await run('--input', file, '--from', '2024-01-01', '--to', '2024-06-29');
    expect(res.status).toBe(0);
    // A: Jan 1 + 90 → Mar 30; refill Mar 25 shifted to Mar 31 → Jun 28: 180 of 181 days; MPR 180/181.
    expect(res.stdout).toBe('patient,pdc,mpr,adherent\nA,0.994475,0.994475,1\nB,,,\n');
  });
  it('bad input exits non-zero with one line naming the line', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'patient,drug,class,date,days_supply\nA,amlodipine,CCB,2024-13-01,90\n');
    const res = await run('--input', file, '--from', '2024-01-01', '--to', '2024-06-30');
    expect(res.status).not.toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/bad\.csv:2: date '2024-13-01'/);
  });
});
