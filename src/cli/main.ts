/**
 * The `healthy-brain` command. Each sub-command lives in its own file under ./commands and
 * registers itself on the commander program here.
 */
import { Command } from 'commander';
import { registerServe } from './commands/serve.js';
import { registerMigrate } from './commands/migrate.js';
import { registerDetect } from './commands/detect.js';
import { registerSimulate } from './commands/simulate.js';
import { registerImport } from './commands/import.js';
import { registerUser } from './commands/user.js';
import { registerAdherence } from './commands/adherence.js';
import { registerMpi } from './commands/mpi.js';
import { registerRisk } from './commands/risk.js';
import { registerSurveillance } from './commands/surveillance.js';
import { registerCentres } from './commands/centres.js';

/** Builds the commander program with every sub-command registered. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('healthy-brain')
    .description('Healthy Brain: a district health platform (1 + 3 + N) on FHIR R4')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerMigrate(program);
  registerDetect(program);
  registerSimulate(program);
  registerImport(program);
  registerUser(program);
  registerAdherence(program);
  registerMpi(program);
  registerRisk(program);
  registerSurveillance(program);
  registerCentres(program);
  return program;
}

/** Runs the CLI with the given argv (process.argv form). */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // commander signals --help/--version and usage errors by throwing with an exit code.
    if (err && typeof err === 'object' && 'exitCode' in err && 'code' in err) {
      process.exitCode = (err as { exitCode: number }).exitCode;
      return;
    }
    throw err;
  }
}
