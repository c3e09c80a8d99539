import { Command } from 'commander';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerMpi, runMpiDedupe, runMpiEvaluate } from './mpi.js';

const patient = (id: string, name: string, residentId: string, phone: string, birthDate: string) =>
  JSON.stringify({
    resourceType: 'Patient',
    id,
    name: [{ text: name }],
    gender: 'female',
    birthDate,
    identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: residentId }],
    telecom: [{ system: 'phone', value: phone }],
  });

describe('mpi command', () => {
  it('registers dedupe and evaluate with their required options', () => {
    const program = new Command();
    registerMpi(program);
    const mpi = program.commands.find((c) => c.name() === 'mpi')!;
    const sub = (n: string) => mpi.commands.find((c) => c.name() === n)!;
    expect(sub('dedupe').options.map((o) => o.long)).toEqual(['--input', '--output']);
    expect(sub('evaluate').options.map((o) => o.long)).toEqual(['--input', '--truth']);
    expect(sub('link').options.map((o) => o.long)).toEqual(['--data', '--database-url']);
  });

  it('dedupe writes id,person and evaluate prints pairwise figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-mpi-cli-'));
    const input = join(dir, 'p.ndjson');
    writeFileSync(
      input,
      [
        patient('a', '王秀英', '11010519491231002X', '13812345678', '1949-12-31'),
        patient('b', '王秀瑛', '11010519491231002X', '138-1234-5678', '1949-12-31'),
        patient('c', '李娜', '110105198001010023', '13900000000', '1980-01-01'),
      ].join('\n'),
    );
    const output = join(dir, 'c.csv');
    let out = '';
    await runMpiDedupe({ input, output }, { out: (t) => (out += t), err: () => {}, progress: false });
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,person');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['a', 'b', 'c']);
    const label = Object.fromEntries(rows.slice(1).map((r) => r.split(',')));
    expect(label.a).toBe(label.b);
    expect(label.c).not.toBe(label.a);
    expect(out).toMatch(/3 Patients → 2 persons/);
    const truth = join(dir, 't.csv');
    writeFileSync(truth, 'id,person\na,1\nb,1\nc,2\n');
    let printed = '';
    await runMpiEvaluate({ input, truth }, { out: (t) => (printed += t), err: () => {}, progress: false });
    expect(printed).toMatch(/precision\s+1\.0000/);
    expect(printed).toMatch(/recall\s+1\.0000/);
    expect(printed).toMatch(/F1\s+1\.0000/);
  });
});
