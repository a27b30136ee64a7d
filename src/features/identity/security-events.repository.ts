/** SQL for the security event log. */
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../db/database.js';
import type { JsonObject } from '../../db/tables/identity.js';

export async function insertSecurityEvent(
  db: Kysely<Database>,
  event: { userId: string | null; kind: string; details: JsonObject; ip: string | null },
): Promise<void> {
  await db
    .insertInto('security_events')
    .values({
      id: uuidv7(),
      user_id: event.userId,
      kind: event.kind,
      details: JSON.stringify(event.details),
      ip: event.ip,
    })
    .execute();
}
