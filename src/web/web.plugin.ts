/**
 * The web door: cookies and form bodies, hashed static assets, the CSRF checks (app-wide, so an
 * API route called with the session cookie is protected too), expired-session sweeping, and the
 * feature page plugins, each registered with the same WebContext. Pages call the same services as
 * the API (never HTTP to itself), and every page route declares `config: { requires }`.
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Deps } from '../deps.js';
import { runPeriodically } from '../lib/periodic.js';
import type { AccessService } from '../features/access/index.js';
import type { AuthContext, IdentityService } from '../features/identity/index.js';
import { setAssetUrls } from './asset-urls.js';
import { loadAssets } from './assets.js';
import type { Viewer } from './components/layout.js';
import { checkCsrfBody, checkCsrfEarly, csrfTokenOf } from './csrf.js';
import { requestSessionOf } from './session/session.authenticator.js';
import { setSessionCookie } from './session/session-cookie.js';
import type { WebSessions } from './session/web-sessions.service.js';

/** What every page plugin gets. */
export interface WebContext {
  readonly deps: Deps;
  readonly identity: IdentityService;
  readonly access: AccessService;
  readonly sessions: WebSessions;
  /** The signed-in viewer (null when anonymous) and the CSRF token to put in forms. */
  page(request: FastifyRequest): Promise<PageContext>;
}

export interface PageContext {
  readonly user: Viewer | null;
  readonly csrfToken: string;
  readonly auth: AuthContext | null;
}

/** A feature's pages: a Fastify plugin that receives the WebContext. */
export type WebPages = FastifyPluginAsync<WebContext>;

export interface WebPluginOptions {
  deps: Deps;
  identity: IdentityService;
  access: AccessService;
  sessions: WebSessions;
  /** Feature page plugins (src/features/<name>/views/), registered in order. */
  pages: readonly WebPages[];
}

const needsBodyCheck = new WeakSet<FastifyRequest>();

const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The CSRF checks, app-wide. Register it right after identity, before any route
 * plugin: Fastify applies hooks only to routes registered after them.
 */
const csrfPlugin: FastifyPluginAsync<{ deps: Deps; sessions: WebSessions }> = async (
  app,
  { deps, sessions },
) => {
  // After the authenticators (registered earlier, app-wide) and before route-level access checks.
  app.addHook('onRequest', async (request, reply) => {
    if (checkCsrfEarly(request, sessions) === 'check-body') needsBodyCheck.add(request);
    const bound = requestSessionOf(request);
    if (bound?.rotated) setSessionCookie(reply, deps.config, bound.rotated.token);
  });
  app.addHook('preHandler', async (request) => {
    if (needsBodyCheck.has(request)) checkCsrfBody(request, sessions);
  });
};

export const webCsrfPlugin = fp(csrfPlugin, { name: 'intake-web-csrf', fastify: '5.x' });

const plugin: FastifyPluginAsync<WebPluginOptions> = async (app, options) => {
  const { deps, identity, sessions } = options;
  const assets = loadAssets((message) => deps.logger.warn(message));
  setAssetUrls(assets.urls);

  app.get<{ Params: { file: string } }>(
    '/assets/:file',
    { config: { requires: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const asset = assets.files.get(request.params.file);
      if (!asset) return reply.callNotFound();
      return reply
        .header('content-type', asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(asset.body);
    },
  );

  const stopSweep = runPeriodically(
    {
      name: 'web session sweep',
      everyMs: SWEEP_EVERY_MS,
      firstAfterMs: SWEEP_EVERY_MS,
      run: async () => void (await sessions.sweep()),
    },
    deps.logger,
  );
  app.addHook('onClose', async () => stopSweep());

  const context: WebContext = {
    deps,
    identity,
    access: options.access,
    sessions,
    async page(request) {
      const auth = request.auth;
      if (!auth) return { user: null, csrfToken: '', auth: null };
      const state = await identity.revocation.userState(auth.userId);
      const row = state?.user;
      const name = row ? `${row.first_name} ${row.last_name}`.trim() : '';
      return {
        auth,
        csrfToken: csrfTokenOf(request),
        user: row ? { id: row.id, email: row.email, name: name || row.email, role: auth.role } : null,
      };
    },
  };
  // Form bodies are parsed for pages only: the API keeps answering 415 to anything but JSON.
  for (const pages of options.pages) {
    await app.register(async (scope) => {
      await scope.register(formbody, { bodyLimit: 64 * 1024 });
      await scope.register(pages, context);
    });
  }
};

export const webPlugin = fp(plugin, { name: 'intake-web', fastify: '5.x' });
