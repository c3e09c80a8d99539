/**
 * `npm run bench:fhir`: FHIR store figures for docs/benchmarks.md, on PGlite and PostgreSQL.
 *   1. transaction-bundle ingest (Synthea patient bundles, copied with fresh ids), resources/s,
 *      one client after another (sequential) and --clients at once (as several facility systems push)
 *   2. bulk load up to --patients Patients (transaction bundles of 1,000), names drawn by the
 *      simulator's Chinese name frequencies (so an exact-name search matches as many as in a district)
 *   3. reads: GET Patient/{id}, autocannon, 32 connections, 10 s → req/s
 *   4. searches: a mix of common queries, sequential → p50/p95 ms
 * Usage: npm run bench:fhir -- [--db pglite|postgres|both] [--patients 100000] [--bundles 150] [--clients 4] [--workers 1]
 *   (--workers N: N server processes on PostgreSQL, `serve --workers`)
 * The server runs as its own process (the built CLI), as in production.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { drawGivenName, drawSurname } from '../src/simulate/names.js';
import { Rng } from '../src/simulate/random.js';
import { PLATFORM_NODE_FLAGS } from './node-flags.js';
import { cpuSecondsOf, sampleDatabaseCpu } from './proc-cpu.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PATIENTS = Number(arg('patients', '100000'));
const BUNDLES = Number(arg('bundles', '150'));
const CLIENTS = Number(arg('clients', '4'));
const DB = arg('db', 'both');
/** Server processes on PostgreSQL (`serve --workers`, HB_WORKERS); PGlite has one. */
const WORKERS = Number(arg('workers', '1'));
const PG_URL = arg('pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const SYNTHEA = join(import.meta.dirname, '../../shared/fixtures/synthea');

let TOKEN = '';
const auth = () => ({ authorization: `Bearer ${TOKEN}` });

async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...auth() }, body: JSON.stringify(body) });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

/** A platform-wide account for the benchmark, created with the real `user add` command. */
function addBenchUser(env: Record<string, string>): void {
  const res = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/healthy-brain.js'), 'user', 'add', '--username', 'bench', '--role', 'system-integrator', '--password-stdin'], {
    env: { ...process.env, HB_LOG_LEVEL: 'warn', ...env },
    input: 'Load#Test-2026-pw\n',
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`user add failed: ${res.stderr}`);
}

