/**
 * `npm run bench:access`: what access control and the audit cost on reads (issue 8 target: < 20 %).
 * One database, two stores over it:
 *   on  — the request context of a village doctor (compileAccess per request, its `readable`
 *         predicate in the SQL) and the real audit writer (BufferedAuditWriter → audit_log);
 *   off — the system context (no scope) and an audit sink that drops the rows;
 *   scope only (shown beside them) — the doctor's scope without the audit, to tell the two costs apart.
 * Operations, sequential, the modes alternating op by op so drift and load bursts hit them alike:
 *   read    — Patient/{id} of a patient in the doctor's village
 *   search  — Observation?patient=<that patient>&_count=20 (a chart)
 *   list    — Patient?gender=female&_count=20 (a broad search: the scope narrows it to the village)
 * Measured in process at the store (the layer that differs): over HTTP the same absolute cost sits
 * on top of Fastify, JSON and the network, so the overhead in % is lower there.
 * Usage: npm run bench:access -- [--patients 20000] [--villages 20] [--ops 400] [--list-ops N] [--rounds 5] [--role village-doctor] [--database-url postgres://…]
 * With --database-url a fresh database is created on that server and dropped afterwards.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { careGrantOrgUnits, compileAccess, loadCareResidents, type Principal } from '../src/foundation/access/index.js';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../src/foundation/db/index.js';
import { BundleService, FhirStore, loadFhirDefinitions, ORG_UNIT_EXTENSION, readableFor, type AccessControl, type AuditSink, type RequestContext } from '../src/foundation/fhir/index.js';
import { buildApp, createStore, DOMAIN_MIGRATIONS } from '../src/server/index.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PATIENTS = Number(arg('patients', '20000'));
const VILLAGES = Number(arg('villages', '20'));
const OPS = Number(arg('ops', '400'));
// The broad list takes 100× a read: fewer of them keeps a run short on a busy machine.
const LIST_OPS = Number(arg('list-ops', String(OPS)));
const ROUNDS = Number(arg('rounds', '5'));
const PG_URL = arg('database-url', '');
const ROLE = arg('role', 'village-doctor');
const TOWN = '330109001';
const village = (v: number) => `${TOWN}${String(v + 1).padStart(3, '0')}`;

const noAudit: AuditSink = { record: () => {}, flush: async () => {}, close: async () => {} };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function open(): Promise<{ opened: OpenDatabase; cleanup: () => Promise<void>; kind: string }> {
  if (!PG_URL) return { opened: await openDatabase({ kind: 'pglite', dataDir: null }), cleanup: async () => {}, kind: 'pglite (in memory)' };
  const name = `hb_bench_access_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const opened = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 4 });
  return {
    opened,
    kind: 'postgresql',
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** PATIENTS patients spread over VILLAGES villages, two blood-pressure Observations each. */
async function load(store: FhirStore): Promise<string[][]> {
  const bundles = new BundleService(store);
  const system: RequestContext = { actor: 'bench-loader' };
  const byVillage: string[][] = Array.from({ length: VILLAGES }, () => []);
  const t0 = performance.now();
  for (let n = 0; n < PATIENTS; n += 500) {
    const entry = [];
    for (let i = n; i < Math.min(PATIENTS, n + 500); i++) {
      const full = `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      entry.push({ fullUrl: full, resource: { resourceType: 'Patient', gender: i % 2 ? 'male' : 'female', birthDate: `${1940 + (i % 60)}-01-01`, name: [{ text: `居民${i}` }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village(i % VILLAGES) }] }, request: { method: 'POST', url: 'Patient' } });
      for (const value of [128 + (i % 30), 142 + (i % 20)]) {
        entry.push({ resource: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, subject: { reference: full }, effectiveDateTime: '2026-01-15', valueQuantity: { value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }, request: { method: 'POST', url: 'Observation' } });
      }
    }
    const result = await bundles.process(system, { resourceType: 'Bundle', type: 'transaction', entry });
    let i = n;
    for (const e of result.entries) if (e.location?.startsWith('Patient/')) byVillage[i++ % VILLAGES].push(e.location.split('/')[1]);
  }
  process.stderr.write(`  loaded ${PATIENTS} patients and ${PATIENTS * 2} observations in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  return byVillage;
}

type Op = 'read' | 'search' | 'list';

const COLS = sql`r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.resident_id, r.org_unit`;
/** The scoped read as it was until 2 December 2026: the general predicate, twice (`allowed` and the content). */
const formerRead = (id: string, scope: RawBuilder<boolean>) =>
  sql`SELECT ${COLS}, coalesce((${scope}), false) AS allowed, CASE WHEN coalesce((${scope}), false) THEN r.content::text END AS content FROM fhir_resource r WHERE r.resource_type = 'Patient' AND r.id = ${id}`;
/** The scoped read now (scoped.repository.ts): the predicate folded for the type, once. */
const currentRead = (id: string, scope: RawBuilder<boolean>) =>
  sql`SELECT ${COLS}, CASE WHEN (${scope}) THEN coalesce(r.content::text, '') END AS content FROM fhir_resource r WHERE r.resource_type = 'Patient' AND r.id = ${id}`;
const plainRead = (id: string) => sql`SELECT ${COLS}, r.content::text AS content FROM fhir_resource r WHERE r.resource_type = 'Patient' AND r.id = ${id}`;
const OPS_LIST: Op[] = ['read', 'search', 'list'];

async function main() {
  // The machine may be shared: the load average before and after tells how far to trust the figures.
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(' ');
  loadFhirDefinitions();
  const { opened, cleanup, kind } = await open();
  try {
    await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
    const on = createStore(opened.db, { projectors: [] });
    const off = new FhirStore({ db: opened.db, audit: noAudit, projectors: [] });
    const byVillage = await load(off);
    const mine = byVillage[0];
    const doctor: Principal = { kind: 'user', id: 'bench-vd', name: 'bench-vd', grants: [{ role: ROLE as Principal['grants'][number]['role'], orgUnit: village(0), careTeam: null }], breakGlass: [] };
    // As AccessService.authenticate does per request: the residents the doctor's facilities care for
    // (cached for a few seconds), then the compiled scope.
    const ctxOn = async (): Promise<RequestContext> => {
      const now = new Date();
      const careResidents = await loadCareResidents(opened.db, careGrantOrgUnits(doctor.grants), now);
      return { actor: doctor.name, access: compileAccess({ ...doctor, careResidents }, now) };
    };
    const ctxOff = async (): Promise<RequestContext> => ({ actor: 'system' });
    const run = async (op: Op, store: FhirStore, ctx: () => Promise<RequestContext>, i: number) => {
      const id = mine[(i * 7919) % mine.length];
      if (op === 'read') return store.read(await ctx(), 'Patient', id);
      if (op === 'search') return store.search(await ctx(), 'Observation', { patient: [id], _count: ['20'] });
      return store.search(await ctx(), 'Patient', { gender: ['female'], _count: ['20'], _offset: [String((i % 10) * 20)] });
    };
    const times: Record<string, number[]> = {};
    for (const op of OPS_LIST) for (const mode of ['on', 'scope', 'off']) times[`${op}:${mode}`] = [];
    // Warm-up of both paths.
    for (const op of OPS_LIST) for (let i = 0; i < 50; i++) { await run(op, on.store, ctxOn, i); await run(op, off, ctxOff, i); }
    // The modes alternate operation by operation (in a rotating order), so a burst of load from
    // other processes on a shared machine hits all three alike instead of one block of one mode.
    const modes: [string, FhirStore, () => Promise<RequestContext>][] = [['on', on.store, ctxOn], ['scope', off, ctxOn], ['off', off, ctxOff]];
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of OPS_LIST) {
        for (let i = 0; i < (op === 'list' ? LIST_OPS : OPS); i++) {
          for (let m = 0; m < modes.length; m++) {
            const [mode, store, ctx] = modes[(i + m) % modes.length];
            const t = performance.now();
            await run(op, store, ctx, round * OPS + i);
            times[`${op}:${mode}`].push(performance.now() - t);
          }
        }
      }
    }
    await on.audit.close();
    // Statement level, same data, the variants alternating op by op: the former scoped read against
    // the current one and an unscoped read; the chart search with the general predicate (as before)
    // against the type-folded one and none. Each scoped variant builds the doctor's context per op.
    const general = (access: AccessControl): AccessControl => ({ ...access, typedReadable: undefined });
    const statements: Record<string, (i: number) => Promise<unknown>> = {
      'read: former SQL': async (i) => formerRead(mine[(i * 7919) % mine.length], (await ctxOn()).access!.readable).execute(opened.db),
      'read: current SQL': async (i) => currentRead(mine[(i * 7919) % mine.length], readableFor((await ctxOn()).access!, 'Patient')).execute(opened.db),
      'read: no scope': async (i) => plainRead(mine[(i * 7919) % mine.length]).execute(opened.db),
      'search: general predicate': async (i) => { const c = await ctxOn(); return off.search({ ...c, access: general(c.access!) }, 'Observation', { patient: [mine[(i * 7919) % mine.length]], _count: ['20'] }); },
      'search: type-folded': async (i) => off.search(await ctxOn(), 'Observation', { patient: [mine[(i * 7919) % mine.length]], _count: ['20'] }),
      'search: no scope': async (i) => off.search({ actor: 'system' }, 'Observation', { patient: [mine[(i * 7919) % mine.length]], _count: ['20'] }),
    };
    const names = Object.keys(statements);
    const st: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < OPS * ROUNDS; i++) {
      for (let m = 0; m < names.length; m++) {
        const name = names[(i + m) % names.length];
        const t = performance.now();
        await statements[name](i);
        st[name].push(performance.now() - t);
      }
    }
    for (const name of names) st[name].sort((x, y) => x - y);
    const statementRows = names.map((name) => {
      const xs = st[name];
      const base = st[`${name.split(':')[0]}: no scope`];
      return { variant: name, 'p50 (ms)': Number(percentile(xs, 50).toFixed(3)), 'p95 (ms)': Number(percentile(xs, 95).toFixed(3)), 'p50 over no scope %': Number((((percentile(xs, 50) - percentile(base, 50)) / percentile(base, 50)) * 100).toFixed(1)) };
    });
    // The same reads over HTTP (in process, app.inject: no network), access and audit on, to set
    // the store's extra cost against a whole request. Rate limits off: this measures access, not them.
    const app = await buildApp({ db: opened.db, logLevel: 'silent', security: { rateLimitMax: 0 } });
    await app.access.createUser({ username: 'bench-vd', password: 'Bench#Access-2026', role: ROLE, orgUnit: village(0) });
    const login = await app.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'bench-vd', password: 'Bench#Access-2026' } });
    const authorization = `Bearer ${(login.json() as { access_token: string }).access_token}`;
    const http: Record<Op, number[]> = { read: [], search: [], list: [] };
    const urlOf = (op: Op, i: number) => {
      const id = mine[(i * 7919) % mine.length];
      return op === 'read' ? `/fhir/Patient/${id}` : op === 'search' ? `/fhir/Observation?patient=${id}&_count=20` : `/fhir/Patient?gender=female&_count=20&_offset=${(i % 10) * 20}`;
    };
    for (const op of OPS_LIST) {
      for (let i = 0; i < 50; i++) await app.app.inject({ method: 'GET', url: urlOf(op, i), headers: { authorization } });
      for (let i = 0; i < (op === 'list' ? LIST_OPS : OPS) * ROUNDS; i++) {
        const t = performance.now();
        const res = await app.app.inject({ method: 'GET', url: urlOf(op, i), headers: { authorization } });
        http[op].push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${urlOf(op, i)}: ${res.statusCode}`);
      }
      http[op].sort((x, y) => x - y);
    }
    await app.close();
    const audited = await opened.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = OPS_LIST.map((op) => {
      const a = times[`${op}:on`].sort((x, y) => x - y);
      const b = times[`${op}:off`].sort((x, y) => x - y);
      const s = times[`${op}:scope`].sort((x, y) => x - y);
      const [p50on, p95on, p50off, p95off] = [percentile(a, 50), percentile(a, 95), percentile(b, 50), percentile(b, 95)];
      return {
        op,
        'p50 on (ms)': Number(p50on.toFixed(2)),
        'p50 off (ms)': Number(p50off.toFixed(2)),
        'p50 overhead %': Number((((p50on - p50off) / p50off) * 100).toFixed(1)),
        'p50 scope only (ms)': Number(percentile(s, 50).toFixed(2)),
        'p95 on (ms)': Number(p95on.toFixed(2)),
        'p95 off (ms)': Number(p95off.toFixed(2)),
        'p95 overhead %': Number((((p95on - p95off) / p95off) * 100).toFixed(1)),
        'p95 scope only (ms)': Number(percentile(s, 95).toFixed(2)),
        'HTTP p50 on (ms)': Number(percentile(http[op], 50).toFixed(2)),
        // The store's extra time as a share of the request without it.
        'HTTP p50 overhead %': Number((((p50on - p50off) / (percentile(http[op], 50) - (p50on - p50off))) * 100).toFixed(1)),
      };
    });
    console.log(`bench:access — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    console.log(`${kind}, ${ROLE} of one village: ${PATIENTS} patients in ${VILLAGES} villages (${mine.length} in the doctor's), ${ROUNDS} rounds × ${OPS} ops per mode (list: ${LIST_OPS}); audit rows written: ${Number(audited.n)}`);
    console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.table(rows);
    console.log(`statement level (${OPS * ROUNDS} ops per variant, alternating):`);
    console.table(statementRows);
    console.log(JSON.stringify({ database: kind, rows, statementRows }));
  } finally {
    await opened.close();
    await cleanup();
  }
}

await main();
