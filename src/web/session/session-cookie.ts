/**
 * The session cookie. `__Host-` binds it to our exact origin (no Domain, Path=/, Secure), which
 * browsers only accept over TLS; without COOKIE_SECURE (development, tests over plain HTTP) the
 * cookie is named without the prefix, since a browser would silently drop it otherwise.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';

export function sessionCookieName(config: Pick<Config, 'cookieSecure'>): string {
  return config.cookieSecure ? '__Host-intake_session' : 'intake_session';
}

/** The session cookie's value, read from the raw header (authenticators run before cookie parsing). */
export function readSessionCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function attributes(config: Pick<Config, 'cookieSecure'>): string {
  return `Path=/; HttpOnly; SameSite=Lax${config.cookieSecure ? '; Secure' : ''}`;
}

/** A session cookie (no Max-Age: the server decides expiry; the browser drops it when closed). */
export function setSessionCookie(
  reply: FastifyReply,
  config: Pick<Config, 'cookieSecure'>,
  token: string,
): void {
  reply.header('set-cookie', `${sessionCookieName(config)}=${token}; ${attributes(config)}`);
}

export function clearSessionCookie(reply: FastifyReply, config: Pick<Config, 'cookieSecure'>): void {
  reply.header('set-cookie', `${sessionCookieName(config)}=; Max-Age=0; ${attributes(config)}`);
}
