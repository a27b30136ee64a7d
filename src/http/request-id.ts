/**
 * Request ids: a caller's `X-Request-Id` is kept when it is sane (so a proxy's id flows through
 * our logs), otherwise we mint a UUID. Anything else is replaced, never echoed, so a client cannot
 * inject log lines or oversized headers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Returns `value` when it is 1–64 characters of [A-Za-z0-9._-], else null. */
export function parseRequestId(value: string | string[] | undefined): string | null {
  return typeof value === 'string' && SANE_REQUEST_ID.test(value) ? value : null;
}

/** Fastify `genReqId`: the incoming id when sane, else a fresh UUID. */
export function generateRequestId(req: IncomingMessage): string {
  return parseRequestId(req.headers[REQUEST_ID_HEADER]) ?? randomUUID();
}