function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server process.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...PLATFORM_NODE_FLAGS, ...nodeArgs, join(import.meta.dirname, '../bin/healthy-brain.js'), 'serve', '--port', String(port)], {
    env: { ...process.env, HB_LOG_LEVEL: 'warn', HB_DEMO_RESIDENTS: '0', HB_ACCESS_TOKEN_SECONDS: '86400', HB_RATE_LIMIT_MAX: '0', ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      if (d.toString().includes('is running at')) resolve(child);
      else process.stderr.write(d);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** A Synthea bundle with every urn:uuid replaced, so each copy is a new patient. */
function freshCopy(text: string): any {
  const map = new Map<string, string>();
  return JSON.parse(text.replace(/urn:uuid:([0-9a-f-]{36})/g, (_m, id: string) => {
    if (!map.has(id)) map.set(id, randomUUID());
    return `urn:uuid:${map.get(id)}`;
  }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Patient i's sex, birth year and name (the simulator's name frequencies, seeded by i). */
function person(i: number): { sex: 'male' | 'female'; year: number; family: string; given: string } {
  const rng = new Rng(i + 1);
  const sex = i % 2 ? 'male' : 'female';
  const year = 1930 + (i % 90);
  return { sex, year, family: drawSurname(rng), given: drawGivenName(rng, sex, year) };
}

async function run(kind: 'pglite' | 'postgres') {
  const port = 18000 + Math.floor(Math.random() * 1000);
  let env: Record<string, string>;
  let database = '';
  let cleanup = async () => {};
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'hb-bench-'));
    env = { HB_DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `hb_bench_${Date.now()}`;
    database = name;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    env = { HB_DATABASE_URL: url.toString(), HB_POOL_SIZE: '16', HB_WORKERS: String(WORKERS) };
    cleanup = async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  addBenchUser(env);
  const server = await startServer(env, port);
  const base = `http://127.0.0.1:${port}/fhir`;
  const login = await fetch(`http://127.0.0.1:${port}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'Load#Test-2026-pw' }) });
  TOKEN = ((await login.json()) as { access_token: string }).access_token;
  const result: Record<string, number | string> = { database: kind, workers: kind === 'postgres' ? WORKERS : 1 };
  try {
    // 1. Synthea transaction bundles.
    const files = readdirSync(SYNTHEA).filter((f) => f.endsWith('.json'));
    for (const f of files.filter((f) => /^(hospital|practitioner)Information/.test(f)).sort().reverse()) await post(base, JSON.parse(readFileSync(join(SYNTHEA, f), 'utf8')));
    const patientTexts = files.filter((f) => !/Information/.test(f)).map((f) => readFileSync(join(SYNTHEA, f), 'utf8'));
    const ingest = async (clients: number) => {
      let resources = 0;
      let next = 0;
      // With --workers the process started is a supervisor: the servers' CPU is then not reported.
      const serverCpu0 = WORKERS === 1 ? cpuSecondsOf(server.pid as number) : undefined;
      const dbCpu = kind === 'postgres' ? sampleDatabaseCpu(PG_URL, database) : undefined;
      const t0 = performance.now();
      const client = async () => {
        for (let i = next++; i < BUNDLES; i = next++) {
          const bundle = freshCopy(patientTexts[i % patientTexts.length]);
          resources += bundle.entry.length;
          await post(base, bundle);
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
      const perSecond = Math.round(resources / ((performance.now() - t0) / 1000));
      // CPU per resource (µs) of the server process and of its PostgreSQL backends: comparable across runs when the machine's speed is not.
      const serverCpu1 = serverCpu0 === undefined ? undefined : cpuSecondsOf(server.pid as number);
      const serverUs = serverCpu0 === undefined || serverCpu1 === undefined ? undefined : Math.round((1e6 * (serverCpu1 - serverCpu0)) / resources);
      const dbUs = dbCpu ? Math.round((1e6 * (await dbCpu.stop())) / resources) : undefined;
      return { resources, perSecond, serverUs, dbUs };
    };
    const sequential = await ingest(1);
    const concurrent = await ingest(CLIENTS);
    result.bundleIngestResourcesPerSecond = sequential.perSecond;
    result[`bundleIngest${CLIENTS}ClientsPerSecond`] = concurrent.perSecond;
    result.bundleResources = sequential.resources;
    if (concurrent.serverUs !== undefined) result[`ingest${CLIENTS}ClientsServerCpuUsPerResource`] = concurrent.serverUs;
    if (concurrent.dbUs !== undefined) result[`ingest${CLIENTS}ClientsPostgresCpuUsPerResource`] = concurrent.dbUs;

    // 2. Bulk patients.
    const ids: string[] = [];
    const t1 = performance.now();
    let n = 0;
    while (n < PATIENTS) {
      const size = Math.min(1000, PATIENTS - n);
      const entry = Array.from({ length: size }, (_, k) => {
        const i = n + k;
        const { sex, year, family, given } = person(i);
        return {
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: `bench-${i}` }],
            name: [{ text: `${family}${given}`, family, given: [given] }],
            gender: sex,
            birthDate: `${year}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
            telecom: [{ system: 'phone', value: `138${String(i).padStart(8, '0')}` }],
            address: [{ text: `浙江省杭州市萧山区第${i % 500}村`, city: '杭州市', district: '萧山区' }],
          },
          request: { method: 'POST', url: 'Patient' },
        };
      });
      const res = await post(base, { resourceType: 'Bundle', type: 'transaction', entry });
      for (const e of res.entry) ids.push(e.response.location.split('/')[1]);
      n += size;
      if (n % 20000 === 0) process.stderr.write(`  ${kind}: ${n} patients loaded\n`);
    }
    result.patientLoadPerSecond = Math.round(PATIENTS / ((performance.now() - t1) / 1000));

    // 3. Reads.
    let k = 0;
    const reads = await autocannon({
      url: base,
      connections: 32,
      duration: 10,
      headers: auth(),
      requests: [{ method: 'GET', setupRequest: (req: any) => ({ ...req, path: `/fhir/Patient/${ids[(k++ * 7919) % ids.length]}` }) }],
    });
    result.readsPerSecond = Math.round(reads.requests.average);
    result.readErrors = reads.errors + reads.non2xx;
    result.readP95Ms = (reads.latency as any).p97_5 ?? reads.latency.p99;

    // 4. Searches.
    const queries = (i: number) => [
      `Patient?identifier=urn:oid:2.16.156.10011.1.3|bench-${(i * 37) % PATIENTS}`,
      `Patient?name=${encodeURIComponent(person(i * 13).family + person(i * 13).given)}&_count=20`,
      `Patient?birthdate=${1930 + (i % 90)}-0${(i % 9) + 1}&gender=female`,
      `Patient?phone=138${String((i * 101) % PATIENTS).padStart(8, '0')}`,
      `Patient?family=${encodeURIComponent(person(i * 17).family)}&birthdate=ge1980&_count=20`,
      `Observation?code=http://loinc.org|8302-2&_count=20`,
      `Condition?code=${['44054006', '59621000', '15777000', '162864005'][i % 4]}&_count=20`,
    ];
    const times: number[] = [];
    for (let i = 0; i < 100; i++) await fetch(`${base}/${queries(i)[i % 7]}`, { headers: auth() }).then((r) => r.text()); // warm-up
    for (let i = 0; i < 700; i++) {
      const q = queries(i + 1000)[i % 7];
      const t = performance.now();
      const res = await fetch(`${base}/${q}`, { headers: auth() });
      await res.text();
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    result.searchP50Ms = Number(percentile(times, 50).toFixed(1));
    result.searchP95Ms = Number(percentile(times, 95).toFixed(1));
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await cleanup();
  }
  return result;
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`bench:fhir — ${new Date().toISOString()} — ${machine}`);
console.log(`patients: ${PATIENTS}, Synthea bundles: ${BUNDLES}`);
const results = [];
for (const kind of DB === 'both' ? (['postgres', 'pglite'] as const) : [DB as 'pglite' | 'postgres']) results.push(await run(kind));
console.table(results);
console.log(JSON.stringify(results));
