/** SQL for the dashboard and report summaries (aggregates over uploads and stored issues). */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';

export interface UploadTotalsRow {
  files: number;
  rows_checked: number;
  rows_invalid: number;
}

/** Files uploaded since `since` by the user, and the rows their finished validations checked. */
export async function totalsSince(db: Db, userId: string, since: Date): Promise<UploadTotalsRow> {
  const row = await db
    .selectFrom('uploads')
    .select([
      sql<number>`count(*)::int`.as('files'),
      sql<number>`coalesce(sum(rows_total), 0)::int8`.as('rows_checked'),
      sql<number>`coalesce(sum(rows_invalid), 0)::int8`.as('rows_invalid'),
    ])
    .where('user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return row;
}

/** The most frequent error codes across the user's uploads since `since` (from the per-upload counts). */
export async function topErrorCodes(
  db: Db,
  userId: string,
  since: Date,
  limit: number,
): Promise<Array<{ code: string; count: number }>> {
  const result = await sql<{ code: string; count: number }>`
    select e.key as code, sum(e.value::int8)::int8 as count
    from uploads u, jsonb_each_text(u.errors_by_code) e
    where u.user_id = ${userId} and u.created_at >= ${since} and u.errors_by_code is not null
    group by e.key
    order by count desc, code
    limit ${limit}`.execute(db);
  return result.rows;
}

/** Stored issues of one result attempt counted by column (uses upload_errors_column_idx). */
export async function errorsByColumn(
  db: Db,
  uploadId: string,
  attempt: number,
  limit: number,
): Promise<Array<{ column: string | null; count: number }>> {
  return db
    .selectFrom('upload_errors')
    .select(['column', sql<number>`count(*)::int8`.as('count')])
    .where('upload_id', '=', uploadId)
    .where('attempt', '=', attempt)
    .groupBy('column')
    .orderBy('count', 'desc')
    .limit(limit)
    .execute();
}
