/**
 * Helpers for the identity tests (HTTP calls through `app.inject` on the real app). Kept here, not
 * in test/, because they speak this feature's API; they import only types from the framework.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';

/** Settings for tests that make many auth calls from one address: limits high enough not to interfere. */
export const RELAXED_LIMITS: Record<string, string> = { RATE_LIMIT_AUTH: '100000', RATE_LIMIT_API: '100000' };

export const STRONG_PASSWORD = 'violet-Pelican-harbour-93';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomBytes(5).toString('hex')}@example.test`;
}

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Record<string, unknown>;
}

export async function call(
  app: FastifyInstance,
  method: InjectOptions['method'],
  url: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; remoteAddress?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await app.inject({
    method,
    url,
    headers,
    ...(options.body !== undefined ? { payload: options.body as Record<string, unknown> } : {}),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
  const text = response.body;
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** POST /api/v1/auth/refresh with `refreshToken`. */
export function refreshWith(app: FastifyInstance, refreshToken: string): Promise<JsonResponse> {
  return call(app, 'POST', '/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });
}

export interface Session {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers a fresh user over HTTP and returns its session; fails loudly if registration fails. */
export async function registerUser(
  app: FastifyInstance,
  input: { email?: string; password?: string; first_name?: string; last_name?: string } = {},
  remoteAddress?: string,
): Promise<Session> {
  const email = input.email ?? uniqueEmail();
  const password = input.password ?? STRONG_PASSWORD;
  const response = await call(app, 'POST', '/api/v1/auth/register', {
    body: { ...input, email, password },
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  if (response.status !== 201)
    throw new Error(`register failed: ${response.status} ${JSON.stringify(response.body)}`);
  return sessionOf(email, password, response.body);
}

export async function loginUser(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const response = await call(app, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return sessionOf(email, password, response.body);
}

function sessionOf(email: string, password: string, body: Record<string, unknown>): Session {
  return {
    email,
    password,
    userId: (body.user as { id: string }).id,
    accessToken: body.access_token as string,
    refreshToken: body.refresh_token as string,
  };
}

/** The response without its request id, to compare two responses for equality. */
export function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { request_id: _ignored, ...rest } = body;
  return rest;
}
