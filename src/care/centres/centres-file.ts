/** Reads a district's centres file (JSON array, the shape of DEFAULT_CENTRES); errors name the file and the field. */
import { readFileSync } from 'node:fs';
import { parseCentresConfig, type CentreDefinition } from './centres-config.js';

export function loadCentresFile(path: string): CentreDefinition[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`cannot read centres file ${path}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message})`);
  }
  try {
    return parseCentresConfig(value);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}
