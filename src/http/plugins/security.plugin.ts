/**
 * Security headers (helmet) and the CORS allow-list. The API serves JSON and, later, our own
 * pages: everything comes from our origin, nothing may frame us, nothing leaks a Referer.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
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

const securityPlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const production = config.env === 'production';
  await app.register(helmet, {
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
