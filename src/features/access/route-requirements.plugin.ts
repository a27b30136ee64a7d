/**
 * The one place routes are authorised. Every route declares `config: { requires }` next to its
 * schema: `'public'`, `'authenticated'`, a permission codename or a list of them. An `onRoute`
 * hook reads the declaration, records the route in a table (the route × role test walks it) and
 * appends one `onRequest` check to the route, which runs after the authenticators (route-level
 * hooks run after app-level ones) and before the body is read or validated, so an anonymous caller
 * gets 401 rather than a 422 about its body.
 *
 * A route without a declaration fails closed (403 for everyone) and, outside production, makes
 * the app refuse to start, naming the route. Service accounts get 403 on every DELETE, whatever
 * their permissions. Denials are written to the audit log as `permission.denied`.
 */
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyRequest,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { Deps } from '../../deps.js';
import { errors } from '../../lib/app-error.js';
import { actorOf, recordAudit } from '../audit/index.js';
import { requireAuth, type AuthContext, type IdentityService } from '../identity/index.js';
import { accessErrors } from './access.errors.js';
import { isPermission, type RouteRequirement } from './permissions.js';
import type { PermissionResolver } from './permissions.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs; see src/features/access/route-requirements.plugin.ts. */
    requires?: RouteRequirement;
  }
}

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  /** null when the route declared nothing (a bug the route × role test reports). */
  readonly requires: RouteRequirement | null;
}

/**
 * Routes added by third-party plugins, which cannot carry our route options. Swagger UI's static
 * files are public like the OpenAPI document they render.
 */
const THIRD_PARTY_PUBLIC_PREFIXES = ['/api/docs'];

/** @fastify/cors answers preflights on its own `OPTIONS *` route: no credentials by design. */
function isThirdPartyPublic(route: RouteOptions, url: string): boolean {
  if (route.method === 'OPTIONS' && url === '*') return true;
  return THIRD_PARTY_PUBLIC_PREFIXES.some((p) => url.startsWith(p));
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** The routes of an app built with this plugin, as declared (HEAD twins of GET routes left out). */
export function routeTableOf(app: FastifyInstance): readonly RouteEntry[] {
  const table = routeTables.get(app);
  if (!table) throw new Error('The access route-requirements plugin is not registered on this app.');
  return table;
}

function normalise(value: unknown): RouteRequirement | null | 'invalid' {
  if (value === undefined) return null;
  if (value === 'public' || value === 'authenticated') return value;
  if (typeof value === 'string') return isPermission(value) ? value : 'invalid';
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' && isPermission(v))
  ) {
    return value as RouteRequirement;
  }
  return 'invalid';
}

function requestMetaOf(request: FastifyRequest) {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

export interface RouteRequirementsOptions {
  deps: Deps;
  permissions: PermissionResolver;
  identity: IdentityService;
}

const plugin: FastifyPluginAsync<RouteRequirementsOptions> = async (app, { deps, permissions, identity }) => {
  const table: RouteEntry[] = [];
  routeTables.set(app, table);

  /** Fills kind and permissions once per request; later calls return the same object. */
  async function enrich(request: FastifyRequest, auth: AuthContext): Promise<AuthContext> {
    if (auth.permissions) return auth;
    // JWT callers: the kind comes from identity's user-state cache (no query in the steady state).
    const kind = auth.kind ?? (await identity.revocation.userState(auth.userId))?.user.kind ?? 'user';
    // Nearly always cached: no await (a promise and a microtask turn per request) when it is.
    const known = permissions.cachedEffective(auth);
    const full: AuthContext = { ...auth, kind, permissions: known ?? (await permissions.effective(auth)) };
    request.auth = full;
    return full;
  }

  async function deny(request: FastifyRequest, auth: AuthContext, needed: string) {
    try {
      await recordAudit(deps.db, {
        action: 'permission.denied',
        actor: actorOf(auth),
        target: { type: 'route', id: `${request.method} ${request.routeOptions.url ?? request.url}` },
        meta: requestMetaOf(request),
        details: { needed },
      });
    } catch (err) {
      // The caller gets its 403 either way; a failed audit write is ours to see in the logs.
      request.log.error({ err }, 'could not record permission.denied');
    }
  }

  /** Reads the declaration when first needed: later onRoute hooks may still fill it in. */
  function resolver(route: RouteOptions, url: string): () => RouteRequirement | null | 'invalid' {
    let memo: RouteRequirement | null | 'invalid' | undefined;
    return () => {
      if (memo !== undefined) return memo;
      memo = normalise(route.config?.requires);
      if (memo === null && isThirdPartyPublic(route, url)) memo = 'public';
      return memo;
    };
  }

  function checkFor(
    requirement: () => RouteRequirement | null | 'invalid',
    label: string,
  ): onRequestHookHandler {
    return async function checkRequirement(request) {
      const requires = requirement();
      if (requires === 'public') return;
      if (requires === null || requires === 'invalid') {
        request.log.error({ route: label }, 'route without a valid requires declaration; denied');
        throw errors.forbidden('This route is not available.');
      }
      const auth = await enrich(request, requireAuth(request));
      if (request.method === 'DELETE' && auth.kind === 'service') {
        await deny(request, auth, 'not a service account');
        throw accessErrors.serviceCannotDelete();
      }
      if (requires === 'authenticated') return;
      const needed = typeof requires === 'string' ? [requires] : requires;
      for (const permission of needed) {
        if (!auth.permissions?.has(permission)) {
          await deny(request, auth, permission);
          throw accessErrors.permissionRequired(permission);
        }
      }
    };
  }

  const routes: { methods: string[]; url: string; requirement: () => RouteRequirement | null | 'invalid' }[] =
    [];

  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    const label = `${methods.join(',')} ${route.url}`;
    const requirement = resolver(route, route.url);
    // Fastify adds a HEAD twin for every GET with the same options: check it, do not list it.
    const isHeadTwin = methods.length === 1 && methods[0] === 'HEAD';
    if (!isHeadTwin) routes.push({ methods, url: route.url, requirement });
    const existing = route.onRequest;
    const check = checkFor(requirement, label);
    route.onRequest =
      existing === undefined ? [check] : [...(Array.isArray(existing) ? existing : [existing]), check];
  });

  app.addHook('onReady', async () => {
    const problems: string[] = [];
    for (const { methods, url, requirement } of routes) {
      const requires = requirement();
      for (const method of methods)
        table.push({ method, url, requires: requires === 'invalid' ? null : requires });
      if (requires === null) problems.push(`${methods.join(',')} ${url}: no config.requires declaration`);
      if (requires === 'invalid') {
        problems.push(
          `${methods.join(',')} ${url}: config.requires is not 'public', 'authenticated' or permission codename(s)`,
        );
      }
    }
    if (problems.length === 0) return;
    const message = `Routes must declare config.requires:\n  - ${problems.join('\n  - ')}`;
    // Production keeps serving (those routes answer 403); everywhere else this is a bug to fix now.
    if (deps.config.env === 'production') deps.logger.error(message);
    else throw new Error(message);
  });
};

export const routeRequirementsPlugin = fp(plugin, { name: 'intake-access-requirements', fastify: '5.x' });
