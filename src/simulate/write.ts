/**
 * Writes a simulation to a directory: `<Type>.ndjson` (one FHIR resource per line) per resource type,
 * and `truth/<table>.csv` (RFC 4180, header row) per ground-truth table.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import type { ProgressCallback, SimulationOptions } from './options.js';
import { simulateDistrict, type SimulationSummary } from './simulate.js';

/** Buffers lines and writes them in ~256 KiB chunks, waiting for 'drain' when the stream is full. */
class LineFile {
  private buffer: string[] = [];
  private size = 0;
  readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  write(line: string): Promise<void> | undefined {
    this.buffer.push(line);
    this.size += line.length;
    return this.size >= 1 << 18 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Runs {@link simulateDistrict} and writes its output under `outDir` (created if missing; files of
 * the same name are overwritten). Returns the summary with per-type resource counts.
 */
export async function writeSimulationToDirectory(options: SimulationOptions, outDir: string, onProgress?: ProgressCallback): Promise<SimulationSummary> {
  await mkdir(join(outDir, 'truth'), { recursive: true });
  const files = new Map<string, LineFile>();
  const headers = new Map<string, string[]>();
  const open = (key: string, path: () => string): LineFile => {
    let f = files.get(key);
    if (!f) {
      f = new LineFile(path());
      files.set(key, f);
    }
    return f;
  };
  try {
    const summary = await simulateDistrict(
      options,
      {
        resource(r: Resource) {
          return open(r.resourceType, () => join(outDir, `${r.resourceType}.ndjson`)).write(`${JSON.stringify(r)}\n`);
        },
        truth(table, row) {
          const file = open(`truth/${table}`, () => join(outDir, 'truth', `${table}.csv`));
          let header = headers.get(table);
          if (!header) {
            header = Object.keys(row);
            headers.set(table, header);
            file.write(`${header.map(csvField).join(',')}\n`);
          }
          return file.write(`${header.map((k) => csvField(row[k] ?? '')).join(',')}\n`);
        },
      },
      onProgress,
    );
    return summary;
  } finally {
    for (const f of files.values()) await f.close();
  }
}
