/**
 * A district's own follow-up rules (HB_CHRONIC_RULES=path): a JSON file overriding some thresholds
 * of the national standard (NATIONAL_RULES, follow-up-rules.ts), e.g.
 *   { "bpTarget": { "sbp": 130, "dbp": 80 }, "recheckDays": 7 }
 * Every field is optional (absent = the national value, a nested object may give one member only);
 * an unknown field, a value of the wrong type or out of range stops the server at start with one
 * line naming the file and the field. The rules drive the registry (control, urgent, referral,
 * next due date, hence the work lists); the cohort indicators keep the published definitions
 * (Simple / BPHS 2017), so districts stay comparable. lostAfterMonths is not configurable: the
 * work lists and indicators define "lost" as 12 months (Simple) in SQL.
 */
import { readFileSync } from 'node:fs';
import { NATIONAL_RULES, configureRules, type FollowUpRules } from './follow-up-rules.js';

/** Allowed range and integer-ness of each configurable number (sanity bounds, not clinical advice). */
const FIELDS: Record<string, { min: number; max: number; integer?: boolean }> = {
  followUpsPerYear: { min: 1, max: 52, integer: true },
  'bpTarget.sbp': { min: 100, max: 200 },
  'bpTarget.dbp': { min: 60, max: 120 },
  elderlyAge: { min: 50, max: 100, integer: true },
  'bpTargetElderly.sbp': { min: 100, max: 200 },
  'bpTargetElderly.dbp': { min: 60, max: 120 },
  glucoseTarget: { min: 4, max: 15 },
  'urgent.sbp': { min: 140, max: 300 },
  'urgent.dbp': { min: 90, max: 200 },
  'urgent.glucoseHigh': { min: 8, max: 40 },
  'urgent.glucoseLow': { min: 1, max: 6 },
  recheckDays: { min: 1, max: 90, integer: true },
  referralAfter: { min: 1, max: 10, integer: true },
};
const NESTED = new Set(['bpTarget', 'bpTargetElderly', 'urgent']);

function fail(source: string, field: string, message: string): never {
  throw new Error(`${source}: ${field}: ${message}`);
}

function checkNumber(source: string, field: string, value: unknown): number {
  const spec = FIELDS[field];
  if (!spec) fail(source, field, `not a configurable rule (configurable: ${Object.keys(FIELDS).join(', ')})`);
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(source, field, 'must be a number');
  if (spec.integer && !Number.isInteger(value)) fail(source, field, 'must be a whole number');
  if (value < spec.min || value > spec.max) fail(source, field, `must be ${spec.min}–${spec.max}, got ${value}`);
  return value;
}

/**
 * The rules from a parsed JSON document (`source` names it in errors): the national standard with
 * the document's fields over it, checked for range and for sense (configureRules).
 */
export function parseFollowUpRules(doc: unknown, source: string): FollowUpRules {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail(source, '(root)', 'must be a JSON object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (key === '$comment' || key === 'source') {
      if (typeof value !== 'string') fail(source, key, 'must be text');
      continue;
    }
    if (NESTED.has(key)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) fail(source, key, 'must be an object');
      const base = NATIONAL_RULES[key as 'bpTarget' | 'bpTargetElderly' | 'urgent'] as unknown as Record<string, number>;
      const merged: Record<string, number> = { ...base };
      for (const [member, v] of Object.entries(value as Record<string, unknown>)) merged[member] = checkNumber(source, `${key}.${member}`, v);
      out[key] = merged;
    } else {
      out[key] = checkNumber(source, key, value);
    }
  }
  const rules = { ...NATIONAL_RULES, ...out } as FollowUpRules;
  if (!(rules.bpTarget.sbp > rules.bpTarget.dbp)) fail(source, 'bpTarget', 'sbp must be above dbp');
  if (!(rules.bpTargetElderly.sbp > rules.bpTargetElderly.dbp)) fail(source, 'bpTargetElderly', 'sbp must be above dbp');
  if (!(rules.bpTarget.dbp < rules.urgent.dbp && rules.bpTargetElderly.dbp < rules.urgent.dbp)) fail(source, 'urgent.dbp', 'must be above the BP targets');
  if (!(rules.bpTarget.sbp < rules.urgent.sbp && rules.bpTargetElderly.sbp < rules.urgent.sbp)) fail(source, 'urgent.sbp', 'must be above the BP targets');
  if (!(rules.urgent.glucoseLow < rules.glucoseTarget && rules.glucoseTarget < rules.urgent.glucoseHigh)) fail(source, 'glucoseTarget', 'must lie between urgent.glucoseLow and urgent.glucoseHigh');
  return configureRules(rules);
}

/** Reads and checks a rules file (HB_CHRONIC_RULES); throws one line naming the file and the field. */
export function loadFollowUpRules(path: string): FollowUpRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read the chronic-care rules file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return parseFollowUpRules(doc, path);
}
