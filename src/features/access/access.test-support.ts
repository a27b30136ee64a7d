/**
 * Helpers for the access tests: principals of every role (made through the admin API on the real
 * app), and a service account holding a token with every scope.
 */
import type { FastifyInstance } from 'fastify';
import type { TestApp } from '../../../test/app.js';
import {
  call,
  loginUser,
  registerUser,
  STRONG_PASSWORD,
  uniqueEmail,
} from '../identity/identity.test-support.js';
import { ALL_PERMISSIONS } from './permissions.js';

export interface Principal {
  name: string;
  userId: string;
  token: string;
  kind: 'user' | 'service';
  role: 'admin' | 'manager' | 'user' | 'guest';
}

/** A registered user promoted to admin in the database, then logged in (login refreshes its cached state). */
export async function makeAdmin(t: TestApp): Promise<Principal> {
  const s = await registerUser(t.app);
  await t.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', s.userId).execute();
  const admin = await loginUser(t.app, s.email, s.password);
  return { name: 'admin', userId: admin.userId, token: admin.accessToken, kind: 'user', role: 'admin' };
}

/** A user of `role` created by `admin` through POST /api/v1/admin/users, then logged in. */
export async function makeUser(
  app: FastifyInstance,
  admin: Principal,
  role: Principal['role'],
): Promise<Principal> {
  const email = uniqueEmail(role);
  const res = await call(app, 'POST', '/api/v1/admin/users', {
    token: admin.token,
    body: { email, role, kind: 'user', password: STRONG_PASSWORD },
  });
  if (res.status !== 201) throw new Error(`create ${role} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const s = await loginUser(app, email, STRONG_PASSWORD);
  return { name: role, userId: s.userId, token: s.accessToken, kind: 'user', role };
}

/** A service account with `role` and a token holding `scopes` (default: every permission). */
export async function makeService(
  app: FastifyInstance,
  admin: Principal,
  role: Principal['role'] = 'admin',
  scopes: readonly string[] = ALL_PERMISSIONS,
): Promise<Principal> {
  const created = await call(app, 'POST', '/api/v1/admin/users', {
    token: admin.token,
    body: { email: uniqueEmail('svc'), role, kind: 'service' },
  });
  if (created.status !== 201) throw new Error(`create service failed: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const token = await call(app, 'POST', `/api/v1/admin/users/${id}/tokens`, {
    token: admin.token,
    body: { name: 'ci', scopes },
  });
  if (token.status !== 201) throw new Error(`service token failed: ${JSON.stringify(token.body)}`);
  return { name: `service(${role})`, userId: id, token: token.body.token as string, kind: 'service', role };
}
