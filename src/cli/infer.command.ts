/**
 * `intake infer FILE`: a draft Table Schema from a sample file, printed as JSON (or written to
 * --out) for a person to review and save. Exit codes: 0 done, 2 the file cannot be read or the
 * command line is wrong. The command only sets process.exitCode, so output always flushes.
 */
import { Command } from 'commander';
// The constant only (a small module): the inference itself loads when the command runs.
import { DEFAULT_SAMPLE_ROWS } from '../engine/infer/infer-rows.js';
import type { RawOptions } from './infer.run.js';

interface Writable {
  write(chunk: string): unknown;
}

export interface InferIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const HELP_AFTER = `
The header is the first non-blank row. Up to --sample-rows data rows below it decide each
column's type (integer, number, boolean, date, datetime, time, string), "required" (no empty
cell), "enum" (few distinct text values over at least 20 rows), "unique" (identifier-like
columns whose values never repeat) and string formats (email, uri, uuid). Columns with a blank
or repeated header get no field. Review the draft before using it: it describes the sample, not
the rules.

Exit codes:
  0  the schema was written
  2  the file cannot be read, or the command line is wrong

Examples:
  intake infer orders.xlsx > orders.schema.json
  intake infer export.csv --sample-rows 50000 --out export.schema.json
  intake infer book.xlsx --sheet "Q3 orders"`;

/** The `infer` command, for the lead's program (`program.addCommand(inferCommand())`). */
export function inferCommand(io: InferIo = { stdout: process.stdout, stderr: process.stderr }): Command {
  return (
    new Command('infer')
      .description('Draft a Table Schema (JSON) from a sample spreadsheet (.xlsx or .csv)')
      .argument('<file>', 'the sample .xlsx or .csv file')
      .option('--sheet <name>', 'the sheet to sample (xlsx; default: the first visible sheet)')
      .option('--sample-rows <n>', `how many data rows to read (default: ${DEFAULT_SAMPLE_ROWS})`)
      .option('--out <schema.json>', 'write the schema to this file instead of stdout')
      .addHelpText('after', HELP_AFTER)
      // Commander exits 1 on usage errors; Intake promises 2. Parsing fails before any work starts.
      .exitOverride((err) => {
        if (err.exitCode !== 0) process.exit(2);
      })
      .action(async (file: string, opts: RawOptions) => {
        const { runInfer } = await import('./infer.run.js');
        process.exitCode = await runInfer(file, opts, io);
      })
  );
}
