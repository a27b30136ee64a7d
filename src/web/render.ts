/** Sending server-rendered HTML: full pages and HTMX fragments. */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** True when HTMX made the request (it then wants a fragment, not a whole page). */
export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true';
}

/** Sends `html` (a page or a fragment) with no caching: pages show per-user data. */
export async function renderPage(
  reply: FastifyReply,
  html: JSX.Element,
  status = 200,
): Promise<FastifyReply> {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('vary', 'HX-Request')
    .send(await html);
}

/** Redirect after a form post (303 so the browser GETs), or tell HTMX to navigate. */
export function redirectTo(request: FastifyRequest, reply: FastifyReply, url: string): FastifyReply {
  if (isHtmx(request)) return reply.code(204).header('hx-redirect', url).send();
  return reply.code(303).header('location', url).send();
}

/** A same-site relative path to return to after sign-in, or '/'. Refuses `//evil` and absolute URLs. */
export function safeNext(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    value.startsWith('/\\')
  )
    return '/';
  return value.slice(0, 500);
}
