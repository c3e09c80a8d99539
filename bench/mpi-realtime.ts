/**
 * Real-time part of `npm run bench:mpi -- --realtime`: p50/p95/p99 of match-on-create (the MPI
 * projector inside the FHIR write transaction, and the whole create) with `--stored N` residents
 * already indexed. The stored residents are bulk-inserted straight into the MPI tables (features,
 * blocking keys, persons, links) from the simulated district's Patients, replicated with shifted
 * birth years, IDs and phones beyond the district's size, so name blocks grow as in a larger
 * register. `--database-url URL` runs on PostgreSQL: the residents are loaded once into
 * `hb_bench_mpi_base_<N>` and each run works on a copy of it (dropped at the end; the base too unless
 * `--keep-base`); otherwise on in-memory PGlite. Then `--creates M` Patients go through
 * `store.create` one by one: half are new registrations of stored residents (should link), half new
 * people. Reported beside the latencies, as they do not depend on the machine's load: candidates per
 * create, block-key index entries read by the candidate query, and the match's CPU in this process.
 * `--broad-cap C` sets the real-time cap of the broad name blocks (1000 = as before 2 December 2026).
 * `--prewarm` (PostgreSQL) loads the copy's MPI tables and indexes into shared_buffers with
 * pg_prewarm before the creates; size shared_buffers to hold them (≈ 4.8 GB at 2 M) for it to mean
 * anything. The standalone candidate lookup runs after all the creates, so it never warms the match's pages
 * and its garbage is collected in no create's match.
 */
import type { Patient } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase, type Executor } from '../src/foundation/db/index.js';
import { loadFhirDefinitions, ORG_UNIT_EXTENSION, type Projector } from '../src/foundation/fhir/index.js';
import { cappedBlockingKeys, createMpiProjector, type CappedKey, hashedBlockingKeys, recordFlags, safeRecord, type MatchRecord } from '../src/foundation/mpi/index.js';
import * as repo from '../src/foundation/mpi/mpi.repository.js';
import { createStore, DOMAIN_MIGRATIONS, DOMAIN_PROJECTORS } from '../src/server/index.js';
import { adminQuery } from './pg-admin.js';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗'];

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Copy `c` of a record: birth year shifted by c, ID and phones changed, name kept (blocks grow). */
function replicate(r: MatchRecord, c: number): MatchRecord {
  if (c === 0) return r;
  const year = r.birthDate ? String(Number(r.birthDate.slice(0, 4)) - c).padStart(4, '0') : undefined;
  const birthDate = r.birthDate && year ? year + r.birthDate.slice(4) : r.birthDate;
  const shift = (s: string) => s.slice(0, 3) + String((Number(s.slice(3, 7)) + c * 7919) % 10000).padStart(4, '0') + s.slice(7);
  return {
    ...r,
    id: `${r.id}-c${c}`,
    birthDate,
    residentId: r.residentId && year ? r.residentId.slice(0, 6) + year + r.residentId.slice(10) : undefined,
    phones: r.phones.map(shift),
    insuranceId: r.insuranceId ? `${r.insuranceId}-${c}` : undefined,
  };
}

/** Least-squares slope of ys on xs. */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  const mx = xs.slice(0, n).reduce((s, x) => s + x, 0) / n;
  const my = ys.slice(0, n).reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Index entries the candidate query reads: each block up to its cap + 1 (the LIMIT of the lateral scan). */
async function indexRowsRead(db: Executor, keys: readonly CappedKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const r = await sql<{ n: number }>`
    SELECT (SELECT count(*)::int FROM (SELECT 1 FROM mpi_block_key b WHERE b.key = k.key LIMIT k.cap + 1) x) AS n
    FROM unnest(${keys.map((k) => k.key)}::bigint[], ${keys.map((k) => k.cap)}::int[]) AS k(key, cap)`.execute(db);
  return r.rows.reduce((s, x) => s + x.n, 0);
}

/** Patients without references the bench does not load. */
function standalone(p: Patient): Patient {
  const { generalPractitioner: _g, managingOrganization: _m, id: _id, meta: _meta, ...rest } = p;
  return { ...rest, extension: (p.extension ?? []).filter((e) => e.url === ORG_UNIT_EXTENSION) };
}

