/**
 * `npm run bench:surveillance`: every detector over 40 diseases × 30 org units × 5 years of daily
 * counts (synthetic seasonal Poisson series, seeded), per-method and total time, the same series
 * through R `surveillance` (earsC, farringtonFlexible, cusum, glrnb; scripts/r/bench-surveillance.R)
 * as a per-series speed ratio, and alarm agreement with R on the series R ran. Figures go to
 * docs/benchmarks.md ("## Surveillance"). R is optional: without `Rscript` and the package the R part
 * is skipped with a message.
 *
 * Usage: npm run bench:surveillance -- [--seed 1] [--r-series 40] [--r-slow-series 8] [--workers 2] [--no-r]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { mulberry32 } from '../src/foundation/random.js';
import { toWeekly } from '../src/publichealth/aggregation/index.js';
import {
  cidarsMpm,
  cusum,
  earsC,
  essenceEwma,
  essenceRegression,
  farrington,
  farringtonFlexible,
  glrnb,
  noufaily,
  spaceTimePermutationScan,
  type DetectionRow,
} from '../src/publichealth/detectors/index.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SEED = Number(arg('seed', '1'));
const DISEASES = 40;
const UNITS = 30;
const YEARS = 5;
const DAYS = YEARS * 365 + 1; // 2019-01-01 … 2023-12-31 would be 1826 days
const START_DAY = 17897; // 2019-01-01, a Tuesday
const FROM_DAY = 3 * 365 + 13; // last ~two years: every method can evaluate them (MPM: 3 years + 13 days)
const FROM_WEEK = 3 * 52 + 3;

/** Knuth's Poisson sampler below 30, normal approximation above (enough for benchmark data). */
function poisson(rand: () => number, lambda: number): number {
  if (lambda >= 30) {
    const u = Math.max(1e-12, rand());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > l) {
    k++;
    p *= rand();
  }
  return k;
}

/**
 * 40 × 30 daily series: disease level log-uniform in 0.02–8 cases/day, yearly seasonality (amplitude
 * 0.2–1, random peak), weekday effect (Sun 0.8 … Sat 0.85, as the simulator), unit size ×0.5–2, and
 * two 7-day outbreaks (+1.5× the level) per series.
 */
function generate(seed: number): number[][] {
  const rand = mulberry32(seed);
  const dow = [0.8, 1.2, 1.1, 1.05, 1.0, 1.0, 0.85];
  const out: number[][] = [];
  for (let d = 0; d < DISEASES; d++) {
    const level = Math.exp(Math.log(0.02) + rand() * Math.log(8 / 0.02));
    const amp = 0.2 + 0.8 * rand();
    const peak = rand() * 365;
    for (let u = 0; u < UNITS; u++) {
      const size = 0.5 + 1.5 * rand();
      const outbreaks = [Math.floor(rand() * DAYS), Math.floor(rand() * DAYS)];
      const y: number[] = [];
      for (let t = 0; t < DAYS; t++) {
        const season = 1 + amp * Math.cos((2 * Math.PI * (t - peak)) / 365.25);
        let lambda = level * size * season * dow[(t + 2) % 7];
        if (outbreaks.some((o) => t >= o && t < o + 7)) lambda *= 2.5;
        y.push(poisson(rand, lambda));
      }
      out.push(y);
    }
  }
  return out;
}

interface Method {
  name: string;
  weekly: boolean;
  /** Also run by R (name of the R timing row). */
  r?: string;
  run(y: number[]): DetectionRow[];
}

const daily = (y: number[]) => ({ observed: y, frequency: 365 as const });
const weekly = (y: number[]) => ({ observed: y, frequency: 52 as const });
/**
 * Back-test (default): the last two years of every series. Operational: what the platform's scheduled
 * daily run does (docs/surveillance.md): the last period only, glrnb and cusum charting the last year.
 */
