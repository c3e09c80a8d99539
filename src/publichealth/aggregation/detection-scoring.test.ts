import { describe, expect, it } from 'vitest';
import { addScores, emptyScore, median, scoreDetection, type AlarmSeries } from './index.js';

const daily = (area: string, alarms: number[], from = 0, firstDay = 100): AlarmSeries => ({
  area,
  firstDay,
  periodDays: 1,
  alarms: Uint8Array.from(alarms),
  from,
});

describe('scoreDetection', () => {
  it('counts detection, delay and false alarms outside outbreak windows', () => {
    //               day 100 101 102 103 104 105 106 107
    const s = daily('v1', [1, 0, 0, 0, 1, 1, 0, 1]);
    const score = scoreDetection([s], [{ area: 'v1', startDay: 102, endDay: 105 }], 100);
    expect(score.outbreaks).toBe(1);
    expect(score.detected).toBe(1);
    expect(score.delays).toEqual([2]);
    // quiet days: 100, 101, 106, 107 → alarms on 100 and 107
    expect(score.quietPeriods).toBe(4);
    expect(score.falseAlarms).toBe(2);
  });

  it('ignores other areas, outbreaks before the evaluation start and periods before `from`', () => {
    const s = daily('v1', [1, 1, 0, 0, 0, 0], 2);
    const score = scoreDetection(
      [s, daily('v2', [0, 0, 0, 0, 0, 0])],
      [
        { area: 'v1', startDay: 100, endDay: 101 },
        { area: 'v2', startDay: 103, endDay: 104 },
        { area: 'v3', startDay: 103, endDay: 104 },
      ],
      102,
    );
    expect(score.outbreaks).toBe(2); // v2 and v3 (no series: missed)
    expect(score.detected).toBe(0);
    expect(score.quietPeriods).toBe(4 + 4);
    expect(score.falseAlarms).toBe(0);
  });

  it('counts weekly delays to the end of the alarming week', () => {
    const weekly: AlarmSeries = { area: 'v1', firstDay: 0, periodDays: 7, alarms: Uint8Array.from([0, 1, 1, 0]), from: 0 };
    const score = scoreDetection([weekly], [{ area: 'v1', startDay: 10, endDay: 16 }], 0);
    expect(score.detected).toBe(1);
    expect(score.delays).toEqual([13 - 10]);
    expect(score.quietPeriods).toBe(2); // weeks 0 and 3; weeks 1 and 2 overlap the window
  });
});

describe('addScores / median', () => {
  it('sums scores and takes medians', () => {
    const a = addScores(emptyScore(), { outbreaks: 2, detected: 1, delays: [3], falseAlarms: 1, quietPeriods: 10 });
    addScores(a, { outbreaks: 1, detected: 1, delays: [1], falseAlarms: 0, quietPeriods: 5 });
    expect(a).toEqual({ outbreaks: 3, detected: 2, delays: [3, 1], falseAlarms: 1, quietPeriods: 15 });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
