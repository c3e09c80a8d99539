import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chinaDate, msUntil, startDailyJob } from './index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('msUntil and chinaDate', () => {
  it('gives the time to the next HH:MM in UTC+8, a full day when it is now', () => {
    const now = new Date('2025-04-30T16:30:00Z'); // 00:30 on 1 May in Beijing
    expect(msUntil('01:00', now)).toBe(30 * 60_000);
    expect(msUntil('00:30', now)).toBe(24 * 3_600_000);
    expect(msUntil('00:00', now)).toBe(23.5 * 3_600_000);
    expect(msUntil('23:59', now)).toBe((23 * 60 + 29) * 60_000);
    expect(() => msUntil('25:00', now)).toThrow(/HH:MM/);
    expect(() => msUntil('2:00', now)).toThrow(/HH:MM/);
  });

  it('dates in UTC+8: 16:00 UTC is already the next day', () => {
    expect(chinaDate(new Date('2025-04-30T15:59:59Z'))).toBe('2025-04-30');
    expect(chinaDate(new Date('2025-04-30T16:00:00Z'))).toBe('2025-05-01');
  });
});

describe('startDailyJob', () => {
  it('runs every day at HH:MM UTC+8 with the time it fired, and keeps going after a failure', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-04-30T17:59:00Z')); // 01:59 on 1 May in Beijing
    const fired: string[] = [];
    const reports: (string | null)[] = [];
    const errors: unknown[] = [];
    const job = startDailyJob({
      at: '02:00',
      run: async (now) => {
        fired.push(now.toISOString());
        if (fired.length === 2) throw new Error('database down');
        return chinaDate(now);
      },
      onRun: (r, err) => {
        reports.push(r);
        if (err) errors.push(err);
      },
    });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fired).toEqual(['2025-04-30T18:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000); // the failing run
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(fired).toEqual(['2025-04-30T18:00:00.000Z', '2025-05-01T18:00:00.000Z', '2025-05-02T18:00:00.000Z']);
    expect(reports).toEqual(['2025-05-01', null, '2025-05-03']);
    expect((errors[0] as Error).message).toBe('database down');
    await job.stop();
    await vi.advanceTimersByTimeAsync(2 * 24 * 3_600_000);
    expect(fired).toHaveLength(3); // stopped: no more runs
  });

  it('stop() waits for the run in progress', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-04-30T17:59:59Z'));
    let finished = false;
    let release!: () => void;
    const job = startDailyJob({
      at: '02:00',
      run: () =>
        new Promise<void>((resolve) => {
          release = () => {
            finished = true;
            resolve();
          };
        }),
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(release).toBeTypeOf('function'); // the run has started
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
  });

  it('rejects a bad time of day at start, and a throwing onRun does not stop the timer', async () => {
    expect(() => startDailyJob({ at: '24:00', run: async () => 1 })).toThrow(/HH:MM/);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-04-30T17:59:59Z'));
    let runs = 0;
    const job = startDailyJob({
      at: '02:00',
      run: async () => ++runs,
      onRun: () => {
        throw new Error('logger broke');
      },
    });
    await vi.advanceTimersByTimeAsync(1_000 + 24 * 3_600_000);
    expect(runs).toBe(2);
    await job.stop();
  });

  it('does not keep the process alive (the timer is unref’d)', () => {
    const entry = pathToFileURL(join(import.meta.dirname, 'index.ts')).href;
    const code = `import(${JSON.stringify(entry)}).then((m) => { m.startDailyJob({ at: '02:00', run: async () => 1 }); console.log('started'); })`;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 30_000 });
    expect(res.stdout.trim()).toBe('started');
    expect(res.signal).toBeNull(); // exited by itself, not killed at the timeout
    expect(res.status).toBe(0);
  });
});
