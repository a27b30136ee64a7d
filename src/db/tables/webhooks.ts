/** Webhook endpoints per user, and one delivery row per (endpoint, event) with its attempts. */
import type { ColumnType } from 'kysely';

type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookEndpointsTable {
  id: string;
  user_id: string;
  url: string;
  description: Defaulted<string>;
  /** Event types this endpoint receives. */
  event_types: ColumnType<string[], string[], string[]>;
  /** The `whsec_…` signing secret sealed with AES-256-GCM under a key derived from SECRET_KEY. */
  secret_encrypted: Buffer;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  /** Creation order; per endpoint and subject, a delivery waits until earlier ones finish. */
  seq: ColumnType<number, never, never>;
  endpoint_id: string;
  /** The outbox event; null for `webhook.test`. */
  event_id: string | null;
  event_type: string;
  subject_id: string;
  /** The JSON body sent (`{type, timestamp, data}`), identical on every attempt. */
  payload: ColumnType<Record<string, unknown>, string, string>;
  /** Standard Webhooks `webhook-id`: the same on every attempt so receivers can de-duplicate. */
  message_id: string;
  status: Defaulted<WebhookDeliveryStatus>;
  attempts: Defaulted<number>;
  response_status: Defaulted<number | null>;
  last_error: Defaulted<string | null>;
  next_attempt_at: NullableTimestamp;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  finished_at: NullableTimestamp;
}

export interface WebhooksTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
