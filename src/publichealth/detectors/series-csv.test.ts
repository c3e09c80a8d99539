import { describe, expect, it } from 'vitest';
import { formatDetectionCsv, isoDate, isoDay, parseSeriesCsv, SeriesCsvError } from './series-csv.js';

function failure(text: string, frequency: 52 | 365 = 52): SeriesCsvError {
  try {
    parseSeriesCsv(text, frequency);
  } catch (e) {
    if (e instanceof SeriesCsvError) return e;
    throw e;
  }
  throw new Error('expected a SeriesCsvError');
}

describe('parseSeriesCsv', () => {
  it('reads weekly and daily series, ignoring extra columns, quotes, CRLF and blank lines', () => {
    const weekly = parseSeriesCsv('period,count\r\n2024-01-01,3\r\n2024-01-08,0\r\n\r\n', 52);
    expect(weekly.periods).toEqual(['2024-01-01', '2024-01-08']);
    expect(weekly.series).toEqual({ observed: [3, 0], frequency: 52 });
    const daily = parseSeriesCsv('"count","period",note\n1,"2024-02-28",a\n2,2024-02-29,b\n0,2024-03-01,c\n', 365);
    expect(daily.series.observed).toEqual([1, 2, 0]);
  });

  it.each([
    ['period,cases\n2024-01-01,1\n', 1, 'missing column "count"'],
    ['\n\ncount\n1\n', 3, 'missing column "period"'],
    ['period,count\n2024-01-01,1\n2024-01-15,1\n', 3, 'gap in periods: expected 2024-01-08 after 2024-01-01, got 2024-01-15'],
    ['period,count\n2024-01-08,1\n2024-01-01,1\n', 3, 'periods out of order or repeated'],
    ['period,count\n2024-01-01,-1\n', 2, 'count -1 is negative'],
    ['period,count\n2024-01-01,2.5\n', 2, 'count "2.5" is not a whole number'],
    ['period,count\n2024-01-01,\n', 2, 'count is empty'],
    ['period,count\n2024-01-01,1,2\n', 2, 'expected 2 fields, got 3'],
    ['period,count\n01/02/2024,1\n', 2, 'is not an ISO date'],
    ['period,count\n', 2, 'no data rows'],
  ])('rejects %j at line %i', (text, line, detail) => {
    const e = failure(text);
    expect(e.line).toBe(line);
    expect(e.message).toContain(`line ${line}: `);
    expect(e.message).toContain(detail);
    expect(e.message).not.toContain('\n');
  });

  it('checks daily contiguity', () => {
    expect(failure('period,count\n2024-02-28,1\n2024-03-01,1\n', 365).message).toBe(
      'line 3: gap in periods: expected 2024-02-29 after 2024-02-28, got 2024-03-01',
    );
  });
});

describe('dates and output', () => {
  it('round-trips ISO dates and rejects impossible ones', () => {
    expect(isoDay('1970-01-02')).toBe(1);
    expect(isoDate(isoDay('2024-02-29')!)).toBe('2024-02-29');
    expect(isoDay('2023-02-29')).toBeNull();
  });

  it('formats rows with empty thresholds for NA and 1/0 alarms', () => {
    const csv = formatDetectionCsv(
      [
        { index: 0, observed: 3, threshold: 2.123456789012, alarm: true },
        { index: 1, observed: 0, threshold: null, alarm: false },
      ],
      ['2024-01-01', '2024-01-08'],
    );
    expect(csv).toBe('period,observed,threshold,alarm\n2024-01-01,3,2.123456789,1\n2024-01-08,0,,0\n');
  });
});
