/**
 * Runs a `healthy-brain` command line inside the test process, as src/cli/bin.ts would run it in its
 * own: the real commander program, real files and databases; what the command writes to stdout and
 * stderr is captured, and the exit status is what the process would have exited with (commander's
 * usage errors, process.exitCode, or 1 with "healthy-brain: <message>" for a thrown error).
 *
 * Why not a child process: each `node --import tsx` start compiled the whole source tree again
 * (4-7 s per call; the CLI tests spent most of their time starting processes). test/cli.test.ts keeps
 * the real-process checks (bin entry, exit codes, serve).
 */
import { Readable } from 'node:stream';
import { format } from 'node:util';
import { buildProgram } from '../../src/cli/main.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Environment variables set (or, with '', cleared) for the duration of the command. */
  env?: Record<string, string>;
  /** Text the command reads from stdin. */
  input?: string;
}

let running = false;

/** Runs `healthy-brain …args` in-process. One at a time: stdout, stderr, stdin and the environment are the process's. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (running) throw new Error('runCli: one command at a time');
  running = true;
  let stdout = '';
  let stderr = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  const savedEnv = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(options.env ?? {})) {
    savedEnv.set(k, process.env[k]);
    if (v === '') delete process.env[k];
    else process.env[k] = v;
  }
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (options.input !== undefined) Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(options.input)]), configurable: true });
  const savedExitCode = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  // console is the test runner's own in a worker: route it to the same capture.
  const consoleSaved = { ...console };
  const toOut = (...a: unknown[]) => void (stdout += `${format(...a)}\n`);
  const toErr = (...a: unknown[]) => void (stderr += `${format(...a)}\n`);
  Object.assign(console, { log: toOut, info: toOut, warn: toErr, error: toErr });
  let status = 0;
  try {
    await buildProgram().parseAsync(['node', 'healthy-brain', ...args]);
    status = Number(process.exitCode ?? 0);
  } catch (err) {
    if (err && typeof err === 'object' && 'exitCode' in err && 'code' in err) status = (err as { exitCode: number }).exitCode;
    else {
      stderr += `healthy-brain: ${err instanceof Error ? err.message : String(err)}\n`;
      status = 1;
    }
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    Object.assign(console, consoleSaved);
    process.exitCode = savedExitCode;
    if (stdinDescriptor) Object.defineProperty(process, 'stdin', stdinDescriptor);
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    running = false;
  }
  return { status, stdout, stderr };
}
