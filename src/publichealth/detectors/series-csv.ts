/**
 * The count-series CSV exchanged with epidemiologists (the `detect` command's input and output).
 * Input: header `period,count`, one row per day (frequency 365) or week (52, period = the week's
 * first day), ISO dates, contiguous, counts non-negative whole numbers. Output: header
 * `period,observed,threshold,alarm`. Pure: text in, values out.
 */
import type { CountSeries, DetectionRow, Frequency } from './types.js';

/** A validation failure; `line` is the 1-based line of the CSV text at fault. */
export class SeriesCsvError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'SeriesCsvError';
  }
}

/** A parsed series with the period label of every observation. */
export interface ParsedSeries {
  readonly periods: readonly string[];
  readonly series: CountSeries;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date, or null if it is not a real calendar date. */
export function isoDay(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** ISO date of a day number (inverse of {@link isoDay}). */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The period that must follow `day` at the given frequency (monthly: same day of the next month). */
function nextPeriod(day: number, frequency: Frequency): number {
  if (frequency === 365) return day + 1;
  if (frequency === 52) return day + 7;
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) / DAY_MS;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).trim() : f;
}

/**
 * Parses and validates a `period,count` CSV (extra columns are ignored; blank lines are skipped).
 * @throws SeriesCsvError naming the line: missing column, bad date, gap or disorder in the
 *   periods, empty, non-integer or negative count, no data rows
 */
export function parseSeriesCsv(text: string, frequency: Frequency): ParsedSeries {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new SeriesCsvError(1, 'empty input, expected the header period,count');
  const header = lines[headerAt].split(',').map((h) => unquote(h).toLowerCase());
  for (const col of ['period', 'count']) {
    if (!header.includes(col)) {
      throw new SeriesCsvError(headerAt + 1, `missing column "${col}" (the header must be period,count)`);
    }
  }
  const iPeriod = header.indexOf('period');
  const iCount = header.indexOf('count');
  const periods: string[] = [];
  const observed: number[] = [];
  let previous: number | null = null;
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const lineNo = i + 1;
    const fields = lines[i].split(',').map(unquote);
    if (fields.length !== header.length) throw new SeriesCsvError(lineNo, `expected ${header.length} fields, got ${fields.length}`);
    const period = fields[iPeriod];
    const day = isoDay(period);
    if (day === null) throw new SeriesCsvError(lineNo, `period "${period}" is not an ISO date (YYYY-MM-DD)`);
    if (previous !== null) {
      const expected = nextPeriod(previous, frequency);
      if (day !== expected) {
        const what = day > expected ? 'gap in periods' : 'periods out of order or repeated';
        throw new SeriesCsvError(lineNo, `${what}: expected ${isoDate(expected)} after ${isoDate(previous)}, got ${period}`);
      }
    }
    observed.push(parseCount(fields[iCount], lineNo));
    periods.push(period);
    previous = day;
  }
  if (observed.length === 0) throw new SeriesCsvError(headerAt + 2, 'no data rows after the header');
  return { periods, series: { observed, frequency } };
}

function parseCount(field: string, lineNo: number): number {
  if (field === '') throw new SeriesCsvError(lineNo, 'count is empty');
  const value = Number(field);
  if (!/^[+-]?\d+(\.0*)?$/.test(field) || !Number.isFinite(value)) {
    throw new SeriesCsvError(lineNo, `count "${field}" is not a whole number`);
  }
  if (value < 0) throw new SeriesCsvError(lineNo, `count ${field} is negative`);
  return value;
}

/** Index of a period label in the series, or −1. */
export function periodIndex(parsed: ParsedSeries, period: string): number {
  return parsed.periods.indexOf(period);
}

/** Threshold as CSV text: 10 significant digits, empty for null (R's NA). */
function formatNumber(v: number | null): string {
  if (v === null || Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  return String(Number(v.toPrecision(10)));
}

/** Formats detector rows as `period,observed,threshold,alarm` CSV (trailing newline). */
export function formatDetectionCsv(rows: readonly DetectionRow[], periods: readonly string[]): string {
  const out = ['period,observed,threshold,alarm'];
  for (const r of rows) out.push(`${periods[r.index]},${r.observed},${formatNumber(r.threshold)},${r.alarm ? 1 : 0}`);
  return out.join('\n') + '\n';
}
