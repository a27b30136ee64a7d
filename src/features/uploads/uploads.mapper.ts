/** Upload rows to the API's resource shape (snake_case, ISO timestamps). */
import type { UploadRow } from './uploads.repository.js';
import type { PublicUpload } from './uploads.schemas.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function toPublicUpload(row: UploadRow): PublicUpload {
  return {
    id: row.id,
    status: row.status,
    schema_id: row.schema_id,
    schema_version: row.schema_version,
    file_name: row.file_name,
    format: row.format === 'xlsx' ? 'xlsx' : 'csv',
    sheet: row.sheet,
    bytes: row.bytes,
    sha256: row.sha256,
    progress: { rows_processed: row.progress_rows, bytes_read: row.progress_bytes, bytes_total: row.bytes },
    rows_total: row.rows_total,
    rows_valid: row.rows_valid,
    rows_invalid: row.rows_invalid,
    error_count: row.error_count,
    errors_by_code: row.errors_by_code,
    errors_stored: row.errors_stored,
    errors_truncated:
      row.error_count !== null && row.errors_stored !== null && row.error_count > row.errors_stored,
    header_mapping: row.header_mapping,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
  };
}

/** True once the upload will not change without a revalidation. */
export function isFinal(status: UploadRow['status']): boolean {
  return status === 'valid' || status === 'invalid' || status === 'failed';
}
