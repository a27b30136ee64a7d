/**
 * The contract between the readers (xlsx, CSV) and everything that consumes rows (validation,
 * inference, annotated export). Readers stream: they never hold a whole sheet.
 */

/** One non-empty cell as the file stores it. Empty cells are `undefined` in a row's `cells`. */
export type CellValue =
  /** Text: shared string, inline string, formula string result, or any CSV field. */
  | { readonly t: 's'; readonly v: string }
  /**
   * A number. `date` is true when the cell's number format is a date/time format; `v` is then the
   * serial in the workbook's date system and `date1904` says which system.
   */
  | { readonly t: 'n'; readonly v: number; readonly date?: boolean; readonly date1904?: boolean }
  | { readonly t: 'b'; readonly v: boolean }
  /** An error cell, e.g. `#N/A`, `#DIV/0!`. */
  | { readonly t: 'e'; readonly v: string }
  /** An ISO 8601 date/time cell (`t="d"`), as written. */
  | { readonly t: 'd'; readonly v: string };

export interface Row {
  /** 1-based row number as Excel shows it; for CSV the 1-based record number. */
  readonly number: number;
  /** Cells by 0-based column index (A = 0). Holes and `undefined` are empty cells. */
  readonly cells: ReadonlyArray<CellValue | undefined>;
}

export type SpreadsheetFormat = 'xlsx' | 'csv';

export interface SheetInfo {
  readonly name: string;
  readonly visible: boolean;
}

export interface ReaderLimits {
  /** Total uncompressed bytes across the parts we read. Default 1 GiB. */
  readonly maxUncompressedBytes: number;
  /** Max compression ratio of any part past 1 MB uncompressed. Default 100. */
  readonly maxCompressionRatio: number;
  /** Max total bytes of the shared-strings table. Default 256 MiB. */
  readonly maxSharedStringsBytes: number;
  /** Max characters in one cell. Default 32,767 (Excel's own limit) × 4 for slack: 131,072. */
  readonly maxCellChars: number;
  /** Max columns per row. Default 16,384 (XFD). */
  readonly maxColumns: number;
}

export interface OpenOptions {
  /** Sheet name to read (xlsx). Default: the first visible worksheet. */
  readonly sheet?: string;
  readonly limits?: Partial<ReaderLimits>;
}

export interface Progress {
  /** Bytes of the input consumed so far (compressed bytes for xlsx). */
  readonly bytesRead: number;
  /** Total input bytes (file size). */
  readonly bytesTotal: number;
  readonly rowsRead: number;
}

export interface OpenedSheet {
  readonly format: SpreadsheetFormat;
  /** Sheet name (xlsx) or null (CSV). */
  readonly sheet: string | null;
  readonly sheets: readonly SheetInfo[];
  /** Size of the input file in bytes. */
  readonly bytes: number;
  /** CSV only: the detected delimiter and encoding; null for xlsx. */
  readonly csv: { readonly delimiter: string; readonly encoding: string } | null;
  /**
   * The rows in order, in batches (a batch is a few hundred rows; never the whole sheet). Rows with
   * no non-empty cell may be omitted or yielded with no cells. Can be iterated once.
   */
  rows(): AsyncIterable<readonly Row[]>;
  progress(): Progress;
  /** Releases file handles. Safe to call twice, and after an error. */
  close(): Promise<void>;
}
