/**
 * `npm run bench:risk` — issue 7's target: score 2M residents in < 60 s on 2 cores.
 *
 * (a) PURE SCORING (always): N synthetic residents (default 2,000,000), made by a seeded PRNG, go
 *     through `planResident` — the per-resident function `assessResidents` calls: the learned model
 *     (`buildFeatures` + `predictProbability` + `topContributions`), China-PAR, CDRS, the guideline
 *     triggers and the intervention rules. No database, no FHIR resources. Residents are split over
 *     --workers threads (default 2 = the target's 2 cores); inputs are generated in chunks and their
 *     generation is timed apart from the scoring.
 * (b) DATABASE LOOP (with --district N, --data DIR or --database-url URL): the full `assessResidents`
 *     (read histories from the projections, plan, build and validate RiskAssessment/Task, write through
 *     the store) on a seeded district — N residents (default 5,000) seeded with `seedDemoDistrict` into
 *     in-memory PGlite (or the given database when it is empty) — then a second pass that reads, plans
 *     and builds without writing, to show where the end-to-end time goes. Writes RiskAssessments and
 *     Tasks into the given database, as `healthy-brain risk run` does.
 *
 * Synthetic population (a): age pyramid and registration rates as bench/chronic.bench.ts (China
 * Hypertension Survey 2012–2015, Wang Z et al., Circulation 2018;137:2344; Li Y et al., BMJ
 * 2020;369:m997: ~60 % of hypertensive/diabetic adults diagnosed and registered); follow-ups about
 * quarterly (70 % regular, 20 % irregular, 10 % lost), BP at 94 % of visits, fasting glucose at 85 % of
 * diabetes visits, monthly antihypertensive fills for 75 % (a fill missed 15 % of months); an annual
 * health check (BP, TC, HDL, waist, BMI, smoking) for 60 % from 65 years, 30 % aged 35–64, 10 % younger.
 * The learned model is trained on 30,000 such residents (label: BP uncontrolled at the next reading).
 *
 * Usage: npm run bench:risk -- [--residents 2000000] [--workers 2 (0 = main thread)] [--seed 1] [--chunk 5000]
 *                              [--district 5000 | --data DIR | --database-url URL] [--as-of YYYY-MM-DD]
 */
import { cpus, loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Resource } from '@medplum/fhirtypes';
import { migrateToLatest, openDatabase } from '../src/foundation/db/index.js';
import { validateInput } from '../src/foundation/fhir/index.js';
import {
  DEFAULT_STRATA,
  FEATURE_NAMES,
  assessResidents,
  blockedTasks,
  buildFeatures,
  createPrng,
  planResident,
  residentHistories,
  riskAssessmentResource,
  taskResource,
  trainBpModel,
  trainLogisticRegression,
  uncontrolledAtNextVisit,
  type LogisticModel,
  type Prng,
  type ResidentHistory,
  type TrainedModelFile,
} from '../src/healthmgmt/index.js';
import { createStore, DOMAIN_MIGRATIONS, isEmpty, seedDemoDistrict } from '../src/server/index.js';

const AS_OF = '2025-12-31';
const DAY = 86_400_000;
const asOfDay = Date.parse(`${AS_OF}T00:00:00Z`) / DAY;
const iso = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Share of adults with the condition by age (survey prevalence); × 0.6 diagnosed and registered. */
const HT = (age: number) => (age < 18 ? 0 : age < 35 ? 0.05 : age < 45 ? 0.13 : age < 55 ? 0.25 : age < 65 ? 0.4 : 0.55);
const DM = (age: number) => (age < 18 ? 0 : age < 35 ? 0.02 : age < 45 ? 0.06 : age < 55 ? 0.11 : age < 65 ? 0.17 : 0.2);

