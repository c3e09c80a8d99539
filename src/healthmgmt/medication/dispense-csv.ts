/**
 * CSV of dispenses for the adherence command: header `patient,drug,class,date,days_supply`;
 * output `patient,pdc,mpr,adherent`. Errors name the line (1-based, header = line 1).
 */
import type { AdherenceResult, Fill } from './adherence.js';

export class DispenseCsvError extends Error {}

const HEADER = ['patient', 'drug', 'class', 'date', 'days_supply'];

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Parses the dispense CSV; throws DispenseCsvError naming the line of the first problem. */
export function parseDispenseCsv(text: string, name = 'input'): Fill[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const missing = HEADER.filter((h) => !header.includes(h));
  if (missing.length) throw new DispenseCsvError(`${name}:1: missing column ${missing.map((m) => `'${m}'`).join(', ')} (header must be ${HEADER.join(',')})`);
  const col = Object.fromEntries(HEADER.map((h) => [h, header.indexOf(h)]));
  const fills: Fill[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = lines[i].split(',').map((c) => c.trim());
    const at = `${name}:${i + 1}`;
    if (cells.length !== header.length) throw new DispenseCsvError(`${at}: expected ${header.length} fields, found ${cells.length}`);
    const [patient, drug, drugClass, date, supply] = HEADER.map((h) => cells[col[h]]);
    if (!patient) throw new DispenseCsvError(`${at}: empty patient`);
    if (!drug) throw new DispenseCsvError(`${at}: empty drug`);
    if (!drugClass) throw new DispenseCsvError(`${at}: empty class`);
    if (!isIsoDate(date)) throw new DispenseCsvError(`${at}: date '${date}' is not a valid YYYY-MM-DD date`);
    if (!/^\d+$/.test(supply) || Number(supply) < 1) throw new DispenseCsvError(`${at}: days_supply '${supply}' must be a positive whole number`);
    fills.push({ patient, drug, drugClass, date, daysSupply: Number(supply) });
  }
  return fills;
}

/** Validates a --from/--to date. */
export function assertIsoDate(text: string, flag: string): void {
  if (!isIsoDate(text)) throw new DispenseCsvError(`${flag} '${text}' is not a valid YYYY-MM-DD date`);
}

const decimal = (x: number | null) => (x === null ? '' : String(Number(x.toFixed(6))));

/** `patient,pdc,mpr,adherent` rows. */
export function formatAdherenceCsv(rows: readonly AdherenceResult[]): string {
  return ['patient,pdc,mpr,adherent', ...rows.map((r) => `${r.patient},${decimal(r.pdc)},${decimal(r.mpr)},${r.adherent === null ? '' : r.adherent ? 1 : 0}`)].join('\n') + '\n';
}