const mode = { operational: false };
const dRange = (y: number[]) => ({ start: mode.operational ? y.length - 1 : FROM_DAY, end: y.length - 1 });
const wRange = (y: number[]) => ({ start: mode.operational ? y.length - 1 : FROM_WEEK, end: y.length - 1 });
const chartRange = (y: number[]) => ({ start: mode.operational ? y.length - 365 : FROM_DAY, end: y.length - 1 });

/** The detectors and settings timed (the last two years of each series evaluated). */
const METHODS: Method[] = [
  { name: 'ears-c1', weekly: false, r: 'earsC1', run: (y) => earsC(daily(y), { method: 'C1', range: dRange(y) }) },
  { name: 'ears-c2', weekly: false, r: 'earsC2', run: (y) => earsC(daily(y), { method: 'C2', range: dRange(y) }) },
  { name: 'ears-c3', weekly: false, r: 'earsC3', run: (y) => earsC(daily(y), { method: 'C3', range: dRange(y) }) },
  { name: 'cusum', weekly: false, r: 'cusum', run: (y) => cusum(daily(y), { range: chartRange(y) }) },
  { name: 'glrnb', weekly: false, r: 'glrnb', run: (y) => glrnb(daily(y), { range: chartRange(y) }) },
  { name: 'mpm', weekly: false, run: (y) => cidarsMpm(daily(y), { range: dRange(y) }) },
  { name: 'ewma', weekly: false, run: (y) => essenceEwma(daily(y), { range: dRange(y) }) },
  { name: 'regression', weekly: false, run: (y) => essenceRegression(daily(y), { startWeekday: 2, range: dRange(y) }) },
  { name: 'farrington-flexible (daily, b=3)', weekly: false, r: 'farringtonFlexibleDaily', run: (y) => farringtonFlexible(daily(y), { b: 3, range: dRange(y) }) },
  { name: 'farrington (weekly, b=3)', weekly: true, run: (y) => farrington(weekly(y), { b: 3, range: wRange(y) }) },
  { name: 'farrington-flexible (weekly, b=3)', weekly: true, r: 'farringtonFlexibleWeekly', run: (y) => farringtonFlexible(weekly(y), { b: 3, range: wRange(y) }) },
  { name: 'noufaily (weekly, b=3)', weekly: true, run: (y) => noufaily(weekly(y), { b: 3, range: wRange(y) }) },
];

/** CPU seconds (user + system) of this process: robust to other jobs on a shared machine. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs the methods over series from, from + step, … below to; returns CPU seconds per method and alarms per series. */
function runAll(dailySeries: number[][], weeklySeries: number[][], from: number, to: number, step = 1): { seconds: number[]; alarms: number[][] } {
  const seconds: number[] = [];
  const alarms: number[][] = [];
  for (const m of METHODS) {
    const t0 = cpuSeconds();
    const counts: number[] = [];
    for (let s = from; s < to; s += step) counts.push(m.run(m.weekly ? weeklySeries[s] : dailySeries[s]).filter((r) => r.alarm).length);
    seconds.push(cpuSeconds() - t0);
    alarms.push(counts);
  }
  return { seconds, alarms };
}

/** One prospective space-time scan per disease (diseases [from, to)) on the last day, 30 units, 56-day study period, 999 replications. */
function runScans(dailySeries: number[][], from = 0, to = DISEASES): number {
  const areas = Array.from({ length: UNITS }, (_, u) => ({ id: `u${u}`, x: u % 6, y: Math.floor(u / 6) }));
  const t0 = cpuSeconds();
  for (let d = from; d < to; d++) {
    const counts: number[][] = [];
    for (let t = DAYS - 56; t < DAYS; t++) counts.push(areas.map((_, u) => dailySeries[d * UNITS + u][t]));
    spaceTimePermutationScan(areas, counts, { seed: d + 1 });
  }
  return cpuSeconds() - t0;
}

function weeklyOf(series: number[][]): number[][] {
  return series.map((y) => Array.from(toWeekly(y, START_DAY).counts));
}

