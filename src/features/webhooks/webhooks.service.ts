/**
 * Webhook endpoints of a user: create (the `whsec_…` secret is returned once and stored sealed),
 * list, delete, the delivery log, and a test delivery. Endpoints are private to their owner.
 */
import type { Db } from '../../db/database.js';
import type { WebhookDeliveryStatus } from '../../db/tables/webhooks.js';
import { isUuid, newId } from '../../lib/ids.js';
import { actsOnAllObjects } from '../access/index.js';
import type { AuthContext } from '../identity/index.js';
import { attemptDelivery, webhookPayload, type DeliveryConfig } from './delivery.service.js';
import { parseWebhookUrl, resolvePublicAddresses, UnsafeUrlError } from './url-guard.js';
import { deriveSecretKey, generateWebhookSecret, sealSecret } from './webhook-secret.js';
import { webhookErrors } from './webhooks.errors.js';
import * as repo from './webhooks.repository.js';

export interface EndpointResource {
  id: string;
  url: string;
  description: string;
  event_types: string[];
  created_at: string;
}

export interface DeliveryResource {
  id: string;
  event_id: string | null;
  event_type: string;
  subject_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface Page<T> {
  results: T[];
  next_cursor: string | null;
}

function toEndpoint(row: repo.EndpointRow): EndpointResource {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: row.event_types,
    created_at: row.created_at.toISOString(),
  };
}

function toDelivery(row: repo.DeliveryRow): DeliveryResource {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    subject_id: row.subject_id,
    status: row.status,
    attempts: row.attempts,
    response_status: row.response_status,
    last_error: row.last_error,
    next_attempt_at: row.next_attempt_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

function cursorOf(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function idFromCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) throw webhookErrors.invalidCursor();
  return id;
}

function page<R, T>(rows: R[], limit: number, map: (r: R) => T, id: (r: R) => string): Page<T> {
  const results = rows.slice(0, limit);
  const last = results.at(-1);
  return {
    results: results.map(map),
    next_cursor: rows.length > limit && last !== undefined ? cursorOf(id(last)) : null,
  };
}

/** A URL we may send to: http(s), no credentials, and public unless private targets are allowed. */
export async function checkWebhookUrl(value: string, allowPrivate: boolean): Promise<string> {
  try {
    const url = parseWebhookUrl(value);
    await resolvePublicAddresses(url, allowPrivate);
    return url.toString();
  } catch (err) {
    if (err instanceof UnsafeUrlError) throw webhookErrors.unsafeUrl(err.message);
    throw err;
  }
}

/** Holders of `webhook.all` (managers, admins) act on everyone's endpoints; others on their own. */
function ownerFilter(auth: AuthContext): string | null {
  return actsOnAllObjects(auth, 'webhook') ? null : auth.userId;
}

export function createWebhooksService(deps: { db: Db; dbRead: Db; config: DeliveryConfig }) {
  const sealingKey = deriveSecretKey(deps.config.secretKey);

  async function load(auth: AuthContext, id: string): Promise<repo.EndpointRow> {
    if (!isUuid(id)) throw webhookErrors.notFound();
    const row = await repo.findEndpoint(deps.db, id, ownerFilter(auth));
    if (!row) throw webhookErrors.notFound();
    return row;
  }

  return {
    async create(
      auth: AuthContext,
      input: { url: string; event_types: string[]; description?: string },
    ): Promise<EndpointResource & { secret: string }> {
      const url = await checkWebhookUrl(input.url, deps.config.webhookAllowPrivate);
      const id = newId();
      const secret = generateWebhookSecret();
      const row = await repo.insertEndpoint(deps.db, {
        id,
        userId: auth.userId,
        url,
        description: input.description ?? '',
        eventTypes: [...new Set(input.event_types)],
        secretEncrypted: sealSecret(sealingKey, id, secret),
      });
      return { ...toEndpoint(row), secret };
    },

    async list(
      auth: AuthContext,
      query: { limit?: number; cursor?: string; owner?: 'me' },
    ): Promise<Page<EndpointResource>> {
      const limit = query.limit ?? 20;
      const owner = query.owner === 'me' ? auth.userId : ownerFilter(auth);
      const rows = await repo.listEndpoints(deps.dbRead, owner, {
        limit,
        afterId: query.cursor ? idFromCursor(query.cursor) : null,
      });
      return page(rows, limit, toEndpoint, (r) => r.id);
    },

    async get(auth: AuthContext, id: string): Promise<EndpointResource> {
      return toEndpoint(await load(auth, id));
    },

    /** Deletes the endpoint and its delivery log; queued attempts find nothing and stop. */
    async remove(auth: AuthContext, id: string): Promise<void> {
      if (!isUuid(id) || !(await repo.deleteEndpoint(deps.db, id, ownerFilter(auth)))) {
        throw webhookErrors.notFound();
      }
    },

    async deliveries(
      auth: AuthContext,
      id: string,
      query: { limit?: number; cursor?: string; status?: WebhookDeliveryStatus },
    ): Promise<Page<DeliveryResource>> {
      const endpoint = await load(auth, id);
      const limit = query.limit ?? 20;
      const rows = await repo.listDeliveries(deps.dbRead, endpoint.id, {
        limit,
        beforeId: query.cursor ? idFromCursor(query.cursor) : null,
        status: query.status ?? null,
      });
      return page(rows, limit, toDelivery, (r) => r.id);
    },

    /** Sends a `webhook.test` event now, once (no retries), and returns the logged delivery. */
    async test(auth: AuthContext, id: string): Promise<DeliveryResource> {
      const endpoint = await load(auth, id);
      const deliveryId = newId();
      await repo.insertDelivery(deps.db, {
        id: deliveryId,
        endpointId: endpoint.id,
        eventId: null,
        eventType: 'webhook.test',
        // Its own chain: a test never waits behind real deliveries.
        subjectId: `test:${deliveryId}`,
        payload: webhookPayload('webhook.test', new Date(), {
          endpoint_id: endpoint.id,
          message: 'This is a test delivery from Intake.',
        }),
        messageId: `msg_${deliveryId}`,
      });
      const outcome = await attemptDelivery(deps.db, deps.config, deliveryId, { retry: false });
      if (!outcome.delivery) throw webhookErrors.notFound();
      return toDelivery(outcome.delivery);
    },
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
