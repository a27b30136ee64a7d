/**
 * Page tests over `inject`: a browser-like session (sign in through the real /login form, keep the
 * cookie, read the CSRF token from a page) and form posts. No mocks: the real app and database.
 */
import type { FastifyInstance } from 'fastify';
import type { TestApp } from './app.js';
import { registerUser, STRONG_PASSWORD } from '../src/features/identity/identity.test-support.js';

export interface WebSessionClient {
  readonly userId: string;
  readonly email: string;
  readonly cookie: string;
  readonly csrf: string;
  get(url: string, headers?: Record<string, string>): Promise<PageResponse>;
  /** A url-encoded form post; `_csrf` is added unless `body` sets it. */
  post(url: string, body: Record<string, string>, headers?: Record<string, string>): Promise<PageResponse>;
}

export interface PageResponse {
  readonly status: number;
  readonly html: string;
  readonly location: string | undefined;
  readonly headers: Record<string, unknown>;
}

/** Reads the first `_csrf` hidden input of a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

function toResponse(res: {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
}): PageResponse {
  const location = res.headers.location;
  return {
    status: res.statusCode,
    html: res.body,
    location: typeof location === 'string' ? location : undefined,
    headers: res.headers,
  };
}

/** Signs `email` in through POST /login and returns a client holding its session cookie. */
export async function webSignIn(
  app: FastifyInstance,
  email: string,
  password: string,
  userId: string,
): Promise<WebSessionClient> {
  const login = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: new URLSearchParams({ email, password, next: '/' }).toString(),
  });
  const setCookie = login.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (login.statusCode !== 303 || !raw)
    throw new Error(`sign-in failed: ${login.statusCode} ${login.body.slice(0, 200)}`);
  const cookie = raw.split(';')[0];
  const get: WebSessionClient['get'] = async (url, headers = {}) =>
    toResponse(
      await app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html', ...headers } }),
    );
  const csrf = csrfOf((await get('/account')).html);
  return {
    userId,
    email,
    cookie,
    csrf,
    get,
    async post(url, body, headers = {}) {
      return toResponse(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            cookie,
            accept: 'text/html',
            'content-type': 'application/x-www-form-urlencoded',
            ...headers,
          },
          payload: new URLSearchParams({ _csrf: csrf, ...body }).toString(),
        }),
      );
    },
  };
}

/** A new user of `role` (promoted in the database), signed in through the web form. */
export async function webUser(
  t: TestApp,
  role: 'admin' | 'manager' | 'user' | 'guest' = 'user',
): Promise<WebSessionClient> {
  const s = await registerUser(t.app);
  if (role !== 'user')
    await t.deps.db.updateTable('users').set({ role }).where('id', '=', s.userId).execute();
  return webSignIn(t.app, s.email, STRONG_PASSWORD, s.userId);
}

/**
 * The markup with every (double-quoted, hence escaped) attribute value emptied: what is left is
 * where an injected tag could run. `<script>` inside `value="…"` is inert text.
 */
export function markupOnly(html: string): string {
  return html.replace(/="[^"]*"/g, '=""');
}