if (!isMainThread) {
  // A worker generates the same series, warms up, reports ready, and runs its share (every step-th
  // series from `from`, and the space-time scans of diseases [dFrom, dTo)) when told to go, so start-up
  // is not timed. Interleaved series balance the workers (the series of a disease cost alike).
  const { seed, from, step, dFrom, dTo } = workerData as { seed: number; from: number; step: number; dFrom: number; dTo: number };
  const s = generate(seed);
  const w = weeklyOf(s);
  runAll(s, w, from, Math.min(s.length, from + 10 * step), step); // warm-up (JIT), as the sequential run
  parentPort?.once('message', () => {
    runAll(s, w, from, s.length, step);
    runScans(s, dFrom, dTo);
    parentPort?.postMessage('done');
  });
  parentPort?.postMessage('ready');
} else {
  await main();
}

/** Starts a worker on a share of the work; resolves when it is ready, with a function that runs it. */
function startWorker(share: { from: number; step: number; dFrom: number; dTo: number }): Promise<() => Promise<void>> {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { seed: SEED, ...share } });
    w.once('error', reject);
    w.once('message', () =>
      resolve(
        () =>
          new Promise<void>((done) => {
            w.once('message', () => {
              void w.terminate();
              done();
            });
            w.postMessage('go');
          }),
      ),
    );
  });
}

