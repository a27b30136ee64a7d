/**
 * The work behind `intake infer` (src/cli/infer.command.ts defines the command, its options and help,
 * and imports this module only when the command runs, so building the command tree stays cheap).
 */
import { writeFile } from 'node:fs/promises';
import type { InferIo } from './infer.command.js';
import { isEngineError } from '../engine/errors.js';
import { inferSchema } from '../engine/infer/index.js';

export interface RawOptions {
  sheet?: string;
  sampleRows?: string;
  out?: string;
}

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

/** Runs one `intake infer` and returns its exit code (0 written, 2 unusable input). */
export async function runInfer(file: string, opts: RawOptions, io: InferIo): Promise<number> {
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
