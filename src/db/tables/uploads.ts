/**
 * Table types of the uploads feature: one row per uploaded file and its latest validation result,
 * and the stored issues of each validation attempt.
 */
import type { ColumnType } from 'kysely';

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type UploadStatus = 'queued' | 'validating' | 'valid' | 'invalid' | 'failed';

export interface UploadsTable {
  /** UUID v7, made by the app. */
  id: string;
  user_id: string;
  schema_id: string;
  /** The schema version this upload is (or was last) validated with. */
  schema_version: number;
  /** The client's file name, for display and Content-Disposition only; never a path. */
  file_name: string;
  /** xlsx | csv, sniffed from the bytes. */
  format: string;
  sheet: string | null;
  bytes: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  /** Storage key of the original file (a generated id, never the client's name). */
  storage_key: string;
  /** Storage key of the cached annotated workbook of the current result, if made. */
  annotated_key: Defaulted<string | null>;
  idempotency_key: string | null;
  status: Defaulted<UploadStatus>;
  /** Changes on every (re)validation request; a job whose run id differs is stale and does nothing. */
  run_id: string;
  /** Incremented when a job starts; stored issues carry the attempt that wrote them. */
  attempt: Defaulted<number>;
  /** The attempt whose issues are the current result (null until one finished). */
  result_attempt: Defaulted<number | null>;
  progress_rows: Defaulted<number>;
  progress_bytes: Defaulted<number>;
  rows_total: Defaulted<number | null>;
  rows_valid: Defaulted<number | null>;
  rows_invalid: Defaulted<number | null>;
  error_count: Defaulted<number | null>;
  errors_by_code: ColumnType<Record<string, number> | null, string | null | undefined, string | null>;
  /** How many issues were stored (at most MAX_STORED_ERRORS). */
  errors_stored: Defaulted<number | null>;
  /** For `failed`: the engine's (or platform's) error code and message. */
  error_code: Defaulted<string | null>;
  error_message: Defaulted<string | null>;
  /**
   * Confirmed header → field mapping (normalised header keys) the current run validates with: a
   * snapshot of the schema's confirmed mappings, reused to re-read rows. Null: none (or before 0022).
   */
  header_mapping: ColumnType<Record<string, string | null> | null, string | null | undefined, string | null>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface UploadErrorsTable {
  /**
   * No foreign key (migration 0062, for COPY speed): a trigger on `uploads` deletes an upload's
   * issues with it, and the COPY locks the upload row per chunk so none commit for a deleted one.
   */
  upload_id: string;
  attempt: number;
  /** 1-based order of the issue in the report; the pagination cursor. */
  seq: number;
  row: number;
  column: string | null;
  cell: string | null;
  code: string;
  message: string;
  value: string | null;
}

export interface UploadsTables {
  uploads: UploadsTable;
  upload_errors: UploadErrorsTable;
}
