#!/usr/bin/env node
// Entry point of the `healthy-brain` command; the CLI itself is compiled from src/cli (npm's `prepare` builds it).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`healthy-brain: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