/** One synthetic resident with two years of history up to AS_OF. */
function synthResident(rng: Prng, i: number): ResidentHistory {
  const age = Math.floor(Math.pow(rng.next(), 1.15) * 95);
  const sex = rng.next() < 0.5 ? 'male' : 'female';
  const village = i % 300;
  const ht = rng.next() < 0.6 * HT(age);
  const dm = rng.next() < 0.6 * DM(age);
  const registered = ht || dm;
  const id = `r${i}`;
  const bp: { id: string; date: string; sbp: number; dbp: number }[] = [];
  const glucose: { id: string; date: string; mmolL: number }[] = [];
  const dispenses: { date: string; drug: string; drugClass: string; daysSupply: number }[] = [];
  const visits: string[] = [];
  const sbp0 = 112 + 0.45 * Math.max(0, age - 30) + (ht ? 18 : 0) + 12 * rng.normal();
  const dbp0 = 72 + (ht ? 10 : 0) + 7 * rng.normal();
  const reading = (day: number) => bp.push({ id: `${id}-bp${bp.length}`, date: iso(day), sbp: Math.round(sbp0 + 8 * rng.normal()), dbp: Math.round(dbp0 + 6 * rng.normal()) });
  if (registered) {
    const u = rng.next();
    const stop = u >= 0.9 ? asOfDay - Math.floor(rng.next() * 450) : asOfDay; // lost to follow-up
    for (let day = asOfDay - 730 + Math.floor(rng.next() * 91); day <= stop; day += u < 0.7 ? 91 : 120 + Math.floor(rng.next() * 100)) {
      visits.push(iso(day));
      if (rng.next() < 0.94) reading(day);
      if (dm && rng.next() < 0.85) glucose.push({ id: `${id}-g${glucose.length}`, date: iso(day), mmolL: Math.round(Math.exp(Math.log(7.4) + 0.22 * rng.normal()) * 10) / 10 });
    }
    if (ht && rng.next() < 0.75) {
      const drugClass = rng.next() < 0.5 ? 'C08CA' : 'C09AA';
      for (let day = asOfDay - 720; day <= stop; day += 30) if (rng.next() < 0.85) dispenses.push({ date: iso(day), drug: `${drugClass}01`, drugClass, daysSupply: 30 });
    }
  }
  const factors: ResidentHistory['factors'] = {};
  const checkShare = age >= 65 ? 0.6 : age >= 35 ? 0.3 : age >= 18 ? 0.1 : 0;
  if (rng.next() < checkShare) {
    const day = asOfDay - Math.floor(rng.next() * 365);
    const date = iso(day);
    if (!bp.some((r) => r.date === date)) {
      reading(day);
      bp.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    }
    const male = sex === 'male';
    const bmi = 23.5 + 3.2 * rng.normal();
    Object.assign(factors, {
      tc: { id: `${id}-tc`, date, value: Math.round(Math.exp(Math.log(4.8) + 0.18 * rng.normal()) * 100) / 100 },
      hdl: { id: `${id}-hdl`, date, value: Math.round(Math.exp(Math.log(male ? 1.2 : 1.4) + 0.2 * rng.normal()) * 100) / 100 },
      waist: { id: `${id}-w`, date, value: Math.round((male ? 86 : 80) + 2.4 * (bmi - 23.5) + 4 * rng.normal()) },
      bmi: { id: `${id}-bmi`, date, value: Math.round(Math.max(15, bmi) * 10) / 10 },
      ...(rng.next() < 0.8 ? { smoker: { id: `${id}-s`, date, value: male && rng.next() < 0.5 ? 1 : rng.next() < 0.03 ? 1 : 0 } } : {}),
    });
  }
  return {
    residentId: id,
    orgUnit: `330109${String(1 + Math.floor(village / 15)).padStart(3, '0')}${String(1 + (village % 15)).padStart(3, '0')}`,
    sex,
    birthDate: iso(asOfDay - Math.floor((age + rng.next()) * 365.25)),
    careTeam: `team-${village}`,
    managingOrganization: `centre-${Math.floor(village / 15)}`,
    hypertensionSince: ht ? iso(asOfDay - 730 - Math.floor(rng.next() * 3650)) : null,
    diabetesSince: dm ? iso(asOfDay - 730 - Math.floor(rng.next() * 3650)) : null,
    ascvdSince: age >= 50 && rng.next() < 0.03 ? iso(asOfDay - Math.floor(rng.next() * 3650)) : null,
    bp,
    glucose,
    dispenses,
    visits,
    factors,
  };
}

/** The learned model, fitted on synthetic residents: features on AS_OF − 365 days, label the next reading. */
function syntheticModel(seed: number): TrainedModelFile {
  const rng = createPrng(seed ^ 0x5eed);
  const snapshot = iso(asOfDay - 365);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; x.length < 30_000 && i < 2_000_000; i++) {
    const h = synthResident(rng, i);
    const row = buildFeatures(h, snapshot);
    const label = row && uncontrolledAtNextVisit(h, snapshot);
    if (row && label !== null) {
      x.push(row);
      y.push(label);
    }
  }
  const model: LogisticModel = trainLogisticRegression(x, y, FEATURE_NAMES, { l2: 1 });
  return { format: 'healthy-brain/risk-model', formatVersion: 1, id: 'bp-lr-bench', target: 'bp-uncontrolled-next-visit-12m', method: 'l2-logistic-regression', model, strata: DEFAULT_STRATA } as unknown as TrainedModelFile;
}

