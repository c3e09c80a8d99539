import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIONAL_RULES, assessPatient } from './follow-up-rules.js';
import { loadFollowUpRules, parseFollowUpRules } from './rules-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hb-rules-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('district follow-up rules (HB_CHRONIC_RULES)', () => {
  it('overrides the given fields over the national standard, nested members one by one', () => {
    const rules = loadFollowUpRules(file('district.json', JSON.stringify({ $comment: 'Xiaoshan 2026', bpTarget: { sbp: 130 }, recheckDays: 7, urgent: { glucoseHigh: 13.9 } })));
    expect(rules.bpTarget).toEqual({ sbp: 130, dbp: 90 });
    expect(rules.recheckDays).toBe(7);
    expect(rules.urgent).toEqual({ ...NATIONAL_RULES.urgent, glucoseHigh: 13.9 });
    expect(rules.followUpsPerYear).toBe(NATIONAL_RULES.followUpsPerYear);
    expect(NATIONAL_RULES.bpTarget).toEqual({ sbp: 140, dbp: 90 }); // the standard itself is untouched
    // The rules change the assessment: 135/85 is uncontrolled under 130/90, recheck in 7 days.
    const a = assessPatient({ category: 'hypertension', birthDate: '1970-01-01', deceased: null, since: '2025-01-01', followUps: ['2025-06-01'], readings: [{ date: '2025-06-01', sbp: 135, dbp: 85 }] }, rules);
    expect(a.control).toBe('uncontrolled');
    expect(a.nextDue).toBe('2025-06-08');
    expect(assessPatient({ category: 'hypertension', birthDate: '1970-01-01', deceased: null, since: '2025-01-01', followUps: ['2025-06-01'], readings: [{ date: '2025-06-01', sbp: 135, dbp: 85 }] }).control).toBe('controlled');
  });

  it('an empty object is the national standard', () => {
    expect(parseFollowUpRules({}, 'x.json')).toEqual(NATIONAL_RULES);
  });

  it('refuses a bad file with one line naming the file and the field', () => {
    const cases: [string, RegExp][] = [
      ['{"recheckDays": 0}', /^.*bad\.json: recheckDays: must be 1–90, got 0$/],
      ['{"recheckDays": 7.5}', /bad\.json: recheckDays: must be a whole number$/],
      ['{"bpTarget": {"sbp": "140"}}', /bad\.json: bpTarget\.sbp: must be a number$/],
      ['{"bpTarget": {"systolic": 130}}', /bad\.json: bpTarget\.systolic: not a configurable rule/],
      ['{"lostAfterMonths": 6}', /bad\.json: lostAfterMonths: not a configurable rule/],
      ['{"bpTarget": 130}', /bad\.json: bpTarget: must be an object$/],
      ['{"glucoseTarget": 4.5, "urgent": {"glucoseLow": 5}}', /bad\.json: glucoseTarget: must lie between urgent\.glucoseLow and urgent\.glucoseHigh$/],
      ['{"bpTarget": {"sbp": 100, "dbp": 110}}', /bad\.json: bpTarget: sbp must be above dbp$/],
      ['{"urgent": {"sbp": 145}, "bpTargetElderly": {"sbp": 150}}', /bad\.json: urgent\.sbp: must be above the BP targets$/],
      ['[1]', /bad\.json: \(root\): must be a JSON object$/],
      ['{"recheckDays": 7,}', /bad\.json: not valid JSON/],
    ];
    for (const [text, message] of cases) {
      let error: Error | undefined;
      try {
        loadFollowUpRules(file('bad.json', text));
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message, text).toMatch(message);
      expect(error?.message.includes('\n'), text).toBe(false);
    }
    expect(() => loadFollowUpRules(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the chronic-care rules file \(ENOENT\)/);
  });
});
