/**
 * CSRF protection for cookie-authenticated requests. Two layers:
 * 1. Any unsafe request without an Authorization header whose Origin (or Sec-Fetch-Site) says it
 *    comes from another site is refused, signed in or not (this also stops login CSRF).
 * 2. A cookie-authenticated unsafe request must carry the session's synchronizer token: HTMX and
 *    scripts send it as `X-CSRF-Token`; plain forms as the `_csrf` field (or `?_csrf=` for
 *    multipart forms, whose bodies are streamed by the route).
 * Bearer requests (API tokens, JWTs) are exempt: a browser never adds those on its own.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.js';
import { requestSessionOf } from './session/session.authenticator.js';
import type { WebSessions } from './session/web-sessions.service.js';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const csrfFailed = (): AppError =>
  new AppError(
    403,
    'csrf_failed',
    'This form has expired or came from another site. Reload the page and try again.',
  );

export function isUnsafe(request: FastifyRequest): boolean {
  return !SAFE.has(request.method);
}

/**
 * True when the browser says the request was made by a page of another origin. Sec-Fetch-Site is
 * trusted when present (every current browser sends it); `same-site` is refused too, since a
 * sibling subdomain is not us. Without it, the Origin header decides. `Origin: null` alone is not
 * proof: our Referrer-Policy (no-referrer) makes Chromium send it on our own form posts.
 */
export function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/** The CSRF token of the request's session, for templates; '' when anonymous. */
export function csrfTokenOf(request: FastifyRequest): string {
  return requestSessionOf(request)?.session.csrfToken ?? '';
}

function tokenFromBodyOrQuery(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined | null;
  const fromBody = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  if (typeof fromBody === 'string') return fromBody;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.[CSRF_FIELD];
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/** onRequest: refuses cross-site posts and checks the header token when present. Returns whether
 * the body still has to be checked (in preHandler, once parsed). */
export function checkCsrfEarly(request: FastifyRequest, sessions: WebSessions): 'ok' | 'check-body' {
  if (!isUnsafe(request) || request.headers.authorization !== undefined) return 'ok';
  if (isCrossSite(request)) throw csrfFailed();
  const bound = requestSessionOf(request);
  if (!bound) return 'ok';
  const header = request.headers[CSRF_HEADER];
  if (typeof header === 'string') {
    if (!sessions.checkCsrf(bound.session, header)) throw csrfFailed();
    return 'ok';
  }
  return 'check-body';
}

export function checkCsrfBody(request: FastifyRequest, sessions: WebSessions): void {
  const bound = requestSessionOf(request);
  if (bound && !sessions.checkCsrf(bound.session, tokenFromBodyOrQuery(request))) throw csrfFailed();
}