/** Node 20 workers do not inherit tsx's loader: the worker loads this file through tsx's API. */
const WORKER_BOOT = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;

interface WorkerResult {
  residents: number;
  assessed: number;
  interventions: number;
  assessments: Record<string, number>;
  generateSeconds: number;
  scoreSeconds: number;
}

/** A worker: residents [from, to) generated and scored in chunks; only `planResident` is timed as scoring. */
function scoreRange(from: number, to: number, chunk: number, seed: number, model: TrainedModelFile): WorkerResult {
  const rng = createPrng(seed + from);
  const r: WorkerResult = { residents: 0, assessed: 0, interventions: 0, assessments: {}, generateSeconds: 0, scoreSeconds: 0 };
  for (let start = from; start < to; start += chunk) {
    const t0 = performance.now();
    const batch: ResidentHistory[] = [];
    for (let i = start; i < Math.min(to, start + chunk); i++) batch.push(synthResident(rng, i));
    const t1 = performance.now();
    for (const h of batch) {
      const plan = planResident(h, AS_OF, { model });
      if (plan.assessments.length > 0) r.assessed++;
      r.interventions += plan.interventions.length;
      for (const a of plan.assessments) r.assessments[a.model] = (r.assessments[a.model] ?? 0) + 1;
    }
    const t2 = performance.now();
    r.residents += batch.length;
    r.generateSeconds += (t1 - t0) / 1000;
    r.scoreSeconds += (t2 - t1) / 1000;
  }
  return r;
}

