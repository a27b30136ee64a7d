/**
 * The audit log. `recordAudit` takes the caller's executor, so an event is written in the same
 * transaction as the change it records (pass the transaction) and vanishes with it on rollback.
 * This feature imports no other feature: identity, access and admin all call into it.
 */
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../db/database.js';
import type { AuditActorKind } from '../../db/tables/audit.js';
import type { JsonObject } from '../../db/tables/identity.js';
import { errors } from '../../lib/app-error.js';
import { batchPerTurn } from '../../lib/batch-per-turn.js';
import * as repo from './audit.repository.js';

/** The audited actions; `schema.*`, `upload.*` and `admin.*` are families. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.refresh_reuse_detected'
  | 'user.created'
  | 'user.role_changed'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'user.deleted'
  | 'token.created'
  | 'token.revoked'
  | 'permission.denied'
  | `schema.${string}`
  | `upload.${string}`
  | `admin.${string}`;

/** Who acted: a user, a service account, a user through an API token, nobody, or the system. */
export interface AuditActor {
  readonly userId: string | null;
  readonly tokenId?: string | null;
  readonly kind: AuditActorKind;
}

/** Where the request came from. */
export interface AuditMeta {
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly requestId?: string | null;
}

/** Metadata of an HTTP request (ip always known), assignable to identity's RequestMeta too. */
export interface RequestAuditMeta extends AuditMeta {
  readonly ip: string | null;
}

export interface AuditEventInput {
  readonly action: AuditAction;
  readonly actor: AuditActor;
  readonly target?: { readonly type: string; readonly id: string | null } | null;
  readonly meta?: AuditMeta | null;
  readonly details?: JsonObject;
}

export const SYSTEM_ACTOR: AuditActor = Object.freeze({ userId: null, kind: 'system' });
export const ANONYMOUS_ACTOR: AuditActor = Object.freeze({ userId: null, kind: 'anonymous' });

/** Appends one event with `executor` (a transaction to commit it with the change it records). */
export async function recordAudit(executor: Db, event: AuditEventInput): Promise<void> {
  await repo.insertAuditEvent(executor, toAuditRow(event));
}

/**
 * `recordAudit` outside any transaction, for events that come in floods (failed logins): the
 * events recorded in the same event-loop turn are inserted by one statement (src/lib/batch-per-turn.ts).
 */
export function createBatchedAudit(db: Db): (event: AuditEventInput) => Promise<void> {
  const write = batchPerTurn<repo.NewAuditRow>({
    writeMany: (rows) => repo.insertAuditEvents(db, rows),
    writeOne: (row) => repo.insertAuditEvent(db, row),
  });
  return (event) => write(toAuditRow(event));
}

/** The row `recordAudit` writes, for a caller that inserts it within one statement of its own. */
export function toAuditRow(event: AuditEventInput): repo.NewAuditRow {
  return {
    id: uuidv7(),
    action: event.action,
    actor_user_id: event.actor.userId,
    actor_token_id: event.actor.tokenId ?? null,
    actor_kind: event.actor.kind,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    ip: event.meta?.ip ?? null,
    user_agent: event.meta?.userAgent?.slice(0, 512) ?? null,
    request_id: event.meta?.requestId ?? null,
    details: JSON.stringify(event.details ?? {}),
  };
}

export interface AuditQuery {
  limit?: number;
  cursor?: string;
  action?: string;
  actor_user_id?: string;
  target_id?: string;
  since?: string;
  until?: string;
}

export interface PublicAuditEvent {
  id: string;
  created_at: string;
  action: string;
  actor: { user_id: string | null; token_id: string | null; kind: AuditActorKind };
  target: { type: string; id: string | null } | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: JsonObject;
}

function toPublic(row: repo.AuditRow): PublicAuditEvent {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    action: row.action,
    actor: { user_id: row.actor_user_id, token_id: row.actor_token_id, kind: row.actor_kind },
    target: row.target_type ? { type: row.target_type, id: row.target_id } : null,
    ip: row.ip,
    user_agent: row.user_agent,
    request_id: row.request_id,
    details: row.details,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(row: repo.AuditRow): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(createdAt.getTime())) {
    throw errors.validation('The cursor is not valid.', [{ field: 'cursor', message: 'Not a cursor.' }]);
  }
  return { createdAt, id };
}

function parseTime(value: string | undefined, field: string): Date | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw errors.validation(`${field} must be an ISO 8601 time.`, [{ field, message: 'Not a time.' }]);
  }
  return date;
}

/** A page of events, newest first, filtered; the caller has checked `audit.view`. */
export async function listAudit(
  db: Db,
  query: AuditQuery,
): Promise<{ results: PublicAuditEvent[]; next_cursor: string | null }> {
  const limit = query.limit ?? 50;
  const rows = await repo.listAuditEvents(db, {
    limit,
    before: query.cursor ? decodeCursor(query.cursor) : null,
    action: query.action ?? null,
    actorUserId: query.actor_user_id ?? null,
    targetId: query.target_id ?? null,
    since: parseTime(query.since, 'since'),
    until: parseTime(query.until, 'until'),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    results: page.map(toPublic),
    next_cursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/** Deletes events older than `retentionDays` (0: keeps everything); returns how many went. */
export async function purgeExpiredAudit(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  if (retentionDays <= 0) return 0;
  return repo.deleteAuditEventsBefore(db, new Date(now.getTime() - retentionDays * 86_400_000));
}
