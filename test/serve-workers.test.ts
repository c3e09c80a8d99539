/**
 * `healthy-brain serve --workers N`: N real server processes sharing one port (node:cluster) on
 * PostgreSQL; refused in one line on the embedded PGlite, which lives in one process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, freshDatabase, type TestDatabase } from './helpers/database.js';

const ENTRY = join(import.meta.dirname, '../src/cli/bin.ts');
const ENV = { ...process.env, HB_LOG_LEVEL: 'warn', HB_DEMO_RESIDENTS: '0', HB_SURVEILLANCE_RUN_AT: 'off', HB_RISK_RUN_AT: 'off', HB_CHRONIC_ROLLUP_AT: 'off' };

/** Pids of the server processes whose parent is `pid` (ps; tsx may add an esbuild child, not counted). */
const serversUnder = (pid: number): number[] =>
  spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.includes(' serve '))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((n) => n > 0);

describe('serve --workers', () => {
  it('is refused in one line on the embedded database', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--port', '0', '--workers', '2', '--data', mkdtempSync(join(tmpdir(), 'hb-workers-'))], { encoding: 'utf8', env: ENV });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/--workers: more than one server process needs PostgreSQL/);
  });

  it('refuses a worker count that is not a number of at least 1, naming the field', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--port', '0', '--workers', '0', '--data', mkdtempSync(join(tmpdir(), 'hb-workers-'))], { encoding: 'utf8', env: ENV });
    expect(res.status).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/workers/);
  });

  describe.runIf(backend === 'postgres')('on PostgreSQL', () => {
    let db: TestDatabase;
    let primary: ChildProcess;
    let address = '';

    beforeAll(async () => {
      db = await freshDatabase();
      primary = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--port', '0', '--workers', '2', '--database-url', db.url!], { env: ENV });
      address = await new Promise<string>((resolve, reject) => {
        let err = '';
        primary.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /running at (http:\/\/\S+) .*2 server processes/.exec(err);
          if (m) resolve(m[1]);
        });
        primary.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
      });
    }, 120_000);

    afterAll(async () => {
      if (primary.exitCode === null) primary.kill('SIGKILL');
      await db?.drop();
    });

    it('runs two server processes on one port; replaces one that dies; SIGTERM stops them all', async () => {
      const first = serversUnder(primary.pid!);
      expect(first).toHaveLength(2);
      // A server process that dies is replaced, and the port keeps answering.
      let err = '';
      primary.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      process.kill(first[0], 'SIGKILL');
      await expect.poll(() => err, { timeout: 30_000 }).toMatch(new RegExp(`server process ${first[0]} ended \\(SIGKILL\\); starting another`));
      await expect.poll(() => serversUnder(primary.pid!).length, { timeout: 30_000 }).toBe(2);
      const workers = serversUnder(primary.pid!);
      expect(workers).toContain(first[1]);
      expect(workers).not.toContain(first[0]);
      // New connections go round-robin to the two processes; every one answers.
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${address}/fhir/metadata`, { headers: { connection: 'close' } });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { resourceType: string }).resourceType).toBe('CapabilityStatement');
      }
      const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
      primary.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    }, 60_000);
  });
});
