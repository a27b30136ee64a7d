/**
 * The HTTP app, assembled in one place and not listening (src/main listens; tests `inject`).
 * Order matters: the request id comes first so every response carries it; OpenAPI before any
 * route so the spec sees them all; identity before the rate limits so limits know the user.
 */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../deps.js';
import { createIdentityService, identityPlugin } from '../features/identity/index.js';
import { accessPlugin, accessRoutes, createAccess } from '../features/access/index.js';
import { adminRoutes } from '../features/admin/index.js';
import {
  createUploadsService,
  removeUploadFilesOfDeletedUser,
  uploadsPlugin,
} from '../features/uploads/index.js';
import { batchResponseWrites } from './batched-writes.js';
import { handleError, handleNotFound } from './error-handler.js';
import { healthRoutes } from './plugins/health.routes.js';
import openapiPlugin from './plugins/openapi.plugin.js';
import rateLimitPlugin from './plugins/rate-limit.plugin.js';
import securityPlugin from './plugins/security.plugin.js';
import { RequestLogController } from './log-controller.js';
import { generateRequestId, REQUEST_ID_HEADER } from './request-id.js';
import { createValidatorFactory } from './validator-compiler.js';
import { createSchemasService, schemasRoutes } from '../features/schemas/index.js';
import { sharingRoutes } from '../features/sharing/index.js';
import { webhooksRoutes } from '../features/webhooks/index.js';
import { aiPlugin, createAiServices } from '../features/ai/index.js';
import { aiPages } from '../features/ai/views/index.js';
import metricsPlugin from './plugins/metrics.plugin.js';
import { createWebSessions, sessionAuthenticator, webCsrfPlugin, webPlugin } from '../web/index.js';
import { identityPages } from '../features/identity/views/index.js';
import { uploadsPages } from '../features/uploads/views/index.js';
import { schemasPages } from '../features/schemas/views/index.js';
import { tokensPages } from '../features/access/views/index.js';
import { webhooksPages } from '../features/webhooks/views/index.js';
import { adminPages } from '../features/admin/views/index.js';

/** Options for tests and tools; production calls `buildApp(deps)`. */
export interface BuildAppOptions {
  /** Registered after the infrastructure and before the error handlers (test-only routes). */
  register?: (app: FastifyInstance) => Promise<void> | void;
}

/** Fastify's typings lack the hop count proxy-addr understands; express it as a function. */
function trustProxyOption(
  value: boolean | number | string,
): boolean | string | ((addr: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_addr, hop) => hop < value : value;
}

export async function buildApp(deps: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const logController = new RequestLogController();
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: generateRequestId,
    logController,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: config.bodyLimitBytes,
    // Proxies and clients retrying slow uploads should not hold sockets forever.
    requestTimeout: 120_000,
    schemaController: { compilersFactory: { buildValidator: createValidatorFactory() } },
    // Errors Fastify raises before routing (an undecodable URL, a bad Content-Type header) skip
    // the hooks and the error handler; render them in our shape, with the request id, too.
    frameworkErrors: (error, request, reply) => {
      void (reply as FastifyReply).send(handleError(error, request, reply));
    },
  });

  // Responses, and completion lines, wait for the end of their event-loop iteration
  // (batched-writes.ts, log-controller.ts): none is left unwritten when the app closes.
  const responseWrites = batchResponseWrites(app.server);
  app.addHook('onClose', (_instance, done) => {
    responseWrites.flush();
    logController.flush();
    done();
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });

  // Before any plugin: a child context copies the error handler its parent had when it was
  // registered, so routes in encapsulated plugins (e.g. identity's) would otherwise get Fastify's.
  app.setNotFoundHandler(handleNotFound);
  app.setErrorHandler(handleError);

  // Access first: its onRoute hook must see every route (to check its `requires` declaration).
  // Deleting a user also removes its uploads' stored files (the row cascade cannot).
  const identity = createIdentityService(deps, {
    userDeletionHooks: [removeUploadFilesOfDeletedUser(deps)],
  });
  const access = createAccess(deps, identity);
  await app.register(accessPlugin, { deps, access, identity });
  await app.register(securityPlugin, { config });
  await app.register(openapiPlugin, { config });
  await app.register(metricsPlugin);
  // The web session cookie joins the same authenticator list, so pages and API share `requires`.
  const webSessions = createWebSessions(deps, identity);
  await app.register(identityPlugin, {
    deps,
    service: identity,
    authenticators: [...access.authenticators, sessionAuthenticator(webSessions, config)],
  });
  // Right after identity: its CSRF hooks must apply to every route registered later.
  await app.register(webCsrfPlugin, { deps, sessions: webSessions });
  await app.register(rateLimitPlugin, { deps });
  await app.register(healthRoutes, { deps });
  await app.register(accessRoutes, { access, identity });
  await app.register(adminRoutes, { deps, access, identity });
  await app.register(uploadsPlugin, { deps });
  await app.register(schemasRoutes, { deps });
  // View-only sharing of schemas and uploads: each feature says who may change its objects.
  const schemasForSharing = createSchemasService(deps);
  const uploadsForSharing = createUploadsService(deps);
  await app.register(sharingRoutes, {
    deps,
    kinds: [
      {
        type: 'schema',
        collection: 'schemas',
        findChangeable: (auth, id) => schemasForSharing.findChangeable(auth, id),
      },
      {
        type: 'upload',
        collection: 'uploads',
        findChangeable: async (auth, id) => {
          const row = await uploadsForSharing.findOwn(auth, id);
          return { id: row.id, ownerId: row.user_id };
        },
      },
    ],
  });
  await app.register(webhooksRoutes, { deps });
  // One set of AI services (one gateway: breaker, limiter, budgets) for the API and the pages.
  const ai = createAiServices(deps);
  await app.register(aiPlugin, { deps, services: ai });
  // Pages (src/features/*/views): one plugin per feature, all on the web shell (src/web).
  await app.register(webPlugin, {
    deps,
    identity,
    access,
    sessions: webSessions,
    pages: [identityPages, uploadsPages, schemasPages, tokensPages, webhooksPages, adminPages, aiPages(ai)],
  });
  if (options.register) {
    // Test-only routes are public unless they declare otherwise (access checks every other route).
    app.addHook('onRoute', (route) => {
      route.config = { requires: 'public', ...route.config };
    });
    await options.register(app);
  }
  await app.ready();
  return app;
}
