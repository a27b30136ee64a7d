/** SQL for web sessions, nothing else. Rows are keyed by the SHA-256 of the cookie value. */
import type { Db } from '../../db/database.js';

export interface WebSessionRow {
  id_hash: Buffer;
  user_id: string;
  role: string;
  csrf_secret: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
}

export async function insertSession(
  db: Db,
  row: Omit<WebSessionRow, 'last_seen_at'> & { ip: string | null; user_agent: string | null },
): Promise<void> {
  await db.insertInto('web_sessions').values(row).execute();
}

export async function findSession(db: Db, idHash: Buffer): Promise<WebSessionRow | undefined> {
  return db
    .selectFrom('web_sessions')
    .select(['id_hash', 'user_id', 'role', 'csrf_secret', 'created_at', 'last_seen_at', 'expires_at'])
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
}

export async function touchSession(db: Db, idHash: Buffer, at: Date): Promise<void> {
  await db.updateTable('web_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: Buffer): Promise<void> {
  await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('web_sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpired(db: Db, now: Date, idleBefore: Date): Promise<number> {
  const result = await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
