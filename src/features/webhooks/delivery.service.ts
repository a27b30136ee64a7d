/**
 * Webhook delivery. Each outbox event becomes one delivery per subscribed endpoint (fan-out, in the
 * dispatcher's transaction). A `deliver-webhook` job makes one signed attempt (Standard Webhooks:
 * `webhook-id`, `webhook-timestamp`, `webhook-signature`); a non-2xx answer or no answer schedules
 * the next attempt after WEBHOOK_RETRY_SCHEDULE[n] seconds, and after the last the delivery is
 * `failed`. Order per endpoint and subject (an upload): only the oldest pending delivery of a chain
 * has a job; finishing it (delivered or failed) queues the next one, so event N+1 never overtakes N.
 * Delivery is at least once: a worker killed after the receiver answered sends it again, with the
 * same `webhook-id` so the receiver can de-duplicate.
 */
import type { Transaction } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../../config/config.js';
import type { Database, Db } from '../../db/database.js';
import { enqueueJob } from '../../jobs/queue.js';
import { newId } from '../../lib/ids.js';
import type { OutboxEvent } from '../events/index.js';
import { postJson } from './http-post.js';
import { deriveSecretKey, openSecret } from './webhook-secret.js';
import { parseWebhookUrl } from './url-guard.js';
import * as repo from './webhooks.repository.js';

export type DeliveryConfig = Pick<
  Config,
  'secretKey' | 'webhookTimeoutMs' | 'webhookRetryScheduleSeconds' | 'webhookAllowPrivate'
>;

export interface DeliverWebhookJob {
  deliveryId: string;
}

/** The visibility timeout of one attempt: the HTTP timeout plus room for the database work. */
export function deliveryJobExpirySeconds(config: Pick<Config, 'webhookTimeoutMs'>): number {
  return Math.ceil(config.webhookTimeoutMs / 1000) + 5;
}

async function enqueueDelivery(
  trx: Transaction<Database>,
  config: Pick<Config, 'webhookTimeoutMs'>,
  deliveryId: string,
  startAfterSeconds = 0,
): Promise<void> {
  await enqueueJob(trx, 'deliver-webhook', { deliveryId } satisfies DeliverWebhookJob, {
    startAfterSeconds,
    expireInSeconds: deliveryJobExpirySeconds(config),
  });
}

/** The body every attempt sends for an event. */
export function webhookPayload(type: string, timestamp: Date, data: Record<string, unknown>) {
  return { type, timestamp: timestamp.toISOString(), data };
}

/** Creates the deliveries of one outbox event (idempotent) and queues the head of each chain. */
export function createFanOut(config: Pick<Config, 'webhookTimeoutMs'>) {
  return async (trx: Transaction<Database>, event: OutboxEvent): Promise<void> => {
    // A new account has no endpoints of its own yet: `user.created` goes to the admins' endpoints.
    const endpoints =
      event.type === 'user.created'
        ? await repo.lockAdminEndpointsFor(trx, event.type)
        : await repo.lockEndpointsFor(trx, event.userId, event.type);
    for (const endpoint of endpoints) {
      const delivery = await repo.insertDelivery(trx, {
        id: newId(),
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        subjectId: event.subjectId,
        payload: webhookPayload(event.type, event.createdAt, event.data),
        messageId: `msg_${event.id}`,
      });
      if (delivery && !(await repo.hasEarlierPending(trx, delivery))) {
        await enqueueDelivery(trx, config, delivery.id);
      }
    }
  };
}

export interface AttemptOutcome {
  delivery: repo.DeliveryRow | null;
  /** False when nothing was sent (already finished, or waiting for an older delivery). */
  attempted: boolean;
}

/**
 * One attempt of a pending delivery, then its bookkeeping in one transaction. With `retry` false
 * (the test endpoint) a failed attempt fails the delivery at once.
 */
export async function attemptDelivery(
  db: Db,
  config: DeliveryConfig,
  deliveryId: string,
  options: { retry: boolean } = { retry: true },
): Promise<AttemptOutcome> {
  const delivery = await repo.findDeliveryWithEndpoint(db, deliveryId);
  if (!delivery || delivery.status !== 'pending') return { delivery: delivery ?? null, attempted: false };
  // The older delivery's completion queues this one again.
  if (await repo.hasEarlierPending(db, delivery)) return { delivery, attempted: false };

  const secret = openSecret(
    deriveSecretKey(config.secretKey),
    delivery.endpoint_id,
    delivery.secret_encrypted,
  );
  const body = JSON.stringify(delivery.payload);
  const now = new Date();
  const signature = new Webhook(secret).sign(delivery.message_id, now, body);
  const result = await postJson(
    parseWebhookUrl(delivery.url),
    body,
    {
      'webhook-id': delivery.message_id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    { timeoutMs: config.webhookTimeoutMs, allowPrivate: config.webhookAllowPrivate },
  );
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const attempts = delivery.attempts + 1;
  const schedule = options.retry ? config.webhookRetryScheduleSeconds : [];
  const retryIn = ok ? undefined : schedule[attempts - 1];
  const lastError = ok ? null : (result.error ?? `receiver answered HTTP ${result.status}`);

  const updated = await db.transaction().execute(async (trx) => {
    const endpoint = await repo.lockEndpoint(trx, delivery.endpoint_id);
    if (!endpoint) return null; // deleted meanwhile: its deliveries went with it
    if (retryIn !== undefined) {
      const row = await repo.updateDelivery(trx, delivery.id, {
        status: 'pending',
        attempts,
        responseStatus: result.status,
        lastError,
        nextAttemptAt: new Date(Date.now() + retryIn * 1000),
        finished: false,
      });
      await enqueueDelivery(trx, config, delivery.id, retryIn);
      return row;
    }
    const row = await repo.updateDelivery(trx, delivery.id, {
      status: ok ? 'delivered' : 'failed',
      attempts,
      responseStatus: result.status,
      lastError,
      nextAttemptAt: null,
      finished: true,
    });
    const next = await repo.firstPending(trx, delivery.endpoint_id, delivery.subject_id);
    if (next) await enqueueDelivery(trx, config, next.id);
    return row;
  });
  return { delivery: updated, attempted: true };
}

/**
 * The delivery job itself failed for good (not the receiver: e.g. the secret cannot be unsealed
 * after a SECRET_KEY change, or the database was away through every retry). Mark the delivery
 * failed and release the next one of its chain, so one broken delivery cannot stall the others.
 */
export async function abandonDelivery(
  db: Db,
  config: Pick<Config, 'webhookTimeoutMs'>,
  deliveryId: string,
  error: string,
) {
  await db.transaction().execute(async (trx) => {
    const delivery = await repo.findDeliveryWithEndpoint(trx, deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    if (!(await repo.lockEndpoint(trx, delivery.endpoint_id))) return;
    await repo.updateDelivery(trx, delivery.id, {
      status: 'failed',
      attempts: delivery.attempts,
      responseStatus: delivery.response_status,
      lastError: `the delivery could not be sent: ${error}`,
      nextAttemptAt: null,
      finished: true,
    });
    const next = await repo.firstPending(trx, delivery.endpoint_id, delivery.subject_id);
    if (next) await enqueueDelivery(trx, config, next.id);
  });
}
