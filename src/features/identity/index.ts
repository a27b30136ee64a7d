/**
 * The identity feature: accounts, tokens, users. Other code reaches it only through this file.
 * `identityPlugin` is wrapped with fastify-plugin so its auth hook and `request.auth` apply to the
 * whole app; it registers the identity routes too.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Deps } from '../../deps.js';
import { runPeriodically } from '../../lib/periodic.js';
import authenticatePlugin, { bearerAuthenticator, type Authenticator } from './authenticate.plugin.js';
import { authRoutes } from './auth.routes.js';
import { createIdentityService, type IdentityService } from './identity.service.js';
import { UserSchema } from './identity.schemas.js';
import { jwksRoutes } from './jwks.routes.js';
import { deleteExpiredRefreshTokens } from './refresh-tokens.repository.js';
import { usersRoutes } from './users.routes.js';

export {
  createIdentityService,
  type IdentityService,
  type IdentityServiceOptions,
} from './identity.service.js';
export { requireAuth, requireRole, type Authenticator, type AuthOutcome } from './authenticate.plugin.js';
export type { AuthContext, PublicUser, TokenPair, UserRole } from './identity.types.js';
export type { UserDeletionHook } from './users.service.js';
export { USER_ROLES } from './identity.types.js';
export { deleteExpiredRefreshTokens } from './refresh-tokens.repository.js';

export interface IdentityPluginOptions {
  deps: Deps;
  /** A prebuilt service (one per process); default: made from `deps`. */
  service?: IdentityService;
  /** Tried before the bearer authenticator, e.g. a cookie session with CSRF (later). */
  authenticators?: readonly Authenticator[];
}

const plugin: FastifyPluginAsync<IdentityPluginOptions> = async (app, options) => {
  const service = options.service ?? createIdentityService(options.deps);
  // Load (or on first start, generate) the signing keys now, so the first login does not wait for
  // it. Not awaited: an app built while the database is down must still start and report /ready.
  service.keys.current().catch((err: unknown) => {
    options.deps.logger.warn({ err }, 'could not load the signing keys yet; will retry on first use');
  });
  app.addSchema(UserSchema);
  await app.register(authenticatePlugin, {
    authenticators: [...(options.authenticators ?? []), bearerAuthenticator(service)],
  });
  await app.register(authRoutes, { service });
  await app.register(usersRoutes, { service });
  await app.register(jwksRoutes, { service });

  // Refresh tokens stay after use (reuse detection needs them) until their family expires; then
  // nothing can accept them, so they are deleted: hourly, like simplejwt's flushexpiredtokens
  // without the cron job.
  const { deps } = options;
  let stopSweep: (() => void) | null = null;
  app.addHook('onReady', async () => {
    stopSweep = runPeriodically(
      {
        name: 'expired refresh token sweep',
        everyMs: REFRESH_SWEEP_EVERY_MS,
        async run() {
          const deleted = await deleteExpiredRefreshTokens(deps.db);
          if (deleted > 0) deps.logger.info({ deleted }, 'expired refresh tokens deleted');
        },
      },
      deps.logger,
    );
  });
  app.addHook('onClose', async () => stopSweep?.());
};

const REFRESH_SWEEP_EVERY_MS = 60 * 60_000;

export const identityPlugin = fp(plugin, { name: 'intake-identity', fastify: '5.x' });
