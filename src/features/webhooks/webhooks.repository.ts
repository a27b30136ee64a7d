/** SQL of the webhooks feature: endpoints, deliveries and the per-subject delivery chains. */
import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../../db/database.js';
import type { WebhookDeliveryStatus } from '../../db/tables/webhooks.js';

type Executor = Db | Transaction<Database>;

export interface EndpointRow {
  id: string;
  user_id: string;
  url: string;
  description: string;
  event_types: string[];
  secret_encrypted: Buffer;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  seq: number;
  endpoint_id: string;
  event_id: string | null;
  event_type: string;
  subject_id: string;
  payload: Record<string, unknown>;
  message_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export async function insertEndpoint(
  executor: Executor,
  row: {
    id: string;
    userId: string;
    url: string;
    description: string;
    eventTypes: string[];
    secretEncrypted: Buffer;
  },
): Promise<EndpointRow> {
  return executor
    .insertInto('webhook_endpoints')
    .values({
      id: row.id,
      user_id: row.userId,
      url: row.url,
      description: row.description,
      event_types: row.eventTypes,
      secret_encrypted: row.secretEncrypted,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** `userId` null: any owner's endpoint (managers and admins, issue 5's object rules). */
export async function findEndpoint(
  executor: Executor,
  id: string,
  userId: string | null,
): Promise<EndpointRow | undefined> {
  let query = executor.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
  if (userId !== null) query = query.where('user_id', '=', userId);
  return query.executeTakeFirst();
}

export async function listEndpoints(
  executor: Executor,
  /** The owner to list for; null lists everyone's (callers that act on all objects). */
  userId: string | null,
  options: { limit: number; afterId: string | null },
): Promise<EndpointRow[]> {
  let query = executor
    .selectFrom('webhook_endpoints')
    .selectAll()
    .orderBy('id')
    .limit(options.limit + 1);
  if (userId !== null) query = query.where('user_id', '=', userId);
  if (options.afterId !== null) query = query.where('id', '>', options.afterId);
  return query.execute();
}

export async function deleteEndpoint(
  executor: Executor,
  id: string,
  userId: string | null,
): Promise<boolean> {
  let query = executor.deleteFrom('webhook_endpoints').where('id', '=', id);
  if (userId !== null) query = query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * The user's endpoints subscribed to `type`, locked: fan-out and delivery completion both lock the
 * endpoint, so "is there an earlier pending delivery?" has one answer at a time per endpoint.
 */
export async function lockEndpointsFor(
  trx: Transaction<Database>,
  userId: string,
  type: string,
): Promise<EndpointRow[]> {
  return trx
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('user_id', '=', userId)
    .where(sql<boolean>`${type} = any(event_types)`)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Endpoints of admin users subscribed to `type` (account events concern the operators), locked. */
export async function lockAdminEndpointsFor(
  trx: Transaction<Database>,
  type: string,
): Promise<EndpointRow[]> {
  return trx
    .selectFrom('webhook_endpoints')
    .selectAll('webhook_endpoints')
    .where(sql<boolean>`${type} = any(event_types)`)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('users')
          .select('users.id')
          .whereRef('users.id', '=', 'webhook_endpoints.user_id')
          .where('users.role', '=', 'admin'),
      ),
    )
    .orderBy('webhook_endpoints.id')
    .forUpdate()
    .execute();
}

export async function lockEndpoint(trx: Transaction<Database>, id: string): Promise<EndpointRow | undefined> {
  return trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Inserts a delivery; undefined when this endpoint already has one for this event. */
export async function insertDelivery(
  executor: Executor,
  row: {
    id: string;
    endpointId: string;
    eventId: string | null;
    eventType: string;
    subjectId: string;
    payload: Record<string, unknown>;
    messageId: string;
  },
): Promise<DeliveryRow | undefined> {
  return executor
    .insertInto('webhook_deliveries')
    .values({
      id: row.id,
      endpoint_id: row.endpointId,
      event_id: row.eventId,
      event_type: row.eventType,
      subject_id: row.subjectId,
      payload: JSON.stringify(row.payload),
      message_id: row.messageId,
    })
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).where('event_id', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findDeliveryWithEndpoint(executor: Executor, id: string) {
  return executor
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .selectAll('d')
    .select(['e.url', 'e.secret_encrypted', 'e.user_id'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** True while an older delivery of the same endpoint and subject is still pending. */
export async function hasEarlierPending(
  executor: Executor,
  delivery: { endpoint_id: string; subject_id: string; seq: number },
): Promise<boolean> {
  const row = await executor
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('endpoint_id', '=', delivery.endpoint_id)
    .where('subject_id', '=', delivery.subject_id)
    .where('status', '=', 'pending')
    .where('seq', '<', delivery.seq)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The oldest pending delivery of an endpoint and subject: the head of its chain. */
export async function firstPending(
  executor: Executor,
  endpointId: string,
  subjectId: string,
): Promise<DeliveryRow | undefined> {
  return executor
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('subject_id', '=', subjectId)
    .where('status', '=', 'pending')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}

export async function updateDelivery(
  executor: Executor,
  id: string,
  patch: {
    status: WebhookDeliveryStatus;
    attempts: number;
    responseStatus: number | null;
    lastError: string | null;
    nextAttemptAt: Date | null;
    finished: boolean;
  },
): Promise<DeliveryRow> {
  return executor
    .updateTable('webhook_deliveries')
    .set({
      status: patch.status,
      attempts: patch.attempts,
      response_status: patch.responseStatus,
      last_error: patch.lastError,
      next_attempt_at: patch.nextAttemptAt,
      updated_at: new Date(),
      finished_at: patch.finished ? new Date() : null,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deliveries of one endpoint, newest first. */
export async function listDeliveries(
  executor: Executor,
  endpointId: string,
  options: { limit: number; beforeId: string | null; status: WebhookDeliveryStatus | null },
): Promise<DeliveryRow[]> {
  let query = executor
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.beforeId !== null) query = query.where('id', '<', options.beforeId);
  if (options.status !== null) query = query.where('status', '=', options.status);
  return query.execute();
}
