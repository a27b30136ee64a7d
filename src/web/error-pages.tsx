/**
 * Errors as HTML: a full page in the app's look for page requests, a small alert fragment for
 * HTMX requests (retargeted to the #flash region so it is shown, not swallowed). 5xx text never
 * reaches the client. An anonymous page GET that needs a session is sent to /login instead.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Alert } from './components/form.js';
import { Layout } from './components/layout.js';
import { isHtmx, safeNext } from './render.js';
import { requestSessionOf } from './session/session.authenticator.js';

export interface ErrorInfo {
  readonly error: string;
  readonly message: string;
  readonly request_id: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  413: 'Too large',
  422: 'Check the form',
  429: 'Too many requests',
};

/** Requests that should get HTML errors: the pages, not the API or the OpenAPI docs. */
export function wantsHtml(request: FastifyRequest): boolean {
  const url = request.url;
  if (url.startsWith('/api/') || url === '/api' || url.startsWith('/.well-known/')) return false;
  if (isHtmx(request)) return true;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Renders `info` as HTML on `reply` and returns the body, or returns undefined when the request
 * wants JSON. Sets the content type, and for HTMX the retarget headers.
 */
export function renderHtmlError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  info: ErrorInfo,
): string | undefined {
  if (!wantsHtml(request)) return undefined;
  const message = status >= 500 ? 'Something went wrong on our side. Please try again.' : info.message;
  reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store');
  if (isHtmx(request)) {
    if (status === 401) {
      reply.header(
        'hx-redirect',
        `/login?next=${encodeURIComponent(safeNext(request.headers['hx-current-url'] ? new URL(String(request.headers['hx-current-url'])).pathname : '/'))}`,
      );
    }
    reply.header('hx-retarget', '#flash').header('hx-reswap', 'innerHTML');
    return Alert({ kind: 'error', message: `${message} (request ${info.request_id})` }) as string;
  }
  if (status === 401 && request.method === 'GET') {
    reply.code(303).header('location', `/login?next=${encodeURIComponent(safeNext(request.url))}`);
    return '';
  }
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Error');
  // Signed in: keep the navigation (the email is not at hand here without a query; the role is).
  const session = requestSessionOf(request)?.session;
  return Layout({
    title,
    user: session ? { id: session.userId, email: '', name: '', role: session.role } : null,
    csrfToken: session?.csrfToken ?? '',
    children: (
      <div class="mx-auto max-w-lg py-12 text-center">
        <p class="text-5xl font-bold text-indigo-700">{String(status)}</p>
        <h1 class="mt-2 text-2xl font-semibold" safe>
          {title}
        </h1>
        <p class="mt-4 text-slate-700" safe>
          {message}
        </p>
        <p class="mt-2 text-xs text-slate-600" safe>
          {`Request ${info.request_id}`}
        </p>
        <p class="mt-6">
          <a href="/" class="font-medium text-indigo-700 underline">
            Back to the dashboard
          </a>
        </p>
      </div>
    ),
  }) as string;
}
