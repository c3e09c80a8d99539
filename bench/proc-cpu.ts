/**
 * CPU seconds read from /proc (Linux): of one process, and of the PostgreSQL backends serving one
 * database. On a machine whose speed varies (a shared or nested VM), CPU per unit of work is the
 * figure that compares across runs; wall time is not.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK: 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far; undefined once it has ended. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/**
 * Samples, every 250 ms until stopped, the CPU seconds the PostgreSQL server processes serving
 * `database` use from now on (backends already running count from their CPU at the first sample; a
 * backend's last sample before it ends counts, so up to 250 ms of each may be missed).
 */
export function sampleDatabaseCpu(pgUrl: string, database: string): { stop: () => Promise<number> } {
  const admin = new pg.Client({ connectionString: pgUrl });
  const first = new Map<number, number>();
  const seen = new Map<number, number>();
  let sampled = false;
  const sample = async () => {
    const rows = (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])).rows;
    for (const { pid } of rows) {
      const cpu = cpuSecondsOf(pid);
      if (cpu === undefined) continue;
      if (!sampled) first.set(pid, cpu);
      seen.set(pid, cpu);
    }
    sampled = true;
  };
  let busy: Promise<unknown> = admin.connect().then(sample);
  const tick = () => {
    busy = busy.then(sample);
  };
  const timer = setInterval(tick, 250);
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await busy;
      await admin.end();
      return [...seen].reduce((a, [pid, cpu]) => a + cpu - (first.get(pid) ?? 0), 0);
    },
  };
}
