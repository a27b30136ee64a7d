/**
 * Every route × every role × anonymous (× a service account), built from the app's own route
 * table: an allowed call must not answer 401/403, a refused one must. A route added without a
 * `requires` declaration makes the app refuse to start, so it fails here (and everywhere) at once.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { createIdentityService } from '../identity/index.js';
import { call, RELAXED_LIMITS } from '../identity/identity.test-support.js';
import { createAccess } from './access.service.js';
import { makeAdmin, makeService, makeUser, type Principal } from './access.test-support.js';
import { routeTableOf, routeRequirementsPlugin, type RouteEntry } from './route-requirements.plugin.js';

let t: TestApp;
let principals: Principal[];
let rolePermissions: Map<string, Set<string>>;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, RATE_LIMIT_EXPORT: '100000' });
  const admin = await makeAdmin(t);
  principals = [
    admin,
    await makeUser(t.app, admin, 'manager'),
    await makeUser(t.app, admin, 'user'),
    await makeUser(t.app, admin, 'guest'),
    await makeService(t.app, admin, 'admin'),
  ];
  const roles = await t.deps.db.selectFrom('roles').selectAll().execute();
  rolePermissions = new Map(roles.map((r) => [r.name, new Set(r.permissions)]));
});

afterAll(async () => {
  await t?.close();
});

/** A concrete URL: the caller's own id for user routes (object rules), a random UUID elsewhere. */
function urlFor(route: RouteEntry, who: Principal | null): string {
  return route.url
    .replace(/^\/api\/v1\/users\/:id/, `/api/v1/users/${who?.userId ?? randomUUID()}`)
    .replace(/:[A-Za-z_]+/g, () => randomUUID())
    .replace(/\*$/, 'index.html');
}

function allowed(route: RouteEntry, who: Principal): boolean {
  if (route.requires === 'public') return true;
  if (route.method === 'DELETE' && who.kind === 'service') return false;
  if (route.requires === 'authenticated') return true;
  const needed = typeof route.requires === 'string' ? [route.requires] : (route.requires ?? ['<undeclared>']);
  const held = rolePermissions.get(who.role) ?? new Set();
  return needed.every((p) => held.has(p));
}

describe('route × role matrix', () => {
  it('covers the whole route table, and every route declares what it requires', () => {
    const table = routeTableOf(t.app);
    expect(table.length).toBeGreaterThan(30);
    expect(table.filter((r) => r.requires === null)).toEqual([]);
    for (const path of ['/api/v1/tokens', '/api/v1/admin/audit', '/api/v1/uploads', '/api/v1/users/:id']) {
      expect(table.some((r) => r.url === path)).toBe(true);
    }
  });

  it('allows exactly what each role holds; anonymous gets 401; service accounts never DELETE', async () => {
    // Logout ends the caller's session, so it runs last. The roles form posted empty asks for a
    // confirmation and changes nothing, but runs just before in case that rule ever loosens.
    const late = (r: RouteEntry): number =>
      r.url.endsWith('/logout') ? 2 : r.method === 'POST' && r.url === '/admin/roles' ? 1 : 0;
    const table = [...routeTableOf(t.app)].sort((a, b) => late(a) - late(b));
    const failures: string[] = [];
    let checked = 0;
    let refused = 0;
    for (const route of table) {
      for (const who of [null, ...principals]) {
        const method = route.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
        const res = await call(t.app, method, urlFor(route, who), {
          ...(who ? { token: who.token } : {}),
          ...(body ? { body } : {}),
        }).catch(() => ({ status: -1, headers: {} as Record<string, unknown> }));
        // Pages answer an anonymous visitor with a redirect to the sign-in page instead of a 401.
        const toSignIn =
          [302, 303].includes(res.status) && /login|sign-?in/.test(String(res.headers?.location ?? ''));
        const denied = res.status === 401 || res.status === 403 || toSignIn;
        const label = `${route.method} ${route.url} as ${who?.name ?? 'anonymous'} → ${res.status}`;
        checked += 1;
        if (denied) refused += 1;
        if (who === null) {
          const expected = route.requires === 'public' ? !denied : res.status === 401 || toSignIn;
          if (!expected) failures.push(`${label} (requires ${String(route.requires)})`);
          continue;
        }
        if (allowed(route, who) === denied) failures.push(`${label} (requires ${String(route.requires)})`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(table.length * (principals.length + 1));
    // Both outcomes occur in bulk: the walk is not vacuously passing.
    expect(refused).toBeGreaterThan(table.length);
    expect(checked - refused).toBeGreaterThan(table.length);
  }, 180_000);

  it('records each refusal of an authenticated caller as permission.denied', async () => {
    // A fresh guest: the matrix above logged the others out.
    const guest = await makeUser(t.app, await makeAdmin(t), 'guest');
    const res = await call(t.app, 'POST', '/api/v1/tokens', {
      token: guest.token,
      body: { name: 'x', scopes: ['view_upload'] },
    });
    expect(res.status).toBe(403);
    const rows = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'permission.denied')
      .where('actor_user_id', '=', guest.userId)
      .execute();
    expect(
      rows.some((r) => r.target_id === 'POST /api/v1/tokens' && r.details.needed === 'add_apitoken'),
    ).toBe(true);
  });
});

describe('undeclared routes', () => {
  it('make an app refuse to start outside production, naming the route', async () => {
    const identity = createIdentityService(t.deps);
    const access = createAccess(t.deps, identity);
    const app = Fastify();
    await app.register(routeRequirementsPlugin, { deps: t.deps, permissions: access.permissions, identity });
    app.get('/declared', { config: { requires: 'public' } }, async () => ({ ok: true }));
    app.get('/forgotten', async () => ({ ok: true }));
    app.get('/typo', { config: { requires: 'view_uplaod' as never } }, async () => ({ ok: true }));
    await expect(app.ready()).rejects.toThrow(/GET \/forgotten: no config\.requires[\s\S]*GET \/typo/);
    await app.close().catch(() => {});
    await access.close();
  });
});
