/**
 * Security headers (helmet) and the CORS allow-list. The API serves JSON and, later, our own
 * pages: everything comes from our origin, nothing may frame us, nothing leaks a Referer.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import helmet from 'helmet';
import type { HelmetOptions } from 'helmet';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/config.js';

/** The app-wide Content-Security-Policy. /api/docs sets its own (see openapi.plugin.ts). */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
};

/**
 * Runs helmet once and keeps the headers it sets. Our headers are the same for every response (no
 * nonces), and @fastify/helmet rebuilds the helmet middleware, parsing the CSP, on each request
 * (~4% of CPU on a small JSON route); here each response gets one precomputed `reply.headers()`.
 */
export function computeSecurityHeaders(options: HelmetOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const collector = {
    setHeader(name: string, value: string | number | string[]) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers);
}

const securityPlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const production = config.env === 'production';
  const securityHeaders = computeSecurityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      // upgrade-insecure-requests only where we are served over TLS: in development it would
      // send a browser to https://127.0.0.1 and break the page.
      directives: production ? { ...CSP_DIRECTIVES, upgradeInsecureRequests: [] } : CSP_DIRECTIVES,
    },
    // HSTS pins browsers to https for a year: only correct when production really is on TLS.
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });

  // An empty allow-list means no CORS at all: no Access-Control-* headers for any origin, and
  // preflights fall through to 404.
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...config.corsOrigins],
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-CSRF-Token'],
      exposedHeaders: [
        'X-Request-Id',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
      ],
      maxAge: 600,
    });
  }
};

export default fp(securityPlugin, { name: 'intake-security', fastify: '5.x' });
