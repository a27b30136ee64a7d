/** SQL of the outbox. */
import type { Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';

type Executor = Db | Transaction<Database>;

export async function insertEvent(
  executor: Executor,
  row: { id: string; type: string; userId: string; subjectId: string; data: Record<string, unknown> },
): Promise<void> {
  await executor
    .insertInto('outbox_events')
    .values({
      id: row.id,
      type: row.type,
      user_id: row.userId,
      subject_id: row.subjectId,
      data: JSON.stringify(row.data),
    })
    .execute();
}

/** The oldest undispatched events, locked for this transaction. */
export async function lockUndispatched(trx: Transaction<Database>, limit: number) {
  return trx
    .selectFrom('outbox_events')
    .selectAll()
    .where('dispatched_at', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .forUpdate()
    .execute();
}

export async function markDispatched(trx: Transaction<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('outbox_events')
    .set({ dispatched_at: new Date() })
    .where('id', 'in', [...ids])
    .execute();
}

export async function findEvent(executor: Executor, id: string) {
  return executor.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirst();
}
