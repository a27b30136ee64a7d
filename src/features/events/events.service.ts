/**
 * The transactional outbox. `recordEvent` writes the event in the caller's transaction and queues
 * a `dispatch-events` job in the same transaction, so an event exists exactly when its change
 * committed. The dispatcher hands events, oldest first, to a fan-out (webhooks) and marks them
 * dispatched in one transaction: a crash mid-way re-runs the whole batch, and the fan-out is
 * idempotent (one delivery per endpoint and event).
 */
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import { enqueueJob } from '../../jobs/queue.js';
import { newId } from '../../lib/ids.js';
import { EVENT_TYPES, type DomainEvent, type OutboxEvent } from './event-types.js';
import * as repo from './events.repository.js';

/** Serialises dispatchers across processes, so events fan out in outbox order. */
const DISPATCH_LOCK_KEY = 7_242_016_011;
const BATCH = 200;

export type FanOut = (trx: Transaction<Database>, event: OutboxEvent) => Promise<void>;

/** Records `event` in the outbox inside `executor`'s transaction; returns the event id. */
export async function recordEvent(executor: Db | Transaction<Database>, event: DomainEvent): Promise<string> {
  if (!(EVENT_TYPES as readonly string[]).includes(event.type)) {
    throw new Error(`Unknown event type "${event.type}"`);
  }
  const id = newId();
  await repo.insertEvent(executor, { id, ...event });
  await enqueueJob(executor, 'dispatch-events', { eventId: id });
  return id;
}

/** Fans out every undispatched event, oldest first; returns how many were dispatched. */
export async function dispatchPendingEvents(db: Db, fanOut: FanOut): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${DISPATCH_LOCK_KEY})`.execute(trx);
      const rows = await repo.lockUndispatched(trx, BATCH);
      for (const row of rows) {
        await fanOut(trx, {
          id: row.id,
          seq: row.seq,
          type: row.type,
          userId: row.user_id,
          subjectId: row.subject_id,
          data: row.data,
          createdAt: row.created_at,
        });
      }
      await repo.markDispatched(
        trx,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
    total += count;
    if (count < BATCH) return total;
  }
}
