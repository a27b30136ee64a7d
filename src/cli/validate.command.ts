/**
 * `intake validate FILE --schema SCHEMA.json`: the same engine the API uses, from a terminal.
 * Exit codes: 0 valid, 1 invalid, 2 the file or schema cannot be used (or bad usage). The command
 * only sets process.exitCode, so output streams always flush.
 */
import { readFile, stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { isEngineError } from '../engine/errors.js';
import { writeAnnotatedWorkbook, writeErrorsCsv } from '../engine/export/index.js';
import { parseSchema } from '../engine/schema/index.js';
import type { TableSchema } from '../engine/schema/index.js';
import { formatReportText, validateFile, type ValidationIssue } from '../engine/validate/index.js';
import type { ReaderLimits } from '../engine/reader/index.js';

interface Writable {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

interface RawOptions {
  schema?: string;
  sheet?: string;
  format: string;
  maxErrors?: string;
  annotated?: string;
  errorsCsv?: string;
  maxRatio?: string;
  maxUncompressedMb?: string;
}

/** A failure that ends the command with exit code 2 and `{"error", "message"}`. */
class UsableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
const TEXT_TABLE_DEFAULT = 50;

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

function fsErrorCode(err: unknown): string | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : null;
}

async function loadSchema(path: string): Promise<TableSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = fsErrorCode(err);
    throw new UsableError(
      code === 'ENOENT' ? 'file_not_found' : 'file_unreadable',
      code === 'ENOENT'
        ? `Schema file not found: ${path}`
        : `Cannot read the schema file ${path} (${code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsableError('schema_invalid', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseSchema(json);
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsableError('usage_error', `${flag} must be a whole number of 1 or more; got "${value}"`);
  return Number(value);
}

function parseOptions(opts: RawOptions): {
  format: 'text' | 'json';
  maxErrors: number | undefined;
  schema: string;
  limits: Partial<ReaderLimits>;
} {
  const format = opts.format;
  if (format !== 'text' && format !== 'json') {
    throw new UsableError('usage_error', `--format must be "text" or "json"; got "${format}"`);
  }
  let maxErrors: number | undefined;
  if (opts.maxErrors !== undefined) {
    if (!/^\d+$/.test(opts.maxErrors)) {
      throw new UsableError(
        'usage_error',
        `--max-errors must be a whole number of 0 or more; got "${opts.maxErrors}"`,
      );
    }
    maxErrors = Number(opts.maxErrors);
  }
  if (opts.schema === undefined) throw new UsableError('usage_error', '--schema SCHEMA.json is required');
  const maxRatio = positiveInt('--max-ratio', opts.maxRatio);
  const maxMb = positiveInt('--max-uncompressed-mb', opts.maxUncompressedMb);
  const limits: Partial<ReaderLimits> = {
    ...(maxRatio === undefined ? {} : { maxCompressionRatio: maxRatio }),
    ...(maxMb === undefined ? {} : { maxUncompressedBytes: maxMb * 1024 * 1024 }),
  };
  return { format, maxErrors, schema: opts.schema, limits };
}

function progressPrinter(
  io: CliIo,
  bytes: number,
): ((p: { bytesRead: number; rowsRead: number }) => void) | undefined {
  if (io.stderr.isTTY !== true || bytes < PROGRESS_MIN_BYTES) return undefined;
  const nf = new Intl.NumberFormat('en-US');
  return (p) => {
    const pct = Math.min(100, Math.floor((p.bytesRead / bytes) * 100));
    io.stderr.write(`\rValidating… ${pct}% (${nf.format(p.rowsRead)} rows)`);
  };
}

/** An export that cannot be written is the caller's problem (bad path), not a crash. */
async function writeOutput(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const code = fsErrorCode(err);
    if (code === null || isEngineError(err)) throw err;
    throw new UsableError('output_failed', `Cannot write ${path} (${code})`);
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    const code = fsErrorCode(err);
    throw new UsableError(
      code === 'ENOENT' ? 'file_not_found' : 'file_unreadable',
      code === 'ENOENT' ? `File not found: ${path}` : `Cannot read ${path} (${code ?? 'error'})`,
    );
  }
}

/** Unknown options and stray arguments, reported by us so `--format json` still gets JSON. */
function checkOperands(operands: readonly string[]): void {
  const unknown = operands.find((a) => a.startsWith('-') && a !== '-');
  if (unknown !== undefined) throw new UsableError('usage_error', `unknown option '${unknown}' (see --help)`);
  if (operands.length > 1)
    throw new UsableError('usage_error', `unexpected argument '${operands[1]}' (one FILE only)`);
}

async function run(file: string, opts: RawOptions, io: CliIo, operands: readonly string[]): Promise<number> {
  let format: 'text' | 'json' = opts.format === 'json' ? 'json' : 'text';
  try {
    checkOperands(operands);
    const parsed = parseOptions(opts);
    format = parsed.format;
    const schema = await loadSchema(parsed.schema);
    const bytes = await fileSize(file);
    // Exports need every issue, not only the capped list in the report.
    const wantsAll = opts.annotated !== undefined || opts.errorsCsv !== undefined;
    const allIssues: ValidationIssue[] = [];
    const onProgress = progressPrinter(io, bytes);
    const report = await validateFile(file, schema, {
      sheet: opts.sheet,
      limits: parsed.limits,
      maxErrors: parsed.maxErrors,
      onIssue: wantsAll ? (issue) => allIssues.push(issue) : undefined,
      onProgress,
    });
    if (onProgress !== undefined) io.stderr.write('\r\x1b[K');
    if (opts.errorsCsv !== undefined) {
      const out = opts.errorsCsv;
      await writeOutput(out, () => writeErrorsCsv(allIssues, out));
    }
    if (opts.annotated !== undefined) {
      const out = opts.annotated;
      await writeOutput(out, () =>
        writeAnnotatedWorkbook(file, allIssues, out, { sheet: opts.sheet, limits: parsed.limits }),
      );
    }
    if (format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      const limit = parsed.maxErrors === undefined ? TEXT_TABLE_DEFAULT : parsed.maxErrors;
      io.stdout.write(formatReportText(report, { limit }));
    }
    return report.valid ? 0 : 1;
  } catch (err) {
    let code: string;
    let message: string;
    if (err instanceof UsableError || isEngineError(err)) {
      code = err.code;
      message = err.message;
    } else if (fsErrorCode(err) !== null) {
      code = 'file_unreadable';
      message = (err as Error).message;
    } else {
      throw err;
    }
    if (format === 'json') io.stdout.write(JSON.stringify({ error: code, message }) + '\n');
    else io.stderr.write(`intake validate: ${message}\n`);
    return 2;
  }
}

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
      process.exitCode = await run(file, opts, io, command.args);
    });
  return cmd;
}
