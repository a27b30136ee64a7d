/** Table type of the audit log (append-only: rows are only ever inserted). */
import type { ColumnType } from 'kysely';
import type { JsonObject } from './identity.js';

export type AuditActorKind = 'user' | 'service' | 'token' | 'anonymous' | 'system';

export interface AuditEventsTable {
  id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  action: ColumnType<string, string, never>;
  actor_user_id: ColumnType<string | null, string | null, never>;
  actor_token_id: ColumnType<string | null, string | null, never>;
  actor_kind: ColumnType<AuditActorKind, AuditActorKind, never>;
  target_type: ColumnType<string | null, string | null, never>;
  target_id: ColumnType<string | null, string | null, never>;
  ip: ColumnType<string | null, string | null, never>;
  user_agent: ColumnType<string | null, string | null, never>;
  request_id: ColumnType<string | null, string | null, never>;
  details: ColumnType<JsonObject, string | undefined, never>;
}

export interface AuditTables {
  audit_events: AuditEventsTable;
}
