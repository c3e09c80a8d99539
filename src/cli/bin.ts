/** Process entry of the CLI: runs main() and turns an error into one line on stderr and exit code 1. */
import { main } from './main.js';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`healthy-brain: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
