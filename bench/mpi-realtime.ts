/**
 * Real-time part of `npm run bench:mpi -- --realtime`: p50/p95/p99 of match-on-create (the MPI
 * projector inside the FHIR write transaction, and the whole create) with `--stored N` residents
 * already indexed. The stored residents are bulk-inserted straight into the MPI tables (features,
 * blocking keys, persons, links) from the simulated district's Patients, replicated with shifted
 * birth years, IDs and phones beyond the district's size, so name blocks grow as in a larger
 * register. `--database-url URL` runs on a fresh PostgreSQL database (created and dropped on that
 * server), otherwise on in-memory PGlite. Then `--creates M` Patients go through `store.create` one by one: half are new
 * registrations of stored residents (should link), half new people.
 */
import type { Patient } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../src/foundation/db/index.js';
import { loadFhirDefinitions, ORG_UNIT_EXTENSION, type Projector } from '../src/foundation/fhir/index.js';
import { createMpiProjector, hashedBlockingKeys, recordFlags, safeRecord, type MatchRecord } from '../src/foundation/mpi/index.js';
import * as repo from '../src/foundation/mpi/mpi.repository.js';
import { createStore, DOMAIN_MIGRATIONS, DOMAIN_PROJECTORS } from '../src/server/index.js';

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

/** Patients without references the bench does not load. */
function standalone(p: Patient): Patient {
  const { generalPractitioner: _g, managingOrganization: _m, id: _id, meta: _meta, ...rest } = p;
  return { ...rest, extension: (p.extension ?? []).filter((e) => e.url === ORG_UNIT_EXTENSION) };
}

export async function benchRealtime(opts: { patientsFile: string; stored: number; creates: number; databaseUrl?: string }): Promise<void> {
  loadFhirDefinitions();
  let url: string | undefined;
  if (opts.databaseUrl) {
    // A fresh database on the server, dropped at the end.
    const admin = new pg.Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS hb_bench_mpi WITH (FORCE)');
    await admin.query('CREATE DATABASE hb_bench_mpi');
    await admin.end();
    const u = new URL(opts.databaseUrl);
    u.pathname = '/hb_bench_mpi';
    url = u.toString();
  }
  const opened = url ? await openDatabase({ kind: 'postgres', url, poolSize: 4 }) : await openDatabase({ kind: 'pglite', dataDir: null });
  const db = opened.db;
  await migrateToLatest(db, DOMAIN_MIGRATIONS);
  await sql`TRUNCATE mpi_block_key, mpi_feature, mpi_person, mpi_link, mpi_review, mpi_event, mpi_model`.execute(db);
  const patients = readFileSync(opts.patientsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Patient);
  const base = patients.map((p) => safeRecord(p, p.id!));
  const t0 = performance.now();
  const now = new Date();
  let keys = 0;
  for (let start = 0; start < opts.stored; start += 20_000) {
    const chunk: MatchRecord[] = [];
    for (let i = start; i < Math.min(opts.stored, start + 20_000); i++) chunk.push(replicate(base[i % base.length], Math.floor(i / base.length)));
    await repo.insertFeatures(db, chunk.map((r) => ({ patientId: r.id, record: r, flags: recordFlags(r) })), now);
    const k = chunk.flatMap((r) => hashedBlockingKeys(r).map((key) => ({ key, patientId: r.id })));
    keys += k.length;
    await repo.insertKeys(db, k);
    await repo.insertPersons(db, chunk.map((r) => ({ id: `person-${r.id}`, residentNumber: r.residentId ?? null })), now);
    await repo.upsertLinks(db, chunk.map((r) => ({ patientId: r.id, personId: `person-${r.id}`, how: 'auto', score: null, orgUnit: null })), 'bench', now);
  }
  // What autovacuum does after a load on a server: statistics, and the visibility map for index-only scans.
  await sql`VACUUM ANALYZE`.execute(db);
  const loadSeconds = (performance.now() - t0) / 1000;

  const matchMs: number[] = [];
  const mpi = createMpiProjector();
  const timed: Projector = {
    ...mpi,
    apply: async (ex, changes) => {
      const t = performance.now();
      await mpi.apply(ex, changes);
      matchMs.push(performance.now() - t);
    },
  };
  const { store, audit } = createStore(db, { projectors: [timed, ...DOMAIN_PROJECTORS] });
  const createMs: number[] = [];
  const lookupMs: number[] = [];
  const poolSizes: number[] = [];
  const expected: Array<[string, string]> = [];
  const rnd = (i: number) => (i * 2654435761) % patients.length;
  for (let i = 0; i < opts.creates; i++) {
    const source = standalone(patients[rnd(i)]);
    // Even: a new registration of a stored resident. Odd: somebody new (other name and birth date).
    const { identifier: _i, telecom: _t, ...rest } = source;
    const day = new Date(Date.UTC(1930, 0, 1) + ((i * 7919) % 25_000) * 86_400_000).toISOString().slice(0, 10);
    const given = `${String.fromCodePoint(0x4e00 + ((i * 31) % 8000))}${String.fromCodePoint(0x4e00 + ((i * 17) % 8000))}`;
    const body: Patient = i % 2 === 0 ? source : { ...rest, birthDate: day, name: [{ text: `${SURNAMES[i % SURNAMES.length]}${given}` }] };
    // The candidate lookup alone (blocking-key index + features), outside the transaction.
    const l0 = performance.now();
    const pool = await repo.fetchPool(db, hashedBlockingKeys(safeRecord(body, '')), 1000);
    lookupMs.push(performance.now() - l0);
    poolSizes.push(pool.length);
    const t = performance.now();
    const created = await store.create({ actor: 'bench' }, body);
    createMs.push(performance.now() - t);
    if (i % 2 === 0) expected.push([created.version.id, `person-${patients[rnd(i)].id}`]);
  }
  const links = await repo.linksOf(db, expected.map(([id]) => id));
  const linkedRight = expected.filter(([id, person]) => links.get(id)?.personId === person).length;
  const warm = (xs: number[]) => xs.slice(Math.min(20, Math.floor(xs.length / 10)));
  const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms`;
  console.log(`${opened.kind}: ${opts.stored} residents indexed (${keys} blocking keys) in ${loadSeconds.toFixed(1)} s`);
  console.log(`match on create (MPI projector in the write transaction), ${opts.creates} creates: ${fmt(warm(matchMs))}`);
  console.log(`whole create (FHIR write + indexes + MPI + audit): ${fmt(warm(createMs))}`);
  console.log(`candidate lookup alone (one statement): ${fmt(warm(lookupMs))}; candidates per create: p50 ${quantile(poolSizes, 0.5)}, p95 ${quantile(poolSizes, 0.95)}, max ${Math.max(...poolSizes)}`);
  console.log(`re-registrations linked to the stored resident's person: ${linkedRight} of ${expected.length}`);
  await store.settle();
  await audit.close();
  await opened.close();
  if (opts.databaseUrl) {
    const admin = new pg.Client({ connectionString: opts.databaseUrl });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS hb_bench_mpi WITH (FORCE)');
    await admin.end();
  }
}
