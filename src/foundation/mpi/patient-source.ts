/**
 * Reading Patients for batch matching: FHIR Patient NDJSON (FHIR Bulk Data format, one resource a
 * line) → matching records, every problem named with its line number. Nothing here throws on bad
 * data: a broken line is skipped and reported, a Patient without a name is matched on what it
 * has, a malformed resident ID is kept as sent and flagged (never corrected).
 */
import type { Patient } from '@medplum/fhirtypes';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { extractMatchRecord, normaliseName, validateResidentId, type FeatureOptions, type MatchRecord } from './pure/index.js';
import { RESIDENT_ID_SYSTEM, RESIDENT_ID_TYPE_CODE } from '../fhir/index.js';

/** A problem with one input line. 'error': the line was skipped; 'warning': kept and flagged. */
export interface InputProblem {
  line: number;
  severity: 'error' | 'warning';
  /** Patient.id when known. */
  id?: string;
  message: string;
}

/** What {@link readPatientRecords} returns. */
export interface PatientRecords {
  /** One record per accepted Patient, in input order. */
  records: MatchRecord[];
  /** Input line of each record. */
  lines: number[];
  problems: InputProblem[];
  /** Non-empty lines read. */
  linesRead: number;
}

/** Options of the reader. */
export interface ReadOptions extends FeatureOptions {
  /** Called every 1000 lines and at the end with the bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function emptyRecord(id: string): MatchRecord {
  return { id, name: normaliseName({}), residentIdStatus: 'absent', phones: [], addressTokens: [] };
}

/** Flags of a record that is kept: nameless, malformed resident ID. */
function warningsOf(patient: Patient, rec: MatchRecord, opts: FeatureOptions): string[] {
  const out: string[] = [];
  if (!rec.name.pinyin && !rec.name.chars) out.push('Patient has no usable name: matched on its other fields');
  if (rec.residentIdStatus === 'invalid') {
    const systems = opts.residentIdSystems ?? [RESIDENT_ID_SYSTEM];
    const sent = (patient.identifier ?? []).find(
      (i) => i.value && ((i.system && systems.includes(i.system)) || (i.type?.coding ?? []).some((c) => c.code === RESIDENT_ID_TYPE_CODE)),
    );
    const check = sent?.value ? validateResidentId(sent.value, opts.asOf ? { notAfter: opts.asOf } : {}) : undefined;
    const why = check && !check.valid ? check.problem : 'invalid';
    out.push(`resident ID "${sent?.value ?? ''}" is malformed (${why}): kept as sent, compared but not used for blocking or the cluster ID guard`);
  }
  return out;
}

/**
 * Turn one NDJSON line into a matching record, or say why not.
 * @param text the line
 * @param line its 1-based number
 * @param seen ids already read (a repeated id is skipped: the output has one row per id)
 */
export function parsePatientLine(
  text: string,
  line: number,
  seen: Set<string>,
  opts: FeatureOptions = {},
): { record?: MatchRecord; problems: InputProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problems: [{ line, severity: 'error', message: `malformed JSON (${(err as Error).message}): line skipped` }] };
  }
  if (!isObject(value) || value.resourceType !== 'Patient') {
    const type = isObject(value) && typeof value.resourceType === 'string' ? value.resourceType : typeof value;
    return { problems: [{ line, severity: 'error', message: `not a Patient (${type}): line skipped` }] };
  }
  const id = typeof value.id === 'string' ? value.id.trim() : '';
  if (!id) return { problems: [{ line, severity: 'error', message: 'Patient has no id: line skipped (the output is keyed by id)' }] };
  if (seen.has(id)) return { problems: [{ line, severity: 'error', id, message: `Patient id "${id}" repeats an earlier line: line skipped` }] };
  seen.add(id);
  const patient = value as unknown as Patient;
  try {
    const record = extractMatchRecord(patient, opts);
    record.id = id;
    return { record, problems: warningsOf(patient, record, opts).map((message) => ({ line, severity: 'warning', id, message })) };
  } catch (err) {
    // Structurally odd resources (a name that is not an array …): keep the id, match on nothing.
    return {
      record: emptyRecord(id),
      problems: [{ line, severity: 'warning', id, message: `Patient could not be read (${(err as Error).message}): kept as a record of its own` }],
    };
  }
}

/**
 * Read an NDJSON file of Patients into matching records.
 * @param file path of the NDJSON file
 * @param opts identifier systems, reference date, progress callback
 */
export async function readPatientRecords(file: string, opts: ReadOptions = {}): Promise<PatientRecords> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  const out: PatientRecords = { records: [], lines: [], problems: [], linesRead: 0 };
  const seen = new Set<string>();
  let line = 0;
  for await (const raw of rl) {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw; // tolerate a byte-order mark
    if (!text.trim()) continue;
    out.linesRead++;
    const r = parsePatientLine(text, line, seen, opts);
    out.problems.push(...r.problems);
    if (r.record) {
      out.records.push(r.record);
      out.lines.push(line);
    }
    if (line % 1000 === 0) opts.onProgress?.(stream.bytesRead);
  }
  opts.onProgress?.(stream.bytesRead);
  return out;
}
