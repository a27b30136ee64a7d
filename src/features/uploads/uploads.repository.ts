/** SQL of the uploads feature (uploads, upload_errors). Functions take the db or a transaction first. */
import { sql, type Insertable, type Selectable, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { UploadsTable, UploadStatus } from '../../db/tables/uploads.js';
import { sharedIdsQuery } from '../sharing/index.js';

export type UploadRow = Selectable<UploadsTable>;
type Executor = Db | Transaction<Database>;

/**
 * NOTIFY channel of upload changes (payload: the upload id). Every statement that changes what
 * GET /uploads/{id}/events shows (status, progress, deletion) notifies in that same statement, so
 * the notice is delivered exactly when the change commits, to the listeners of every process.
 */
export const UPLOAD_NOTIFY_CHANNEL = 'intake_upload';

/** A RETURNING column that notifies the upload's change (see UPLOAD_NOTIFY_CHANNEL). */
const notifyChange = sql<unknown>`pg_notify(${UPLOAD_NOTIFY_CHANNEL}, uploads.id::text)`.as('notified');

/** The row without the RETURNING column `notifyChange` added. */
function withoutNotice(row: (UploadRow & { notified: unknown }) | undefined): UploadRow | undefined {
  if (row === undefined) return undefined;
  const { notified: _sent, ...rest } = row;
  return rest;
}

export async function insertUpload(db: Executor, row: Insertable<UploadsTable>): Promise<UploadRow> {
  return db.insertInto('uploads').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findUpload(db: Executor, id: string): Promise<UploadRow | undefined> {
  return db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findByIdempotencyKey(
  db: Executor,
  userId: string,
  key: string,
): Promise<UploadRow | undefined> {
  return db
    .selectFrom('uploads')
    .selectAll()
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export interface UploadListFilter {
  status?: UploadStatus;
  schemaId?: string;
  /** Exclusive: uploads with a smaller id (older) than this. */
  beforeId?: string;
  limit: number;
}

/**
 * Newest first. `scope`: null lists everyone's (callers that act on all objects); `own` that user's
 * uploads; `shared` only those shared with it (not its own); `visible` its own plus those shared
 * with it (two index-ordered branches, merged).
 */
export async function listUploads(
  db: Executor,
  scope: { own: string } | { shared: string } | { visible: string } | null,
  filter: UploadListFilter,
): Promise<UploadRow[]> {
  const filtered = () => {
    let query = db.selectFrom('uploads').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.schemaId !== undefined) query = query.where('schema_id', '=', filter.schemaId);
    if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
    return query;
  };
  if (scope === null) return filtered().orderBy('id', 'desc').limit(filter.limit).execute();
  if ('own' in scope)
    return filtered().where('user_id', '=', scope.own).orderBy('id', 'desc').limit(filter.limit).execute();
  if ('shared' in scope)
    return filtered()
      .where('id', 'in', sharedIdsQuery(db, 'upload', scope.shared))
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
  const own = filtered().where('user_id', '=', scope.visible);
  const shared = filtered().where('id', 'in', sharedIdsQuery(db, 'upload', scope.visible));
  return db
    .selectFrom(own.unionAll(shared).as('visible'))
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit)
    .execute();
}

export interface SharedUploadRow {
  id: string;
  file_name: string;
  status: UploadStatus;
  owner_email: string;
  shared_at: Date;
}

/**
 * The uploads shared with `userId` (the dashboard's "Shared with you"), most recently shared
 * first: only rows with a share to that user, so nothing else can appear.
 */
export async function listSharedWith(
  db: Executor,
  userId: string,
  limit: number,
): Promise<SharedUploadRow[]> {
  return db
    .selectFrom('shares')
    .innerJoin('uploads', 'uploads.id', 'shares.resource_id')
    .innerJoin('users', 'users.id', 'uploads.user_id')
    .select([
      'uploads.id',
      'uploads.file_name',
      'uploads.status',
      'users.email as owner_email',
      'shares.created_at as shared_at',
    ])
    .where('shares.resource_type', '=', 'upload')
    .where('shares.user_id', '=', userId)
    .orderBy('shares.created_at', 'desc')
    .orderBy('uploads.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Claims the upload for a new attempt of run `runId`: bumps `attempt` and marks it validating.
 * Undefined when the run is stale (revalidated since) or already finished.
 */
export async function startAttempt(db: Executor, id: string, runId: string): Promise<UploadRow | undefined> {
  return db
    .updateTable('uploads')
    .set({
      status: 'validating',
      attempt: sql<number>`attempt + 1`,
      progress_rows: 0,
      progress_bytes: 0,
      started_at: sql<Date>`coalesce(started_at, now())`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('run_id', '=', runId)
    .where('status', 'in', ['queued', 'validating'])
    .returningAll()
    .returning(notifyChange)
    .executeTakeFirst()
    .then(withoutNotice);
}

/** Records the header mapping `attempt` validates with (see UploadsTable.header_mapping). */
export async function setHeaderMapping(
  db: Executor,
  id: string,
  attempt: number,
  mapping: Record<string, string | null>,
): Promise<void> {
  await db
    .updateTable('uploads')
    .set({ header_mapping: JSON.stringify(mapping) })
    .where('id', '=', id)
    .where('attempt', '=', attempt)
    .execute();
}

export async function updateProgress(
  db: Executor,
  id: string,
  attempt: number,
  progress: { rows: number; bytes: number },
): Promise<void> {
  await db
    .updateTable('uploads')
    .set({ progress_rows: progress.rows, progress_bytes: progress.bytes, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('attempt', '=', attempt)
    .where('status', '=', 'validating')
    .returning(notifyChange)
    .execute();
}

export interface AttemptResult {
  status: 'valid' | 'invalid';
  rowsTotal: number;
  rowsValid: number;
  rowsInvalid: number;
  errorCount: number;
  errorsByCode: Record<string, number>;
  errorsStored: number;
  bytes: number;
}

/**
 * Makes `attempt`'s issues the result: earlier attempts' rows go in the same transaction. False
 * when the attempt is no longer current (a newer attempt or run took over): the caller rolls back.
 */
export async function finishAttempt(
  trx: Transaction<Database>,
  id: string,
  attempt: number,
  result: AttemptResult,
): Promise<UploadRow | undefined> {
  const row = await trx
    .updateTable('uploads')
    .set({
      status: result.status,
      rows_total: result.rowsTotal,
      rows_valid: result.rowsValid,
      rows_invalid: result.rowsInvalid,
      error_count: result.errorCount,
      errors_by_code: JSON.stringify(result.errorsByCode),
      errors_stored: result.errorsStored,
      progress_rows: result.rowsTotal,
      progress_bytes: result.bytes,
      result_attempt: attempt,
      annotated_key: null,
      error_code: null,
      error_message: null,
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('attempt', '=', attempt)
    .where('status', '=', 'validating')
    .returningAll()
    .returning(notifyChange)
    .executeTakeFirst()
    .then(withoutNotice);
  if (row === undefined) return undefined;
  // Only earlier attempts can have rows (a later one would have made this update match nothing),
  // and `<` is a range of the primary key (upload_id, attempt, seq), where `<>` read every row of
  // this attempt's issues (or the whole table) to find none.
  await trx.deleteFrom('upload_errors').where('upload_id', '=', id).where('attempt', '<', attempt).execute();
  return row;
}

/** Marks the run failed (engine refused the file, or retries ran out). Undefined when stale or already final. */
export async function failRun(
  db: Executor,
  id: string,
  runId: string,
  failure: { code: string; message: string },
): Promise<UploadRow | undefined> {
  const row = await db
    .updateTable('uploads')
    .set({
      status: 'failed',
      error_code: failure.code,
      error_message: failure.message,
      result_attempt: null,
      annotated_key: null,
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('run_id', '=', runId)
    .where('status', 'in', ['queued', 'validating'])
    .returningAll()
    .returning(notifyChange)
    .executeTakeFirst()
    .then(withoutNotice);
  if (row !== undefined) await db.deleteFrom('upload_errors').where('upload_id', '=', id).execute();
  return row;
}

/** Puts a finished upload back in the queue for a new run; its old results are dropped. */
export async function requeue(
  trx: Transaction<Database>,
  id: string,
  update: { runId: string; schemaVersion: number },
): Promise<UploadRow | undefined> {
  const values = {
    status: 'queued' as const,
    run_id: update.runId,
    schema_version: update.schemaVersion,
    result_attempt: null,
    annotated_key: null,
    progress_rows: 0,
    progress_bytes: 0,
    rows_total: null,
    rows_valid: null,
    rows_invalid: null,
    error_count: null,
    errors_by_code: null,
    errors_stored: null,
    error_code: null,
    error_message: null,
    header_mapping: null,
    started_at: null,
    finished_at: null,
  };
  const row = await trx
    .updateTable('uploads')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', 'in', ['valid', 'invalid', 'failed'])
    .returningAll()
    .returning(notifyChange)
    .executeTakeFirst()
    .then(withoutNotice);
  if (row !== undefined) await trx.deleteFrom('upload_errors').where('upload_id', '=', id).execute();
  return row;
}

export async function setAnnotatedKey(
  db: Executor,
  id: string,
  resultAttempt: number,
  key: string,
): Promise<boolean> {
  const result = await db
    .updateTable('uploads')
    .set({ annotated_key: key })
    .where('id', '=', id)
    .where('result_attempt', '=', resultAttempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteUpload(db: Executor, id: string): Promise<UploadRow | undefined> {
  return db
    .deleteFrom('uploads')
    .where('id', '=', id)
    .returningAll()
    .returning(notifyChange)
    .executeTakeFirst()
    .then(withoutNotice);
}

export interface ErrorFilter {
  code?: string;
  column?: string;
  /** Exclusive: issues after this sequence number. */
  afterSeq?: number;
  limit: number;
}

export async function listErrors(db: Executor, uploadId: string, attempt: number, filter: ErrorFilter) {
  let query = db
    .selectFrom('upload_errors')
    .select(['seq', 'row', 'column', 'cell', 'code', 'message', 'value'])
    .where('upload_id', '=', uploadId)
    .where('attempt', '=', attempt);
  if (filter.code !== undefined) query = query.where('code', '=', filter.code);
  if (filter.column !== undefined) query = query.where('column', '=', filter.column);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  return query.orderBy('seq').limit(filter.limit).execute();
}