export interface RealtimeBenchOptions {
  patientsFile: string;
  stored: number;
  creates: number;
  databaseUrl?: string;
  /** Real-time cap of broad name blocks (default: the projector's, 100); 1000 = as before 2 December 2026. */
  broadCap?: number;
  /** Keep the loaded base database (`hb_bench_mpi_base_<stored>`) and reuse it on the next run. */
  keepBase?: boolean;
  /**
   * PostgreSQL: load the copy's MPI tables and indexes into shared_buffers (pg_prewarm) before the
   * creates, as on a server that has been matching for a while and whose shared_buffers hold them.
   * Without it each run starts from a fresh copy whose pages are in no buffer.
   */
  prewarm?: boolean;
  /**
   * Creates run first and not measured (default 200): a server that has been matching for a while
   * runs the comparison code compiled by the JIT; the first few thousand candidates scored run it
   * interpreted or half-optimised, at twice the cost per candidate.
   */
  warmup?: number;
}

/** Bulk-inserts `stored` replicated records straight into the MPI tables; returns the number of keys. */
async function loadStored(db: Executor, base: readonly MatchRecord[], stored: number): Promise<number> {
  const now = new Date();
  let keys = 0;
  for (let start = 0; start < stored; start += 20_000) {
    const chunk: MatchRecord[] = [];
    for (let i = start; i < Math.min(stored, start + 20_000); i++) chunk.push(replicate(base[i % base.length], Math.floor(i / base.length)));
    // Each feature row carries its link, as the projector writes it: one version per row, no trigger update.
    await repo.insertFeatures(db, chunk.map((r) => ({ patientId: r.id, record: r, flags: recordFlags(r), personId: `person-${r.id}`, how: 'auto', residentNumber: r.residentId ?? null })), now);
    const k = chunk.flatMap((r) => hashedBlockingKeys(r).map((key) => ({ key, patientId: r.id })));
    keys += k.length;
    await repo.insertKeys(db, k);
    await repo.insertPersons(db, chunk.map((r) => ({ id: `person-${r.id}`, residentNumber: r.residentId ?? null })), now);
    await repo.upsertLinks(db, chunk.map((r) => ({ patientId: r.id, personId: `person-${r.id}`, how: 'auto', score: null, orgUnit: null })), 'bench', now);
  }
  return keys;
}

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * On PostgreSQL the stored residents are loaded once into a base database, which each run copies
 * (`CREATE DATABASE … TEMPLATE`, a file copy): before/after runs then start from the same bytes,
 * and a 500k load (minutes) is not repeated. With `keepBase` the base stays for the next run.
 */
