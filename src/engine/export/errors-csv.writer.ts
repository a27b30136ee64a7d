import { Readable } from 'node:stream';
import type { ValidationIssue } from '../validate/types.js';
import type { IssueSource } from './annotated-rows.writer.js';
import { chunked, pipeToTarget, type OutputTarget } from './output-target.js';

/** The header line of the errors CSV, CRLF-terminated. */
export const ERRORS_CSV_HEADER = 'row,column,cell,code,message,value\r\n';

// A spreadsheet opening the CSV would run a field starting with one of these as a formula
// (OWASP "CSV injection"); a leading ' makes it plain text.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: formula-neutralised, then quoted per RFC 4180 when it must be. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One issue as a CSV record, CRLF-terminated (RFC 4180), ready to write after the header. */
export function errorsCsvLine(issue: ValidationIssue): string {
  return (
    [
      String(issue.row),
      csvField(issue.column ?? ''),
      csvField(issue.cell ?? ''),
      csvField(issue.code),
      csvField(issue.message),
      csvField(issue.value ?? ''),
    ].join(',') + '\r\n'
  );
}

async function* csvLines(issues: IssueSource): AsyncGenerator<string> {
  yield ERRORS_CSV_HEADER;
  for await (const issue of issues) yield errorsCsvLine(issue);
}

/**
 * Writes the errors CSV (UTF-8, no BOM) to a file path (atomically) or a stream (ended when done).
 */
export async function writeErrorsCsv(issues: IssueSource, out: OutputTarget): Promise<void> {
  await pipeToTarget(Readable.from(chunked(csvLines(issues)), { objectMode: false }), out);
}
