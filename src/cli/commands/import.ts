/** `healthy-brain import DIR|FILE.ndjson`: bulk-load FHIR NDJSON (idempotent, resumable). */
import { SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { loadFhirDefinitions } from '../../foundation/fhir/index.js';
import { importResources, ndjsonFiles, readNdjson } from '../../foundation/ingest/index.js';
import { createStore, districtRules, loadConfig, openConfiguredDatabase } from '../../server/index.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('bulk-load FHIR NDJSON files (one resource per line, ids kept); re-running adds nothing')
    .argument('<path>', 'a directory of *.ndjson files (loaded in dependency order) or one .ndjson file')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .option('--batch <n>', 'resources per transaction', '1000')
    .option('--concurrency <n>', 'lanes writing at once on PostgreSQL, each in its own transaction on its own connection (default 2; PGlite: always 1)')
    .action(async (path: string, opts: { data?: string; databaseUrl?: string; batch: string; concurrency?: string }) => {
      const config = loadConfig(process.env, { dataDir: opts.data, databaseUrl: opts.databaseUrl, logLevel: 'warn' });
      // PGlite has one connection: lanes would only queue behind each other. On PostgreSQL two lanes
      // let this process and the database work at once (91k resources on 2 cores, idle: 1,463/s
      // with one lane, 1,772/s with two; docs/benchmarks.md).
      if (opts.concurrency !== undefined && !(Number(opts.concurrency) >= 1)) throw new Error(`--concurrency: expected a whole number ≥ 1, got '${opts.concurrency}'`);
      const concurrency = config.databaseUrl ? Math.max(1, Math.min(Math.floor(Number(opts.concurrency ?? 2)), config.poolSize - 1)) : 1;
      const files = ndjsonFiles(path);
      // Progress in bytes of input read, so the files are read once rather than counted first.
      const total = files.reduce((n, f) => n + statSync(f).size, 0);
      const database = await openConfiguredDatabase(config);
      loadFhirDefinitions();
      const { store, audit } = createStore(database.db, { ...districtRules(config), mpiBroadBlockSize: config.mpiBroadBlockSize });
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'import |{bar}| {percentage}% | {rate} resources/s | {rejected} rejected', hideCursor: true }) : undefined;
      bar?.start(total, 0, { rate: 0, rejected: 0 });
      let done = 0;
      async function* counted() {
        for await (const line of readNdjson(files)) {
          done += Buffer.byteLength(line.text) + 1;
          yield line;
        }
      }
      try {
        const stats = await importResources(store, { actor: 'system:import' }, counted(), {
          batchSize: Number(opts.batch),
          concurrency,
          onProblem: (p) => {
            bar?.stop();
            process.stderr.write(`${p.where}: ${p.reason}\n`);
            bar?.start(total, done);
          },
          onProgress: (s) => bar?.update(done, { rate: Math.round(s.read / Math.max(s.seconds, 0.001)), rejected: s.rejected }),
        });
        bar?.stop();
        const cpu = process.cpuUsage();
        console.log(
          `read ${stats.read}, created ${stats.created}, updated ${stats.updated}, unchanged ${stats.unchanged}, rejected ${stats.rejected} in ${stats.seconds.toFixed(1)} s (${Math.round(stats.read / Math.max(stats.seconds, 0.001))} resources/s; this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${concurrency} lane${concurrency > 1 ? 's' : ''})`,
        );
        if (stats.rejected > 0) process.exitCode = 1;
      } finally {
        await audit.close();
        await database.close();
      }
    });
}