async function openLoaded(opts: RealtimeBenchOptions, base: readonly MatchRecord[]): Promise<{ opened: Awaited<ReturnType<typeof openDatabase>>; keys: number; loadSeconds: number; runDb?: string; baseDb?: string }> {
  const t0 = performance.now();
  if (!opts.databaseUrl) {
    const opened = await openDatabase({ kind: 'pglite', dataDir: null });
    await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
    await sql`TRUNCATE mpi_block_key, mpi_feature, mpi_person, mpi_link, mpi_review, mpi_event, mpi_model`.execute(opened.db);
    const keys = await loadStored(opened.db, base, opts.stored);
    return { opened, keys, loadSeconds: (performance.now() - t0) / 1000 };
  }
  const baseDb = `hb_bench_mpi_base_${opts.stored}`;
  const runDb = `hb_bench_mpi_run_${process.pid}`;
  const exists = (await adminQuery(opts.databaseUrl, `SELECT 1 FROM pg_database WHERE datname = '${baseDb}'`)).rowCount === 1;
  let keys = -1;
  if (exists) {
    const probe = await openDatabase({ kind: 'postgres', url: withDatabase(opts.databaseUrl, baseDb), poolSize: 1 });
    const r = await sql<{ keys: string; stored: number }>`SELECT keys::text AS keys, stored FROM bench_mpi_loaded`.execute(probe.db).catch(() => ({ rows: [] }));
    if (r.rows[0]?.stored === opts.stored) {
      keys = Number(r.rows[0].keys);
      // Migrations added since the base was loaded (a new MPI migration, say) run once, on the base,
      // and the tables they rewrote are compacted (VACUUM FULL), so a copy is as a fresh load would be.
      const applied = await migrateToLatest(probe.db, DOMAIN_MIGRATIONS);
      if (applied.length) {
        await sql`VACUUM FULL ANALYZE`.execute(probe.db);
        console.log(`migrated ${baseDb}: ${applied.join(', ')}`);
      }
    }
    await probe.close();
  }
  if (keys < 0) {
    await adminQuery(opts.databaseUrl, `DROP DATABASE IF EXISTS ${baseDb} WITH (FORCE)`);
    await adminQuery(opts.databaseUrl, `CREATE DATABASE ${baseDb}`);
    const loading = await openDatabase({ kind: 'postgres', url: withDatabase(opts.databaseUrl, baseDb), poolSize: 4 });
    await migrateToLatest(loading.db, DOMAIN_MIGRATIONS);
    await sql`TRUNCATE mpi_block_key, mpi_feature, mpi_person, mpi_link, mpi_review, mpi_event, mpi_model`.execute(loading.db);
    keys = await loadStored(loading.db, base, opts.stored);
    // What autovacuum does after a load on a server: statistics, and the visibility map for index-only scans.
    await sql`VACUUM ANALYZE`.execute(loading.db);
    await sql`CREATE TABLE bench_mpi_loaded AS SELECT ${String(keys)}::bigint AS keys, ${opts.stored}::int AS stored`.execute(loading.db);
    await loading.close();
    console.log(`loaded ${opts.stored} residents into ${baseDb} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const t1 = performance.now();
  await adminQuery(opts.databaseUrl, `DROP DATABASE IF EXISTS ${runDb} WITH (FORCE)`);
  await adminQuery(opts.databaseUrl, `CREATE DATABASE ${runDb} TEMPLATE ${baseDb}`);
  const opened = await openDatabase({ kind: 'postgres', url: withDatabase(opts.databaseUrl, runDb), poolSize: 4 });
  await sql`ANALYZE`.execute(opened.db);
  return { opened, keys, loadSeconds: (performance.now() - t1) / 1000, runDb, baseDb };
}

/** The MPI tables and indexes (those the match reads and writes) into shared_buffers (pg_prewarm, PostgreSQL's contrib). */
async function prewarm(db: Executor): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_prewarm`.execute(db);
  const rels = (await sql<{ r: string }>`SELECT relname AS r FROM pg_class WHERE relname LIKE 'mpi\_%' AND relkind IN ('r', 'i') AND relpages > 0`.execute(db)).rows.map((x) => x.r);
  const t = performance.now();
  let blocks = 0;
  for (const rel of rels) blocks += (await sql<{ n: number }>`SELECT pg_prewarm(${rel}::regclass)::int AS n`.execute(db)).rows[0].n;
  const sb = (await sql<{ s: string }>`SELECT current_setting('shared_buffers') AS s`.execute(db)).rows[0].s;
  console.log(`prewarmed ${rels.length} MPI tables and indexes: ${((blocks * 8) / 1024).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s (shared_buffers ${sb})`);
}

/** The create bodies: even i a new registration of a stored resident (expected person), odd i somebody new. */
function createBodies(patients: readonly Patient[], n: number): { body: Patient; person: string | null }[] {
  const rnd = (i: number) => (i * 2654435761) % patients.length;
  return Array.from({ length: n }, (_, i) => {
    const source = standalone(patients[rnd(i)]);
    if (i % 2 === 0) return { body: source, person: `person-${patients[rnd(i)].id}` };
    const { identifier: _i, telecom: _t, ...rest } = source;
    const day = new Date(Date.UTC(1930, 0, 1) + ((i * 7919) % 25_000) * 86_400_000).toISOString().slice(0, 10);
    const given = `${String.fromCodePoint(0x4e00 + ((i * 31) % 8000))}${String.fromCodePoint(0x4e00 + ((i * 17) % 8000))}`;
    return { body: { ...rest, birthDate: day, name: [{ text: `${SURNAMES[i % SURNAMES.length]}${given}` }] }, person: null };
  });
}

/**
 * A full garbage collection, so the creates run with the heap a server has rather than the bench's
 * input (100k parsed Patients and their records: ≈ 0.6 GB, which makes every young-generation
 * collection cost milliseconds on this VM).
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function benchRealtime(opts: RealtimeBenchOptions): Promise<void> {
  loadFhirDefinitions();
  let patients: Patient[] | null = readFileSync(opts.patientsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Patient);
  const { opened, keys, loadSeconds, runDb, baseDb } = await openLoaded(opts, patients.map((p) => safeRecord(p, p.id!)));
  const warmup = opts.warmup ?? 200;
  const creates = createBodies(patients, warmup + opts.creates);
  patients = null;
  collectGarbage();
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  const db = opened.db;
  if (opts.prewarm && opened.kind === 'postgres') await prewarm(db);

  const matchMs: number[] = [];
  const matchCpuMs: number[] = [];
  const mpi = createMpiProjector({ broadBlockSize: opts.broadCap });
  const timed: Projector = {
    ...mpi,
    apply: async (ex, changes) => {
      const t = performance.now();
      const c = process.cpuUsage();
      await mpi.apply(ex, changes);
      const used = process.cpuUsage(c);
      matchCpuMs.push((used.user + used.system) / 1000);
      matchMs.push(performance.now() - t);
    },
  };
  const { store, audit } = createStore(db, { projectors: [timed, ...DOMAIN_PROJECTORS] });
  const createMs: number[] = [];
  const lookupMs: number[] = [];
  const poolSizes: number[] = [];
  const rowsRead: number[] = [];
  const expected: Array<[string, string]> = [];
  const measured: { body: Patient; id: string }[] = [];
  for (const [i, { body, person }] of creates.entries()) {
    if (i === warmup) for (const xs of [matchMs, matchCpuMs]) xs.length = 0;
    const t = performance.now();
    const created = await store.create({ actor: 'bench' }, body);
    if (i < warmup) continue;
    createMs.push(performance.now() - t);
    measured.push({ body, id: created.version.id });
    if (person) expected.push([created.version.id, person]);
  }
  // The candidate lookup alone (blocking-key index + features), outside any transaction, once all the
  // creates are done: so that the match found no pages this lookup brought into the cache, and the
  // garbage the lookup makes (its candidates' JSON, parsed) falls in no create's match. It reads the
  // same blocks (now holding the new record too, which is not counted as a candidate).
  for (const { body, id } of measured) {
    const poolKeys = cappedBlockingKeys(safeRecord(body, ''), { broadBlockSize: opts.broadCap });
    const l0 = performance.now();
    const pool = await repo.fetchCappedPool(db, poolKeys);
    lookupMs.push(performance.now() - l0);
    poolSizes.push(pool.filter((p) => p.patientId !== id).length);
    rowsRead.push(await indexRowsRead(db, poolKeys));
  }
  const links = await repo.linksOf(db, expected.map(([id]) => id));
  const linkedRight = expected.filter(([id, person]) => links.get(id)?.personId === person).length;
  const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms`;
  console.log(`${opened.kind}: ${opts.stored} residents indexed (${keys} blocking keys) (load or copy ${loadSeconds.toFixed(1)} s); heap before the creates ${heapMb.toFixed(0)} MB`);
  console.log(`match on create (MPI projector in the write transaction), ${opts.creates} creates after ${warmup} not measured: ${fmt(matchMs)}`);
  console.log(`whole create (FHIR write + indexes + MPI + audit): ${fmt(createMs)}`);
  console.log(`candidate lookup alone (one statement, after all the creates: warm): ${fmt(lookupMs)}; candidates per create: p50 ${quantile(poolSizes, 0.5)}, p95 ${quantile(poolSizes, 0.95)}, max ${Math.max(...poolSizes)}`);
  console.log(`block-key index rows read by the candidate query per create: p50 ${quantile(rowsRead, 0.5)}, p95 ${quantile(rowsRead, 0.95)}, max ${Math.max(...rowsRead)}`);
  console.log(`CPU of the match in this process (projector, pg driver; not the server): ${fmt(matchCpuMs)}; per candidate (least-squares slope over creates): ${(1000 * slope(poolSizes, matchCpuMs)).toFixed(0)} µs`);
  console.log(`re-registrations linked to the stored resident's person: ${linkedRight} of ${expected.length}`);
  await store.settle();
  await audit.close();
  await opened.close();
  if (opts.databaseUrl && runDb && baseDb) {
    await adminQuery(opts.databaseUrl, `DROP DATABASE IF EXISTS ${runDb} WITH (FORCE)`);
    if (!opts.keepBase) await adminQuery(opts.databaseUrl, `DROP DATABASE IF EXISTS ${baseDb} WITH (FORCE)`);
  }
}