if (!isMainThread) {
  const { from, to, chunk, seed, model } = workerData as { from: number; to: number; chunk: number; seed: number; model: TrainedModelFile };
  parentPort!.postMessage(scoreRange(from, to, chunk, seed, model));
} else {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const int = (name: string, fallback: number) => {
    const v = Number(arg(name) ?? fallback);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer`);
    return v;
  };
  await main({
    residents: int('residents', 2_000_000),
    workers: int('workers', 2),
    seed: int('seed', 1),
    chunk: Math.max(1, int('chunk', 5000)),
    district: args.includes('--district') || arg('data') !== undefined || arg('database-url') !== undefined ? int('district', 5000) : 0,
    data: arg('data'),
    databaseUrl: arg('database-url'),
    asOf: arg('as-of'),
  });
}

async function main(o: { residents: number; workers: number; seed: number; chunk: number; district: number; data?: string; databaseUrl?: string; asOf?: string }) {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`bench:risk — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; load average (1/5/15 min) ${load()}`);
  if (o.residents > 0) {
    const t0 = performance.now();
    const model = syntheticModel(o.seed);
    console.log(`learned model fitted on 30,000 synthetic rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`\n(a) PURE SCORING — planResident per resident (learned model, China-PAR, CDRS, guideline triggers, intervention rules); no database, no FHIR resources`);
    const threads = Math.max(1, o.workers);
    const per = Math.ceil(o.residents / threads);
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    const results = await Promise.all(
      Array.from({ length: threads }, (_, w) => {
        if (o.workers === 0) return scoreRange(0, o.residents, o.chunk, o.seed, model); // --workers 0: on the main thread (profiling)
        const from = w * per;
        const to = Math.min(o.residents, from + per);
        return new Promise<WorkerResult>((resolve, reject) => {
          const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { from, to, chunk: o.chunk, seed: o.seed, model } });
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      }),
    );
    const wall = (performance.now() - wall0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const sum = (f: (r: WorkerResult) => number) => results.reduce((s, r) => s + f(r), 0);
    const scoreWall = Math.max(...results.map((r) => r.scoreSeconds)); // the workers score in parallel
    const assessments: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.assessments)) assessments[k] = (assessments[k] ?? 0) + v;
    console.log(`residents ${fmt(sum((r) => r.residents))} on ${o.workers || 'no'} worker thread(s); assessed ${fmt(sum((r) => r.assessed))}; interventions planned ${fmt(sum((r) => r.interventions))}`);
    console.log(`assessments: ${Object.entries(assessments).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
    console.log(`scoring: ${scoreWall.toFixed(1)} s (slowest worker; ${sum((r) => r.scoreSeconds).toFixed(1)} s summed over workers) → ${fmt(o.residents / scoreWall)} residents/s; target 2,000,000 in < 60 s: ${((2_000_000 / o.residents) * scoreWall).toFixed(1)} s at this rate`);
    console.log(`generating the synthetic inputs (not scoring): ${sum((r) => r.generateSeconds).toFixed(1)} s summed over workers; wall time of (a) in all ${wall.toFixed(1)} s, process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (generating + scoring, all threads)`);
    console.log(`peak RSS ${mb(process.resourceUsage().maxRSS)}; load average ${load()}`);
  }
  if (o.district > 0 || o.data || o.databaseUrl) await databaseLoop(o);
}

/** (b) The database-backed loop: assessResidents end to end, then read / plan / build timed apart. */
async function databaseLoop(o: { district: number; seed: number; data?: string; databaseUrl?: string; asOf?: string }) {
  const target = o.databaseUrl ? { kind: 'postgres' as const, url: o.databaseUrl, poolSize: 5 } : { kind: 'pglite' as const, dataDir: o.data ?? null };
  const where = o.databaseUrl ? 'PostgreSQL' : o.data ? `PGlite in ${o.data}` : 'PGlite in memory';
  console.log(`\n(b) DATABASE LOOP — assessResidents on ${where} (read projections, plan, build + validate FHIR, write through the store)`);
  const opened = await openDatabase(target);
  try {
    await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
    const { store, audit } = createStore(opened.db);
    if (await isEmpty(opened.db)) {
      const t0 = performance.now();
      const stats = await seedDemoDistrict(store, { residents: o.district || 5000, years: 2, seed: 20260101, surveillanceDays: 0, riskAssessment: false });
      await store.settle();
      console.log(`seeded ${fmt(o.district || 5000)} residents (${fmt(stats.created)} resources) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    } else console.log('database not empty: using its residents (RiskAssessments and Tasks are written, as risk run does)');
    const last = (await sql<{ last: string | null }>`SELECT max(period_start)::text AS last FROM proj_encounter`.execute(opened.db)).rows[0]?.last;
    const asOf = o.asOf ?? last ?? AS_OF;
    let t = performance.now();
    const model = await trainBpModel(opened.db, { orgUnit: '', seed: o.seed });
    console.log(`trained the learned model on the district in ${((performance.now() - t) / 1000).toFixed(1)} s (held-out AUC ${model.test.auc.toFixed(3)})`);
    const s = await assessResidents(store, { actor: 'system:bench-risk' }, { orgUnit: '', asOf, model });
    await store.settle();
    console.log(`end to end on ${asOf}: ${fmt(s.residents)} residents, ${fmt(s.assessed)} assessed, ${fmt(Object.values(s.assessments).reduce((a, b) => a + (b ?? 0), 0))} RiskAssessments, ${fmt(s.tasksCreated)} Tasks in ${s.seconds.toFixed(1)} s → ${fmt(s.residents / s.seconds)} residents/s`);
    // Second pass, same date, no writes: where the time goes.
    let read = 0;
    let plan = 0;
    let build = 0;
    t = performance.now();
    for await (const batch of residentHistories(opened.db, { orgUnit: '', asOf })) {
      const blocked = await blockedTasks(opened.db, batch.map((h) => h.residentId), asOf);
      const t1 = performance.now();
      read += t1 - t;
      const plans = batch.map((h) => planResident(h, asOf, { model }));
      const t2 = performance.now();
      plan += t2 - t1;
      const items: Resource[] = [];
      batch.forEach((h, k) => {
        const ras = plans[k].assessments.map((a) => riskAssessmentResource(h, asOf, a));
        for (const ra of ras) items.push(validateInput(ra, 'RiskAssessment'));
        for (const i of plans[k].interventions) if (!blocked.has(`${h.residentId}|${i.code}`)) items.push(validateInput(taskResource(h, asOf, i, ras[i.assessment]), 'Task'));
      });
      t = performance.now();
      build += t - t2;
    }
    const pct = (x: number) => `${((100 * x) / 1000 / s.seconds).toFixed(0)} %`;
    const write = s.seconds - (read + plan + build) / 1000;
    console.log(`where the time goes (second pass, no writes; shares of the end-to-end run):`);
    console.log(`  read histories + open Tasks (SQL)      ${(read / 1000).toFixed(2)} s  ${pct(read)}`);
    console.log(`  pure scoring (planResident)            ${(plan / 1000).toFixed(2)} s  ${pct(plan)}`);
    console.log(`  build + validate RiskAssessment/Task   ${(build / 1000).toFixed(2)} s  ${pct(build)}`);
    console.log(`  write through the store (remainder)    ${write.toFixed(2)} s  ${((100 * write) / s.seconds).toFixed(0)} %`);
    console.log(`peak RSS ${mb(process.resourceUsage().maxRSS)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await audit.close();
  } finally {
    await opened.close();
  }
}
