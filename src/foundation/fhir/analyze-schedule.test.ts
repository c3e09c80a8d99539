import { describe, expect, it } from 'vitest';
import { BulkAnalyzeSchedule, PeriodicAnalyze } from './analyze-schedule.js';

/** A store whose ANALYZE finishes when the test says so. */
function store() {
  const calls: (() => void)[] = [];
  return {
    calls,
    analyze: () => new Promise<void>((resolve) => calls.push(resolve)),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('BulkAnalyzeSchedule', () => {
  it('analyses at the first milestone and every ×4 after, one at a time, and at the end only after new writes', async () => {
    const s = store();
    const schedule = new BulkAnalyzeSchedule(s, 100);
    schedule.note(99);
    expect(s.calls).toHaveLength(0);
    schedule.note(150);
    expect(s.calls).toHaveLength(1); // 100 reached; next at 400
    schedule.note(450);
    expect(s.calls).toHaveLength(1); // 400 reached, but one is still running
    s.calls[0]();
    await tick();
    schedule.note(460);
    expect(s.calls).toHaveLength(2); // the pending milestone runs now; next at 1,600
    s.calls[1]();
    await tick();
    schedule.note(1_000);
    expect(s.calls).toHaveLength(2);
    const finishing = schedule.finish();
    await tick();
    expect(s.calls).toHaveLength(3); // writes since the last ANALYZE (460 → 1,000)
    s.calls[2]();
    await finishing;
    await schedule.finish();
    expect(s.calls).toHaveLength(3); // nothing written since
  });

  it('skips every milestone and the end when nothing was written (a re-run that changes nothing)', async () => {
    const s = store();
    const schedule = new BulkAnalyzeSchedule(s);
    schedule.note(0);
    await schedule.finish();
    expect(s.calls).toHaveLength(0);
  });
});

describe('PeriodicAnalyze', () => {
  /** ANALYZEs that finish when the test says, each reporting the given number of stored resources. */
  function counted() {
    const calls: ((stored: number) => void)[] = [];
    return { calls, analyze: () => new Promise<number>((resolve) => calls.push(resolve)) };
  }

  it('analyses after max(N, a tenth of the resources stored at the last ANALYZE) writes, one at a time, counting again from zero after each', async () => {
    const s = counted();
    const schedule = new PeriodicAnalyze(s.analyze, 100);
    schedule.note(60);
    expect(s.calls).toHaveLength(0);
    schedule.note(50);
    expect(s.calls).toHaveLength(1);
    schedule.note(200);
    expect(s.calls).toHaveLength(1); // one is running: the count goes on
    s.calls[0](500); // 500 resources stored: the floor of 100 writes still applies
    await schedule.settle();
    schedule.note(1);
    expect(s.calls).toHaveLength(2); // 201 since the last start
    s.calls[1](10_000); // now 10,000 stored: the next ANALYZE waits for 1,000 more writes
    await schedule.settle();
    schedule.note(999);
    expect(s.calls).toHaveLength(2);
    schedule.note(1);
    expect(s.calls).toHaveLength(3);
  });

  it('waits for no more than the ceiling of writes, however large the store', async () => {
    const s = counted();
    const schedule = new PeriodicAnalyze(s.analyze, 10, 1000);
    schedule.note(10);
    s.calls[0](1_000_000); // a tenth would be 100,000 writes: the ceiling of 1,000 applies
    await schedule.settle();
    schedule.note(999);
    expect(s.calls).toHaveLength(1);
    schedule.note(1);
    expect(s.calls).toHaveLength(2);
  });

  it('falls back to every N writes when an ANALYZE reports no count (0 = unknown)', async () => {
    const s = counted();
    const schedule = new PeriodicAnalyze(s.analyze, 10);
    schedule.note(10);
    s.calls[0](0);
    await schedule.settle();
    schedule.note(10);
    expect(s.calls).toHaveLength(2);
  });
});
