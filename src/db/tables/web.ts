/** Table types of the web door (server-side sessions). */
import type { ColumnType } from 'kysely';

export interface WebSessionsTable {
  id_hash: Buffer;
  user_id: string;
  role: string;
  csrf_secret: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: ColumnType<Date, Date, never>;
  ip: string | null;
  user_agent: string | null;
}

export interface WebTables {
  web_sessions: WebSessionsTable;
}
