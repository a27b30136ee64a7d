/**
 * Messages between the uploads feature and its validation worker thread. Plain data only: they
 * cross a structured-clone boundary.
 */
import type { ReaderLimits, Report, TableSchema, ValidationIssue } from '../../engine/index.js';

export interface ValidateTask {
  /** Zip-bomb and size limits (the deployment's settings); engine defaults when absent. */
  readonly limits?: Partial<ReaderLimits>;
  readonly mode: 'validate';
  readonly path: string;
  readonly schema: TableSchema;
  readonly sheet: string | null;
  /** Confirmed header → field mapping (the engine's `headerMapping`). */
  readonly headerMapping?: Readonly<Record<string, string | null>>;
  readonly fileName: string;
  /** Least ms between two progress messages. */
  readonly progressIntervalMs?: number;
  /** Issues past this many are counted, not sent. */
  readonly maxIssues: number;
  /**
   * When set, issues are sent as `copy` messages: upload_errors COPY text built in the thread
   * (one string per batch crosses the boundary instead of thousands of cloned objects).
   */
  readonly copy?: { readonly uploadId: string; readonly attempt: number };
}

export interface RowsTask {
  /** Zip-bomb and size limits (the deployment's settings); engine defaults when absent. */
  readonly limits?: Partial<ReaderLimits>;
  readonly mode: 'rows';
  readonly path: string;
  readonly schema: TableSchema;
  readonly sheet: string | null;
  /** The mapping the upload was validated with, so "valid" means what it meant in its report. */
  readonly headerMapping?: Readonly<Record<string, string | null>>;
  /** Rows with a number up to this are skipped (the cursor). */
  readonly afterRow: number;
  readonly limit: number;
  /** true: valid rows only; false: invalid rows only; null: all rows. */
  readonly valid: boolean | null;
}

/** Writes the annotated workbook to `out`; the issues follow as `ParentMessage`s. */
export interface AnnotateTask {
  /** Zip-bomb and size limits (the deployment's settings); engine defaults when absent. */
  readonly limits?: Partial<ReaderLimits>;
  readonly mode: 'annotate';
  readonly path: string;
  readonly sheet: string | null;
  readonly out: string;
}

/** Reads the header row (the first non-blank row) of a file: its cell texts, null for empty cells. */
export interface HeadersTask {
  readonly limits?: Partial<ReaderLimits>;
  readonly mode: 'headers';
  readonly path: string;
  readonly sheet: string | null;
}

/** Generates and writes the warm-up files (warm-up.ts) in the thread, off the API's event loop. */
export interface WarmUpFilesTask {
  readonly mode: 'warm-up-files';
  readonly paths: { readonly xlsx: string; readonly csv: string };
  readonly rows: { readonly xlsx: number; readonly csv: number };
}

export type ThreadTask = ValidateTask | RowsTask | AnnotateTask | HeadersTask | WarmUpFilesTask;

/** Sent after an AnnotateTask: its issues in order, then `end`. */
export type ParentMessage =
  { readonly type: 'issues'; readonly issues: ValidationIssue[] } | { readonly type: 'end' };

export interface DataRow {
  readonly row: number;
  readonly valid: boolean;
  readonly values: Record<string, unknown>;
}

export type ReportSummary = Omit<Report, 'errors'>;

export type ThreadMessage =
  | { readonly type: 'issues'; readonly issues: ValidationIssue[] }
  | { readonly type: 'copy'; readonly text: string; readonly count: number }
  | {
      readonly type: 'progress';
      readonly rowsRead: number;
      readonly bytesRead: number;
      readonly bytesTotal: number;
    }
  /** `ms`: the engine's own time for the file, measured in the thread. */
  | { readonly type: 'report'; readonly report: ReportSummary; readonly ms: number }
  | { readonly type: 'rows'; readonly rows: DataRow[]; readonly more: boolean }
  | { readonly type: 'annotated' }
  | { readonly type: 'written' }
  | { readonly type: 'headers'; readonly headers: (string | null)[] }
  | { readonly type: 'failed'; readonly engine: boolean; readonly code: string; readonly message: string };
