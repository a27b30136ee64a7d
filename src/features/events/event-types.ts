/** The domain events Intake publishes (outbox → webhooks). */
export const EVENT_TYPES = [
  'user.created',
  'upload.received',
  'validation.completed',
  'validation.failed',
  'schema.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  type: EventType;
  /** Whose event it is: that user's webhook endpoints receive it. */
  userId: string;
  /** What it is about (upload id, schema id, user id); webhook order is kept per subject. */
  subjectId: string;
  data: Record<string, unknown>;
}

/** An event as stored in the outbox. */
export interface OutboxEvent {
  id: string;
  seq: number;
  type: string;
  userId: string;
  subjectId: string;
  data: Record<string, unknown>;
  createdAt: Date;
}
