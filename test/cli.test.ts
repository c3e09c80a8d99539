/** The `healthy-brain` command as a user runs it: a real process, real output, real exit codes. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENTRY = join(import.meta.dirname, '../src/cli/bin.ts');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8', env: { ...process.env, HB_LOG_LEVEL: 'warn' } });

describe('healthy-brain CLI', () => {
  it('migrate creates the embedded database and is idempotent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-cli-'));
    const first = run('migrate', '--data', dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/applied: 0001-fhir-store/);
    const second = run('migrate', '--data', dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  }, 180_000); // two processes, each starting PGlite on disk (the first runs initdb): over 60 s on a loaded machine

  it('a bad flag value is one line naming the field, exit 1', () => {
    const res = run('serve', '--port', 'not-a-port', '--data', mkdtempSync(join(tmpdir(), 'hb-cli-')));
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/port/);
  });

  it('serve starts on the embedded database and answers /fhir/metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--port', '0', '--data', dir], {
      env: { ...process.env, HB_LOG_LEVEL: 'warn', HB_DEMO_RESIDENTS: '0' },
    });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /running at (http:\/\/\S+)/.exec(err);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
      const res = await fetch(`${address}/fhir/metadata`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
