/**
 * The access feature's app-wide part, registered by buildApp before any route: the route
 * requirement check, the batched token-use flush at close, and the audit retention cleanup.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Deps } from '../../deps.js';
import { startAuditRetention } from '../audit/index.js';
import type { IdentityService } from '../identity/index.js';
import type { AccessService } from './access.service.js';
import { routeRequirementsPlugin } from './route-requirements.plugin.js';

export interface AccessPluginOptions {
  deps: Deps;
  access: AccessService;
  identity: IdentityService;
}

const plugin: FastifyPluginAsync<AccessPluginOptions> = async (app, { deps, access, identity }) => {
  await app.register(routeRequirementsPlugin, { deps, permissions: access.permissions, identity });
  let stopRetention: (() => void) | null = null;
  app.addHook('onReady', async () => {
    stopRetention = startAuditRetention(deps.db, deps.config.auditRetentionDays, deps.logger);
  });
  app.addHook('onClose', async () => {
    stopRetention?.();
    await access.close();
  });
};

export const accessPlugin = fp(plugin, { name: 'intake-access', fastify: '5.x' });
