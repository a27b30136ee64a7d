/**
 * The work behind `intake validate` (src/cli/validate.command.ts defines the command, its options
 * and help, and imports this module only when the command runs, so building the command tree
 * stays cheap). Exit codes: 0 valid, 1 invalid, 2 the file or schema cannot be used.
 */
import { readFile, stat } from 'node:fs/promises';
import { isEngineError } from '../engine/errors.js';
import { parseSchema } from '../engine/schema/index.js';
import type { TableSchema } from '../engine/schema/index.js';
import { formatReportText, validateFile, type ValidationIssue } from '../engine/validate/index.js';
import type { ReaderLimits } from '../engine/reader/index.js';
import type { CliIo } from './validate.command.js';

export interface RawOptions {
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

/** Runs one `intake validate` and returns its exit code (0 valid, 1 invalid, 2 unusable). */
export async function runValidate(
  file: string,
  opts: RawOptions,
  io: CliIo,
  operands: readonly string[],
): Promise<number> {
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
    // The exporters (an xlsx writer among them) load only when an export was asked for.
    if (opts.errorsCsv !== undefined) {
      const { writeErrorsCsv } = await import('../engine/export/index.js');
      const out = opts.errorsCsv;
      await writeOutput(out, () => writeErrorsCsv(allIssues, out));
    }
    if (opts.annotated !== undefined) {
      const { writeAnnotatedWorkbook } = await import('../engine/export/index.js');
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
