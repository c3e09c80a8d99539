/** `healthy-brain import DIR|FILE.ndjson`: bulk-load FHIR NDJSON (idempotent, resumable). */
import { SingleBar } from 'cli-progress';
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { loadFhirDefinitions } from '../../foundation/fhir/index.js';
import { importResources, ndjsonFiles, readNdjson } from '../../foundation/ingest/index.js';
import { createStore, loadConfig, openConfiguredDatabase } from '../../server/index.js';

async function countLines(files: string[]): Promise<number> {
  let n = 0;
  for (const file of files) {
    for await (const chunk of createReadStream(file)) {
      for (let i = 0; i < (chunk as Buffer).length; i++) if ((chunk as Buffer)[i] === 10) n++;
    }
  }
  return n;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('bulk-load FHIR NDJSON files (one resource per line, ids kept); re-running adds nothing')
    .argument('<path>', 'a directory of *.ndjson files (loaded in dependency order) or one .ndjson file')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .option('--batch <n>', 'resources per transaction', '1000')
    .action(async (path: string, opts: { data?: string; databaseUrl?: string; batch: string }) => {
      const config = loadConfig(process.env, { dataDir: opts.data, databaseUrl: opts.databaseUrl, logLevel: 'warn' });
      const files = ndjsonFiles(path);
      const total = await countLines(files);
      const database = await openConfiguredDatabase(config);
      loadFhirDefinitions();
      const { store, audit } = createStore(database.db);
      const bar = process.stderr.isTTY ? new SingleBar({ format: 'import |{bar}| {percentage}% {value}/{total} lines | {rate} resources/s | {rejected} rejected', hideCursor: true }) : undefined;
      bar?.start(total, 0, { rate: 0, rejected: 0 });
      let done = 0;
      try {
        const stats = await importResources(store, { actor: 'system:import' }, readNdjson(files), {
          batchSize: Number(opts.batch),
          onProblem: (p) => {
            bar?.stop();
            process.stderr.write(`${p.where}: ${p.reason}\n`);
            bar?.start(total, done);
          },
          onProgress: (s) => bar?.update((done = s.read), { rate: Math.round(s.read / Math.max(s.seconds, 0.001)), rejected: s.rejected }),
        });
        bar?.stop();
        console.log(
          `read ${stats.read}, created ${stats.created}, updated ${stats.updated}, unchanged ${stats.unchanged}, rejected ${stats.rejected} in ${stats.seconds.toFixed(1)} s (${Math.round(stats.read / Math.max(stats.seconds, 0.001))} resources/s)`,
        );
        if (stats.rejected > 0) process.exitCode = 1;
      } finally {
        await audit.close();
        await database.close();
      }
    });
}
