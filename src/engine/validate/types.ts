import type { SpreadsheetFormat } from '../reader/types.js';

/** One problem found in a file. `row` is 1-based as Excel shows it (CSV: record number). */
export interface ValidationIssue {
  readonly row: number;
  /** The schema field name; the header text for an extra column; null when not about a column. */
  readonly column: string | null;
  /** A1 reference (`E17`), or null (e.g. a missing column). */
  readonly cell: string | null;
  /** Stable code: type, required, minimum, …, missing_column, extra_column, duplicate_column. */
  readonly code: string;
  /** For a person: "Price must be at least 0; got -3". */
  readonly message: string;
  /** The offending value as text, or null. */
  readonly value: string | null;
}

/** The report, exactly as the JSON form is specified (snake_case keys are part of the API). */
export interface Report {
  readonly valid: boolean;
  readonly file: {
    readonly name: string;
    readonly format: SpreadsheetFormat;
    readonly sheet: string | null;
    readonly bytes: number;
  };
  readonly rows: { readonly total: number; readonly valid: number; readonly invalid: number };
  readonly error_count: number;
  readonly errors_by_code: Readonly<Record<string, number>>;
  /** Capped at maxErrors (default 1000); error_count and errors_by_code count everything. */
  readonly errors: readonly ValidationIssue[];
  readonly truncated: boolean;
}
