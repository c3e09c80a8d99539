/**
 * Batch dedupe of a Patient NDJSON file and its evaluation against ground truth — the reusable
 * core of `healthy-brain mpi dedupe|evaluate` (and of the benchmark). Files in, cluster labels
 * out; the matching itself is pure (./pure/batch-dedupe.ts).
 */
import { createReadStream, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  dedupeRecords,
  pairwiseMetrics,
  type DedupeOptions,
  type DedupePhase,
  type DedupeResult,
  type FeatureOptions,
  type PairwiseMetrics,
} from './pure/index.js';
import { readPatientRecords, type InputProblem } from './patient-source.js';

/** Options of {@link dedupeFile}. */
export interface DedupeFileOptions extends Omit<DedupeOptions, 'onProgress'>, FeatureOptions {
  /** Progress: phase ('read' counts bytes), done, total. */
  onProgress?: (phase: 'read' | DedupePhase, done: number, total: number) => void;
}

/** Result of {@link dedupeFile}. */
export interface DedupeFileResult extends DedupeResult {
  /** Patient ids, in input order (one per accepted line). */
  ids: string[];
  /** Input line number of each id. */
  lines: number[];
  /** Person label of each id ('P' + cluster number). */
  labels: string[];
  problems: InputProblem[];
  linesRead: number;
  /** Seconds spent reading and matching. */
  seconds: { read: number; match: number };
}

/** Person label of a cluster number: P0000001 … (stable for the same input and options). */
export function personLabel(cluster: number): string {
  return `P${String(cluster + 1).padStart(7, '0')}`;
}

/**
 * Read a Patient NDJSON file and deduplicate it.
 * @param input path of the NDJSON file
 * @param opts model/fit options, identifier systems, progress
 */
export async function dedupeFile(input: string, opts: DedupeFileOptions = {}): Promise<DedupeFileResult> {
  const t0 = performance.now();
  const size = statSync(input).size;
  const read = await readPatientRecords(input, { ...opts, onProgress: (b) => opts.onProgress?.('read', b, size) });
  const t1 = performance.now();
  const result = dedupeRecords(read.records, { ...opts, onProgress: opts.onProgress });
  const t2 = performance.now();
  return {
    ...result,
    ids: read.records.map((r) => r.id),
    lines: read.lines,
    labels: Array.from(result.cluster, personLabel),
    problems: read.problems,
    linesRead: read.linesRead,
    seconds: { read: (t1 - t0) / 1000, match: (t2 - t1) / 1000 },
  };
}

/** Quote a CSV field when needed (RFC 4180 §2.6–2.7). */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The `id,person` CSV of a dedupe (RFC 4180, CRLF-free, header first). */
export function clustersCsv(ids: readonly string[], labels: readonly string[]): string {
  const rows = ['id,person'];
  for (let i = 0; i < ids.length; i++) rows.push(`${csvField(ids[i])},${csvField(labels[i])}`);
  return rows.join('\n') + '\n';
}

/** Write the `id,person` CSV. */
export async function writeClustersCsv(path: string, ids: readonly string[], labels: readonly string[]): Promise<void> {
  await writeFile(path, clustersCsv(ids, labels), 'utf8');
}

/** Split one CSV line into fields (RFC 4180 quoting; fields do not span lines here). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/**
 * Read a CSV with `id` and `person` columns (any order, other columns ignored) into id → person.
 * @throws Error naming the file when the header lacks either column
 */
export async function readClustersCsv(path: string): Promise<Map<string, string>> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  const out = new Map<string, string>();
  let idCol = -1;
  let personCol = -1;
  let header = true;
  for await (const raw of rl) {
    const line = raw.replace(/^\uFEFF/, '');
    if (!line.trim()) continue;
    const fields = parseCsvLine(line);
    if (header) {
      idCol = fields.indexOf('id');
      personCol = fields.indexOf('person');
      if (idCol < 0 || personCol < 0) throw new Error(`${path}: header must have "id" and "person" columns, got "${line}"`);
      header = false;
      continue;
    }
    if (fields[idCol] !== undefined && fields[personCol] !== undefined) out.set(fields[idCol], fields[personCol]);
  }
  return out;
}

/** Result of {@link evaluateFile}. */
export interface EvaluationResult {
  dedupe: DedupeFileResult;
  metrics: PairwiseMetrics;
  /** Input ids the truth does not list (not evaluated). */
  unknownIds: number;
}

/**
 * Dedupe a file and score the clustering against a truth CSV (`id,person`), pairwise.
 * @param input Patient NDJSON
 * @param truthPath truth CSV
 */
export async function evaluateFile(input: string, truthPath: string, opts: DedupeFileOptions = {}): Promise<EvaluationResult> {
  const truth = await readClustersCsv(truthPath);
  const dedupe = await dedupeFile(input, opts);
  const predicted = new Map<string, string>();
  dedupe.ids.forEach((id, i) => predicted.set(id, dedupe.labels[i]));
  const metrics = pairwiseMetrics(predicted, truth);
  return { dedupe, metrics, unknownIds: metrics.missingFromTruth };
}
