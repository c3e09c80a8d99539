/**
 * `npm run bench:district`: generate a district with the simulator and load it with the bulk
 * importer, on PostgreSQL and PGlite (issue 3). Reports per step the time, resources/s and peak
 * memory (VmHWM of the process), and on PostgreSQL the physical limit measured in the same run:
 * `COPY` of the same NDJSON lines into a bare one-column jsonb table, so the import rate can be
 * read as a share of what the database could take at best.
 *
 * Usage: npm run bench:district -- [--residents 100000] [--years 2] [--seed 1] [--db both|postgres|pglite]
 *        [--pg postgres://postgres@127.0.0.1:5432/postgres] [--concurrency 1,2] [--cli bin/healthy-brain.js]
 * `--concurrency` lists the importer's lane counts to run on PostgreSQL, one fresh database each.
 * The simulator and the importer run as the real CLI, each in its own process. Besides wall time,
 * each step reports CPU seconds: of the CLI process, and on PostgreSQL of the database's server
 * processes (backends sampled from pg_stat_activity, CPU read from /proc), because on a shared
 * machine wall time mostly measures the other jobs; the load average is printed before and after.
 * On PostgreSQL it also prints the server settings a bulk load depends on (shared_buffers,
 * max_wal_size, …), and per import the WAL written (MiB, cluster-wide: run nothing else meanwhile)
 * and the checkpoints that ran during it.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PLATFORM_NODE_FLAGS } from './node-flags.js';
import { cpuSecondsOf, sampleDatabaseCpu } from './proc-cpu.js';
import { adminQuery } from './pg-admin.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RESIDENTS = arg('residents', '100000');
const YEARS = arg('years', '2');
const SEED = arg('seed', '1');
const DB = arg('db', 'both');
const PG_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const CONCURRENCY = arg('concurrency', '1,2');
const CLI = resolve(arg('cli', join(import.meta.dirname, '../bin/healthy-brain.js')));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Runs the CLI; returns its output, wall seconds, CPU seconds and peak resident memory (MiB, from /proc VmHWM). */
async function runCli(cliArgs: string[]): Promise<{ stdout: string; seconds: number; cpuSeconds: number; peakMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, CLI, ...cliArgs], { env: { ...process.env, HB_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peakKiB = 0;
  let cpuSeconds = 0;
  const sample = () => {
    cpuSeconds = cpuSecondsOf(child.pid as number) ?? cpuSeconds;
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
    } catch {
      // the process has ended
    }
  };
  const timer = setInterval(sample, 200);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`healthy-brain ${cliArgs[0]} exited with ${code}: ${stderr.slice(-500)}`);
  return { stdout, seconds: (performance.now() - started) / 1000, cpuSeconds: Number(cpuSeconds.toFixed(1)), peakMiB: Math.round(peakKiB / 1024) };
}

function ndjsonFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.ndjson')).map((f) => join(dir, f));
}

function countLines(files: string[]): number {
  let n = 0;
  for (const f of files) {
    const text = readFileSync(f);
    for (let i = 0; i < text.length; i++) if (text[i] === 10) n++;
  }
  return n;
}

