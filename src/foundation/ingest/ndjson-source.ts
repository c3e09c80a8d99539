/**
 * NDJSON input (FHIR Bulk Data format: one resource per line): the files of a directory in
 * dependency order, read line by line with their line numbers, memory flat in file size.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';

/** Types that others refer to load first; the rest follow alphabetically. */
export const DEPENDENCY_ORDER = ['Location', 'Organization', 'Practitioner', 'PractitionerRole', 'CareTeam', 'Patient', 'Group', 'EpisodeOfCare', 'Encounter', 'Condition', 'Medication', 'MedicationRequest', 'ServiceRequest', 'Observation'];

export interface SourceLine {
  file: string;
  line: number;
  text: string;
}

function rank(file: string): [number, string] {
  const type = basename(file).replace(/\.ndjson$/, '').split('.')[0];
  const i = DEPENDENCY_ORDER.indexOf(type);
  return [i < 0 ? DEPENDENCY_ORDER.length : i, basename(file)];
}

/** NDJSON files of `path` (a file, or a directory's *.ndjson) in dependency order. */
export function ndjsonFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => f.endsWith('.ndjson'))
    .map((f) => join(path, f))
    .sort((a, b) => {
      const [ra, na] = rank(a);
      const [rb, nb] = rank(b);
      return ra - rb || na.localeCompare(nb);
    });
}

/** Non-empty lines of the files, with their 1-based line numbers. */
export async function* readNdjson(files: readonly string[]): AsyncGenerator<SourceLine> {
  for (const file of files) {
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let line = 0;
    for await (const text of rl) {
      line++;
      if (text.trim()) yield { file, line, text };
    }
  }
}
