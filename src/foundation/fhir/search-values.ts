/**
 * Parsing of search values (FHIR R4 §3.1.1.4): date ranges by precision, numbers with their
 * implicit precision range, token and reference forms. Pure; errors name the parameter.
 */
import { fail } from './outcomes.js';

/** Inclusive instant range of a date search value, by its precision (R4 §3.1.1.4.2). */
export function dateRange(value: string, param: string): { low: Date; high: Date } {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(value);
  if (!m) fail(`Invalid date '${value.slice(0, 40)}' for search parameter '${param}'`, param);
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  if (month > 11 || day < 1 || day > 31 || (h && Number(h) > 23) || (mi && Number(mi) > 59) || (s && Number(s) > 59)) {
    fail(`Invalid date '${value}' for search parameter '${param}'`, param);
  }
  if (h === undefined) {
    const low = new Date(Date.UTC(year, month, day));
    if (d && low.getUTCDate() !== day) fail(`Invalid date '${value}' for search parameter '${param}'`, param);
    const next = d ? Date.UTC(year, month, day + 1) : mo ? Date.UTC(year, month + 1, 1) : Date.UTC(year + 1, 0, 1);
    return { low, high: new Date(next - 1) };
  }
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${frac ?? ''}${tz ?? 'Z'}`;
  const low = new Date(iso);
  if (Number.isNaN(low.getTime())) fail(`Invalid date '${value}' for search parameter '${param}'`, param);
  const span = s === undefined ? 60_000 : frac ? 1 : 1000;
  return { low, high: new Date(low.getTime() + span - 1) };
}

/** A number and the half-width of its implicit precision (R4 §3.1.1.4.1: 100 means [99.5, 100.5)). */
export function numberRange(text: string, param: string): { value: number; low: number; high: number } {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(`Invalid number '${text.slice(0, 40)}' for search parameter '${param}'`, param);
  const value = Number(text);
  const mantissa = text.replace(/[eE].*$/, '');
  const exponent = /[eE]([+-]?\d+)$/.exec(text)?.[1];
  const decimals = mantissa.includes('.') ? mantissa.length - mantissa.indexOf('.') - 1 : 0;
  const half = 0.5 * Math.pow(10, -decimals + (exponent ? Number(exponent) : 0));
  return { value, low: value - half, high: value + half };
}

export const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type Prefix = (typeof PREFIXES)[number];

/** Splits a comma-separated OR list, honouring `\,` escapes (R4 §3.1.1.5.7). */
export function splitOr(value: string): string[] {
  return value
    .split(/(?<!\\),/)
    .map((v) => v.replace(/\\,/g, ','))
    .filter((v) => v.length > 0);
}

/** `system|code`, `|code`, `system|` or `code`. */
export function parseToken(value: string): { system: string | null | undefined; code: string | undefined } {
  const bar = value.indexOf('|');
  if (bar < 0) return { system: undefined, code: value };
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  return { system: system === '' ? null : system, code: code === '' ? undefined : code };
}

/** `Type/id`, `id`, or an absolute URL ending in Type/id. */
export function parseReferenceValue(value: string): { type?: string; id: string; url?: string } {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(value);
  if (m) return { type: m[1], id: m[2], url: /^https?:/.test(value) ? value : undefined };
  return { id: value };
}