async function createDatabase(name: string): Promise<string> {
  await adminQuery(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(PG_URL, `CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Server settings that decide how a bulk load scales (PostgreSQL manual §14.4, "Populating a Database"). */
async function serverSettings(): Promise<string> {
  const names = ['shared_buffers', 'max_wal_size', 'wal_compression', 'synchronous_commit', 'autovacuum'];
  const r = await adminQuery<{ name: string; setting: string }>(PG_URL, 'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)', [names]);
  return r.rows.map((x) => `${x.name} ${x.setting}`).join(', ');
}

/** WAL position (bytes, from the `X/Y` hex LSN) and checkpoints run so far: two marks give what a step wrote and caused. */
async function walMark(): Promise<{ bytes: number; checkpoints: number }> {
  const r = await adminQuery<{ lsn: string; n: string }>(PG_URL, 'SELECT pg_current_wal_lsn()::text AS lsn, (checkpoints_timed + checkpoints_req)::text AS n FROM pg_stat_bgwriter');
  const [hi, lo] = r.rows[0].lsn.split('/').map((h) => parseInt(h, 16));
  return { bytes: hi * 2 ** 32 + lo, checkpoints: Number(r.rows[0].n) };
}

async function dropDatabase(name: string): Promise<void> {
  await adminQuery(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * The physical limit: every NDJSON line COPYed into `copy_baseline (content jsonb)`. CSV format
 * with quote and delimiter bytes that never occur in JSON text, so each line goes in untouched.
 */
async function copyBaseline(url: string, files: string[]): Promise<{ lines: number; seconds: number; dbCpuSeconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE copy_baseline (content jsonb NOT NULL)');
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const cpuBefore = cpuSecondsOf(pid) ?? 0;
  const started = performance.now();
  for (const f of files) {
    const stream = client.query(copyFrom(`COPY copy_baseline (content) FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`));
    // Blank lines would be NULLs: drop them as the importer does.
    const skipBlank = new Transform({
      transform(chunk: Buffer, _enc, done) {
        done(null, chunk.toString('utf8').replace(/\n{2,}/g, '\n'));
      },
    });
    await pipeline(createReadStream(f), skipBlank, stream);
  }
  const seconds = (performance.now() - started) / 1000;
  const dbCpuSeconds = Number(((cpuSecondsOf(pid) ?? cpuBefore) - cpuBefore).toFixed(1));
  const lines = Number((await client.query('SELECT count(*) AS n FROM copy_baseline')).rows[0].n);
  await client.end();
  return { lines, seconds, dbCpuSeconds };
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`bench:district — ${new Date().toISOString()} — ${machine}`);
console.log(`residents: ${RESIDENTS}, years: ${YEARS}, seed: ${SEED}, import lanes on PostgreSQL: ${CONCURRENCY}; load average ${load()}`);
if (DB !== 'pglite') console.log(`PostgreSQL: ${await serverSettings()}`);

const out = mkdtempSync(join(tmpdir(), 'hb-district-'));
const rows: Record<string, string | number>[] = [];
try {
  const sim = await runCli(['simulate', '--residents', RESIDENTS, '--years', YEARS, '--seed', SEED, '--out', out]);
  const files = ndjsonFiles(out);
  const resources = countLines(files);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  rows.push({ step: 'simulate', database: '-', lanes: '', resources, seconds: Number(sim.seconds.toFixed(1)), perSecond: Math.round(resources / sim.seconds), cpuSeconds: sim.cpuSeconds, dbCpuSeconds: '', peakMiB: sim.peakMiB, ofCopy: '', walMiB: '', checkpoints: '' });
  console.log(`simulated ${resources} resources (${(bytes / 2 ** 20).toFixed(0)} MiB NDJSON)`);

  const kinds = DB === 'both' ? (['postgres', 'pglite'] as const) : [DB as 'postgres' | 'pglite'];
  // PostgreSQL once per lane count asked for (e.g. --concurrency 1,2), each on a fresh database; PGlite has one lane.
  const runs = kinds.flatMap((kind): { kind: 'postgres' | 'pglite'; lanes: string }[] => (kind === 'postgres' ? CONCURRENCY.split(',').map((lanes) => ({ kind, lanes })) : [{ kind, lanes: '1' }]));
  let copyRate = 0;
  for (const { kind, lanes } of runs) {
    const name = `hb_district_${Date.now()}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'hb-district-db-'));
    const url = kind === 'postgres' ? await createDatabase(name) : undefined;
    try {
      const target = url ? ['--database-url', url, '--concurrency', lanes] : ['--data', dataDir];
      const dbCpu = url ? sampleDatabaseCpu(PG_URL, name) : undefined;
      const mark = url ? await walMark() : undefined;
      const imp = await runCli(['import', out, ...target]);
      const importDbCpu = dbCpu ? Number((await dbCpu.stop()).toFixed(1)) : '';
      const end = mark ? await walMark() : undefined;
      const wal = mark && end ? { walMiB: Math.round((end.bytes - mark.bytes) / 2 ** 20), checkpoints: end.checkpoints - mark.checkpoints } : undefined;
      const m = /read (\d+), created (\d+).* rejected (\d+) in ([\d.]+) s/.exec(imp.stdout);
      if (!m) throw new Error(`unexpected import output: ${imp.stdout.slice(-300)}`);
      const importSeconds = Number(m[4]);
      const rate = Math.round(Number(m[1]) / importSeconds);
      let ofCopy = '';
      if (url && copyRate === 0) {
        const copy = await copyBaseline(url, files);
        copyRate = Math.round(copy.lines / copy.seconds);
        rows.push({ step: 'COPY baseline', database: kind, lanes: '', resources: copy.lines, seconds: Number(copy.seconds.toFixed(1)), perSecond: copyRate, cpuSeconds: '', dbCpuSeconds: copy.dbCpuSeconds, peakMiB: '', ofCopy: '100 %', walMiB: '', checkpoints: '' });
      }
      if (url) ofCopy = `${((rate / copyRate) * 100).toFixed(1)} %`;
      rows.push({ step: 'import', database: kind, lanes, resources: Number(m[2]), seconds: Number(importSeconds.toFixed(1)), perSecond: rate, cpuSeconds: imp.cpuSeconds, dbCpuSeconds: importDbCpu, peakMiB: imp.peakMiB, ofCopy, walMiB: wal?.walMiB ?? '', checkpoints: wal?.checkpoints ?? '', ...(Number(m[3]) > 0 ? { rejected: Number(m[3]) } : {}) });
    } finally {
      if (url) await dropDatabase(name);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`load average at the end: ${load()}`);
console.table(rows);
console.log(JSON.stringify(rows));
