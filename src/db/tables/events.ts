/**
 * The transactional outbox: a domain event is inserted in the same transaction as the change it
 * describes, then fanned out to webhook endpoints by the `dispatch-events` job.
 */
import type { ColumnType } from 'kysely';

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface OutboxEventsTable {
  /** UUID v7; also the Standard Webhooks `webhook-id` of every delivery of this event. */
  id: string;
  /** Insertion order; the dispatcher fans out in this order. */
  seq: ColumnType<number, never, never>;
  type: string;
  /** Whose event it is: that user's webhook endpoints receive it. */
  user_id: string;
  /** What it is about (an upload id, a schema id, a user id); ordering is kept per subject. */
  subject_id: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  created_at: GeneratedTimestamp;
  dispatched_at: NullableTimestamp;
}

export interface EventsTables {
  outbox_events: OutboxEventsTable;
}
