/**
 * OpenAPI 3.1 generated from the route schemas (served at /api/v1/openapi.json), and Swagger UI at
 * /api/docs served from node_modules by our own server: it works offline and its page loads
 * nothing from a CDN. Must be registered before any route so @fastify/swagger sees them all.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config/config.js';
import { readPackageInfo } from '../package-info.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/api/docs';
/** The security scheme routes name in `schema.security: [{ bearerAuth: [] }]`. */
export const BEARER_SCHEME = 'bearerAuth';

/**
 * Swagger UI needs inline styles (it sets style attributes) and data: images (its logo); its
 * scripts are files from our origin. Everything else stays as strict as the app's policy.
 */
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'; " +
  "img-src 'self' data:; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'";

const openapiPlugin: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const pkg = readPackageInfo();
  await app.register(swagger, {
    // Shared schemas (added with addSchema and an $id, e.g. `User`) keep their name in
    // components.schemas instead of becoming def-0, def-1...
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    openapi: {
      openapi: '3.1.0',
      info: { title: pkg.name, version: pkg.version, description: pkg.description },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });

  app.get(
    OPENAPI_PATH,
    { schema: { hide: true }, config: { requires: 'public', rateLimitExempt: true } },
    async () => app.swagger(),
  );

  if (config.apiDocs) {
    await app.register(swaggerUi, {
      routePrefix: DOCS_PATH,
      staticCSP: DOCS_CSP,
      // validatorUrl stays unset (null): the hosted badge would call validator.swagger.io.
      uiConfig: { deepLinking: true },
    });
  }
};

export default fp(openapiPlugin, { name: 'intake-openapi', fastify: '5.x' });
