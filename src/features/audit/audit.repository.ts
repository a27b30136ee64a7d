/** SQL for the audit log: insert, filtered pages, and the retention cleanup. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AuditEventsTable, AuditActorKind } from '../../db/tables/audit.js';

type Executor = Kysely<Database>;
export type AuditRow = Selectable<AuditEventsTable>;

export interface NewAuditRow {
  id: string;
  action: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_kind: AuditActorKind;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: string;
}

export async function insertAuditEvent(db: Executor, row: NewAuditRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

/** Several rows in one statement: all of them or none. */
export async function insertAuditEvents(db: Executor, rows: readonly NewAuditRow[]): Promise<void> {
  await db
    .insertInto('audit_events')
    .values([...rows])
    .execute();
}

export interface AuditFilter {
  limit: number;
  /** Keyset: rows strictly older than this (created_at, id) pair. */
  before: { createdAt: Date; id: string } | null;
  action: string | null;
  actorUserId: string | null;
  targetId: string | null;
  since: Date | null;
  until: Date | null;
}

/** Newest first; fetches one extra row so the caller knows whether more follow. */
export async function listAuditEvents(db: Executor, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.before) {
    const { createdAt, id } = filter.before;
    query = query.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id}::uuid)`);
  }
  if (filter.action) {
    // `schema.*` selects a family of actions.
    query = filter.action.endsWith('.*')
      ? query.where('action', 'like', `${filter.action.slice(0, -1).replace(/[%_\\]/g, '\\$&')}%`)
      : query.where('action', '=', filter.action);
  }
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.since) query = query.where('created_at', '>=', filter.since);
  if (filter.until) query = query.where('created_at', '<', filter.until);
  return query.execute();
}

/**
 * Deletes events older than `cutoff`. The append-only trigger lets a DELETE through only with the
 * transaction-local setting `intake.audit_retention = on`, which only this function sets.
 */
export async function deleteAuditEventsBefore(db: Executor, cutoff: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('intake.audit_retention', 'on', true)`.execute(trx);
    const result = await trx.deleteFrom('audit_events').where('created_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
