/**
 * `intake validate FILE --schema SCHEMA.json`: the same engine the API uses, from a terminal.
 * Exit codes: 0 valid, 1 invalid, 2 the file or schema cannot be used (or bad usage). The command
 * only sets process.exitCode, so output streams always flush. The engine loads when the command
 * runs (src/cli/validate.run.ts), not when the command tree is built.
 */
import { Command, Option } from 'commander';
import type { RawOptions } from './validate.run.js';

interface Writable {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const HELP_AFTER = `
Exit codes:
  0  the file is valid
  1  the file has errors (the report lists them)
  2  the file cannot be read, the schema is invalid, the command line is wrong,
     or an --annotated/--errors-csv output cannot be written

The header is the first non-blank row; columns match schema fields by name (exact, then
case/space-insensitive, then the field's "aliases"), never by position.

Examples:
  intake validate orders.xlsx --schema orders.schema.json
  intake validate orders.csv --schema orders.schema.json --format json --max-errors 100
  intake validate orders.xlsx --schema s.json --annotated checked.xlsx --errors-csv errors.csv`;

/** The `validate` command, for the lead's program (`program.addCommand(validateCommand())`). */
export function validateCommand(io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Command {
  const cmd = new Command('validate')
    .description('Validate a spreadsheet (.xlsx or .csv) against a Frictionless Table Schema')
    .argument('<file>', 'the .xlsx or .csv file to check')
    .option('--schema <schema.json>', 'the Table Schema JSON file (required)')
    .option('--sheet <name>', 'the sheet to check (xlsx; default: the first visible sheet)')
    .addOption(new Option('--format <format>', 'report format: text or json').default('text'))
    .option(
      '--max-errors <n>',
      'how many errors the report lists; counts are always complete (default: 1000; text shows 50)',
    )
    .option(
      '--annotated <out.xlsx>',
      'also write a copy of the sheet with bad cells highlighted and commented',
    )
    .option('--errors-csv <out.csv>', 'also write every error (not only the listed ones) as CSV')
    .option('--max-ratio <n>', 'zip-bomb guard: largest compression ratio of a part past 1 MB (default: 100)')
    .option(
      '--max-uncompressed-mb <n>',
      'zip-bomb guard: total size a workbook may inflate to (default: 1024)',
    )
    .addHelpText('after', HELP_AFTER)
    // Commander exits 1 on usage errors; Intake promises 2. Parsing fails before any work starts,
    // so exiting here cannot cut a stream short.
    .exitOverride((err) => {
      if (err.exitCode !== 0) process.exit(2);
    })
    // Unknown options reach the action as operands, so they are answered in the chosen format.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (file: string, opts: RawOptions, command: Command) => {
      const { runValidate } = await import('./validate.run.js');
      process.exitCode = await runValidate(file, opts, io, command.args);
    });
  return cmd;
}
