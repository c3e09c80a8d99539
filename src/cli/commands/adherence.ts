/** `healthy-brain adherence`: PDC (PQA) and MPR per patient from a dispense CSV. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { adherence, assertIsoDate, formatAdherenceCsv, parseDispenseCsv } from '../../healthmgmt/index.js';

export function registerAdherence(program: Command): void {
  program
    .command('adherence')
    .description('proportion of days covered (PQA) and MPR per patient from dispenses (CSV: patient,drug,class,date,days_supply)')
    .requiredOption('--input <file>', 'dispense CSV')
    .requiredOption('--from <date>', 'first day of the measurement period (YYYY-MM-DD)')
    .requiredOption('--to <date>', 'last day of the measurement period (YYYY-MM-DD)')
    .action((opts: { input: string; from: string; to: string }) => {
      assertIsoDate(opts.from, '--from');
      assertIsoDate(opts.to, '--to');
      let text: string;
      try {
        text = readFileSync(opts.input, 'utf8');
      } catch {
        throw new Error(`cannot read --input ${opts.input}`);
      }
      const fills = parseDispenseCsv(text, opts.input);
      process.stdout.write(formatAdherenceCsv(adherence(fills, opts.from, opts.to)));
    });
}