/** R `surveillance` on the first `n` series of each disease block; null when R or the package is missing. */
function runR(dailySeries: number[][], weeklySeries: number[][], pick: number[], nSlow: number): Map<string, { seconds: number; alarms: number[] }> | null {
  const probe = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(surveillance)); cat(as.character(packageVersion("surveillance")))'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.log('R comparison skipped: Rscript with the "surveillance" package is not installed (apt-get install r-cran-surveillance).');
    return null;
  }
  console.log(`R surveillance ${probe.stdout.trim()} found`);
  const dir = mkdtempSync(join(tmpdir(), 'hb-bench-surv-'));
  try {
    const csv = (rows: number[][]): string => ['t,' + pick.map((s) => `s${s}`).join(',')].concat(rows[0].map((_, t) => `${t},` + rows.map((y) => y[t]).join(','))).join('\n');
    writeFileSync(join(dir, 'daily.csv'), csv(pick.map((s) => dailySeries[s])));
    writeFileSync(join(dir, 'weekly.csv'), csv(pick.map((s) => weeklySeries[s])));
    const script = join(import.meta.dirname, '../scripts/r/bench-surveillance.R');
    const rArgs = [script, join(dir, 'daily.csv'), join(dir, 'weekly.csv'), String(FROM_DAY + 1), String(FROM_WEEK + 1), join(dir, 'out.csv'), String(nSlow)];
    const r = spawnSync('Rscript', rArgs, {
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`Rscript failed with status ${r.status}`);
    const out = new Map<string, { seconds: number; alarms: number[] }>();
    for (const line of readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n').slice(1)) {
      const [method, seconds, ...alarms] = line.split(',');
      out.set(method, { seconds: Number(seconds), alarms: alarms.map(Number) });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const workers = Number(arg('workers', '2'));
  const nR = Number(arg('r-series', '40'));
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
  console.log(`load average (1, 5, 15 min) at the start: ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  console.log(`series: ${DISEASES} diseases × ${UNITS} units × ${DAYS} days (seed ${SEED}); evaluated: days ${FROM_DAY}–${DAYS - 1}, weeks ${FROM_WEEK}–end`);
  const s = generate(SEED);
  const w = weeklyOf(s);
  runAll(s, w, 0, 20); // warm-up (JIT)
  const n = s.length;
  const seq = runAll(s, w, 0, n);
  process.stderr.write('sequential run done\n');
  mode.operational = true;
  const operational = runAll(s, w, 0, n).seconds;
  mode.operational = false;
  const scanSeconds = runScans(s);
  const total = seq.seconds.reduce((a, b) => a + b, 0) + scanSeconds;

  // All methods and the scans on `workers` threads: series interleaved, diseases' scans split evenly,
  // timed from the moment every worker has generated its data and warmed up until the last one is done.
  const dChunk = Math.ceil(DISEASES / workers);
  const ready = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      startWorker({ from: i, step: workers, dFrom: Math.min(DISEASES, i * dChunk), dTo: Math.min(DISEASES, (i + 1) * dChunk) }),
    ),
  );
  const t0 = performance.now();
  // process.cpuUsage counts every thread of the process: CPU / wall says how many cores the run got.
  const cpu0 = cpuSeconds();
  await Promise.all(ready.map((go) => go()));
  const parallel = (performance.now() - t0) / 1000;
  const parallelCpu = cpuSeconds() - cpu0;

  // Noufaily on daily data (b = 3: ~1,100 reference days and 10 seasonal levels per fit), on a sample.
  const sample = Array.from({ length: 6 }, (_, i) => s[i * 200 + 5]);
  const t1 = cpuSeconds();
  let days = 0;
  for (const y of sample) days += noufaily(daily(y), { b: 3, range: dRange(y) }).filter((r) => r.threshold !== null).length;
  const noufailyDailyMs = (1000 * (cpuSeconds() - t1)) / Math.max(1, days);

  const pick = Array.from({ length: Math.min(nR, n) }, (_, i) => Math.floor((i * n) / Math.min(nR, n)));
  const r = args.includes('--no-r') ? null : runR(s, w, pick, Number(arg('r-slow-series', '8')));

  const rows: string[][] = [];
  METHODS.forEach((m, i) => {
    const perSeries = (1000 * seq.seconds[i]) / n;
    const rr = m.r ? r?.get(m.r) : undefined;
    // R ran the first rr.alarms.length of the picked series (fewer for its slow methods).
    const ran = rr ? pick.slice(0, rr.alarms.length) : [];
    const rPer = rr ? (1000 * rr.seconds) / ran.length : NaN;
    const agree = rr ? ran.filter((sIdx, k) => seq.alarms[i][sIdx] === rr.alarms[k]).length : NaN;
    rows.push([
      m.name,
      seq.seconds[i].toFixed(3),
      perSeries.toFixed(3),
      rr ? rPer.toFixed(2) : '–',
      rr ? `${(rPer / perSeries).toFixed(0)}×` : '–',
      rr ? `${agree}/${ran.length}` : '–',
    ]);
  });
  rows.push(['space-time scan (1 day, 30 units, 999 reps)', scanSeconds.toFixed(3), `${((1000 * scanSeconds) / DISEASES).toFixed(1)} per scan`, '–', '–', '–']);
  const head = ['method', 'CPU s (all series)', 'ms/series', 'R ms/series', 'speed-up', 'same alarm count as R'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  for (const x of rows) console.log(line(x));
  console.log(`load average (1, 5, 15 min) at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  console.log(
    `all methods, 1 core (sum): ${total.toFixed(2)} CPU s; ${workers} worker threads (series and scans split, after start-up and warm-up): ` +
      `${parallel.toFixed(2)} s wall, ${parallelCpu.toFixed(2)} CPU s (${(parallelCpu / parallel).toFixed(2)} cores on average)`,
  );
  const opTotal = operational.reduce((a, b) => a + b, 0);
  console.log(
    `scheduled daily run (last period of each series; glrnb, cusum: chart over the last year), ${n} series × ${METHODS.length} methods: ${opTotal.toFixed(2)} CPU s (` +
      METHODS.map((m, i) => `${m.name} ${operational[i].toFixed(3)}`).join(', ') +
      ')',
  );
  console.log(`noufaily on daily data (b = 3): ${noufailyDailyMs.toFixed(2)} ms per day evaluated (${days} days on ${sample.length} series)`);
  const md = arg('markdown', '');
  if (md) writeFileSync(md, [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n') + '\n');
}
