/**
 * `intake infer FILE`: a draft Table Schema from a sample file, printed as JSON (or written to
 * --out) for a person to review and save. Exit codes: 0 done, 2 the file cannot be read or the
 * command line is wrong. The command only sets process.exitCode, so output always flushes.
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { isEngineError } from '../engine/errors.js';
import { DEFAULT_SAMPLE_ROWS, inferSchema } from '../engine/infer/index.js';

interface Writable {
  write(chunk: string): unknown;
}

export interface InferIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

interface RawOptions {
  sheet?: string;
  sampleRows?: string;
  out?: string;
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

function errnoCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** The message for an input that cannot be used, or null for an unexpected error. */
function usableMessage(err: unknown, file: string): string | null {
  if (isEngineError(err)) return err.message;
  const code = errnoCode(err);
  if (code === 'ENOENT') return `File not found: ${file}`;
  if (code === 'EISDIR') return `${file} is a directory, not a spreadsheet`;
  if (code !== null) return `Cannot read ${file} (${code})`;
  return null;
}

async function run(file: string, opts: RawOptions, io: InferIo): Promise<number> {
  let sampleRows: number | undefined;
  if (opts.sampleRows !== undefined) {
    if (!/^\d+$/.test(opts.sampleRows) || Number(opts.sampleRows) < 1) {
      io.stderr.write(
        `intake infer: --sample-rows must be a whole number of at least 1; got "${opts.sampleRows}"\n`,
      );
      return 2;
    }
    sampleRows = Number(opts.sampleRows);
  }
  let json: string;
  try {
    json = JSON.stringify(await inferSchema(file, { sheet: opts.sheet, sampleRows }), null, 2) + '\n';
  } catch (err) {
    const message = usableMessage(err, file);
    if (message === null) throw err;
    io.stderr.write(`intake infer: ${message}\n`);
    return 2;
  }
  if (opts.out === undefined) {
    io.stdout.write(json);
    return 0;
  }
  try {
    await writeFile(opts.out, json);
  } catch (err) {
    io.stderr.write(`intake infer: cannot write ${opts.out} (${errnoCode(err) ?? (err as Error).message})\n`);
    return 2;
  }
  io.stderr.write(`Wrote a draft schema to ${opts.out}\n`);
  return 0;
}

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
        process.exitCode = await run(file, opts, io);
      })
  );
}
