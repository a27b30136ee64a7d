/**
 * The background validation of one upload run: claim an attempt, run the engine in a worker
 * thread, COPY the issues, and make them the result in one transaction with the outcome's event.
 * Idempotent under retries: a killed attempt's rows (if any) carry its attempt number and are
 * dropped when a later attempt finishes; a stale run (revalidated since) does nothing.
 */
import type { Deps } from '../../deps.js';
import { recordEvent } from '../events/index.js';
import { confirmedHeaderMapping } from '../ai/index.js';
import { getSchemaVersion } from '../schemas/index.js';
import type { UploadRow } from './uploads.repository.js';
import {
  failRun,
  finishAttempt,
  findUpload,
  setHeaderMapping,
  startAttempt,
  updateProgress,
} from './uploads.repository.js';
import { openIssueCopy } from './upload-errors.copy.js';
import { FileRejectedError, readerLimits, validateInThread } from './validation-thread.js';

/** The `validate-upload` job's data. */
export interface ValidateUploadJob {
  readonly uploadId: string;
  /** The run this job belongs to; a revalidation starts a new one. */
  readonly runId: string;
}

/** Progress is written at most this often (the API promises at least once a second). */

export type ValidationDeps = Pick<Deps, 'db' | 'pgPool' | 'storage' | 'config' | 'logger'>;

/** Runs (or resumes after a crash) validation of the job's upload. Throws on transient failures. */
export async function runValidation(
  deps: ValidationDeps,
  job: ValidateUploadJob,
  signal: AbortSignal,
): Promise<void> {
  const { db, logger } = deps;
  const t0 = performance.now();
  const upload = await startAttempt(db, job.uploadId, job.runId);
  if (upload === undefined) {
    logger.info(
      { uploadId: job.uploadId },
      'validation job skipped: upload deleted, finished or revalidated',
    );
    return;
  }
  const log = logger.child({ uploadId: upload.id, attempt: upload.attempt });

  // The schema's confirmed mappings, as they are now, are this run's: recorded on the upload so
  // re-reading its rows (and reviewing them) later matches exactly what this validation saw. Read
  // together with the schema version: one round trip less before the engine starts.
  const [schema, headerMapping] = await Promise.all([
    getSchemaVersion(db, {
      schemaId: upload.schema_id,
      version: upload.schema_version,
      userId: upload.user_id,
    }),
    confirmedHeaderMapping(db, upload.schema_id),
  ]);
  if (schema === null) {
    await failWithEvent(deps, upload, {
      code: 'schema_not_found',
      message: `Schema ${upload.schema_id} version ${upload.schema_version} no longer exists.`,
    });
    return;
  }

  await setHeaderMapping(db, upload.id, upload.attempt, headerMapping);

  const path = await deps.storage.localPath(upload.storage_key);
  const copy = openIssueCopy(deps.pgPool, upload.id, upload.attempt);
  let lastWrite = 0;
  let writing: Promise<void> = Promise.resolve();
  const started = performance.now();
  let summary;
  let engineMs = 0;
  let reportAt = 0;
  try {
    summary = await validateInThread(
      {
        path,
        schema: schema.schema,
        sheet: upload.sheet,
        headerMapping,
        fileName: upload.file_name,
        maxIssues: deps.config.maxStoredErrors,
        limits: readerLimits(deps.config),
        progressIntervalMs: Math.min(250, deps.config.uploadProgressMs),
        copy: { uploadId: upload.id, attempt: upload.attempt },
      },
      {
        onIssues: (issues) => copy.write(issues),
        onCopyText: (text, count) => copy.writeText(text, count),
        onEngineTime: (ms) => {
          engineMs = ms;
          reportAt = performance.now();
        },
        onProgress: (p) => {
          const now = performance.now();
          if (now - lastWrite < deps.config.uploadProgressMs) return;
          lastWrite = now;
          // One write in flight at a time; a failed progress write is not worth failing the job.
          writing = writing
            .then(() =>
              updateProgress(db, upload.id, upload.attempt, { rows: p.rowsRead, bytes: p.bytesRead }),
            )
            .catch((err: unknown) => log.warn({ err }, 'progress update failed'));
        },
      },
      signal,
    );
    await copy.finish();
  } catch (err) {
    await copy.abort();
    await writing;
    if (err instanceof FileRejectedError) {
      // The engine cannot read this file; retrying cannot help.
      await failWithEvent(deps, upload, { code: err.code, message: err.message });
      return;
    }
    throw err;
  }
  await writing;
  const copiedAt = performance.now();

  const errorsStored = Math.min(summary.error_count, deps.config.maxStoredErrors);
  const finished = await db.transaction().execute(async (trx) => {
    const row = await finishAttempt(trx, upload.id, upload.attempt, {
      status: summary.valid ? 'valid' : 'invalid',
      rowsTotal: summary.rows.total,
      rowsValid: summary.rows.valid,
      rowsInvalid: summary.rows.invalid,
      errorCount: summary.error_count,
      errorsByCode: { ...summary.errors_by_code },
      errorsStored,
      bytes: summary.file.bytes,
    });
    if (row === undefined) return undefined;
    await recordEvent(trx, {
      type: 'validation.completed',
      userId: row.user_id,
      subjectId: row.id,
      data: {
        upload_id: row.id,
        schema_id: row.schema_id,
        schema_version: row.schema_version,
        status: row.status,
        rows_total: row.rows_total,
        rows_valid: row.rows_valid,
        rows_invalid: row.rows_invalid,
        error_count: row.error_count,
        errors_by_code: row.errors_by_code,
      },
    });
    return row;
  });
  if (finished === undefined) {
    log.warn('validation attempt superseded before it finished; result discarded');
    return;
  }
  log.info(
    {
      status: finished.status,
      rows: finished.rows_total,
      errors: finished.error_count,
      ms: Math.round(performance.now() - t0),
      // Where the time went: before the engine, the engine itself (in its thread), the whole
      // thread task, storing the last issues after the engine finished, the result transaction.
      phases: {
        prepare: Math.round(started - t0),
        engine: Math.round(engineMs),
        thread: Math.round(reportAt - started),
        copyTail: Math.round(copiedAt - reportAt),
        finish: Math.round(performance.now() - copiedAt),
      },
    },
    'upload validated',
  );
}

/** Marks the run failed with `failure` and records `validation.failed`, in one transaction. */
export async function failWithEvent(
  deps: Pick<Deps, 'db'>,
  upload: Pick<UploadRow, 'id' | 'run_id'>,
  failure: { code: string; message: string },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const row = await failRun(trx, upload.id, upload.run_id, failure);
    if (row === undefined) return;
    await recordEvent(trx, {
      type: 'validation.failed',
      userId: row.user_id,
      subjectId: row.id,
      data: {
        upload_id: row.id,
        schema_id: row.schema_id,
        schema_version: row.schema_version,
        status: 'failed',
        error: { code: failure.code, message: failure.message },
      },
    });
  });
}

/** The job's last attempt failed for good (retries used up): the upload fails with a platform error. */
export async function failAfterRetries(
  deps: Pick<Deps, 'db' | 'logger'>,
  job: ValidateUploadJob,
  error: string,
): Promise<void> {
  const upload = await findUpload(deps.db, job.uploadId);
  if (upload === undefined || upload.run_id !== job.runId) return;
  // The cause stays in the log: it can hold paths and SQL a client must not see.
  deps.logger.error({ uploadId: upload.id, error }, 'validation failed on every attempt');
  await failWithEvent(deps, upload, {
    code: 'validation_error',
    message: 'Validation could not be completed after several attempts; try revalidating later.',
  });
}
