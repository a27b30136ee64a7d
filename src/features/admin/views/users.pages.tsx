/**
 * Admin → users: search, create users and service accounts, and per user: change role,
 * activate/deactivate (deactivation ends their sessions and tokens at once), and API tokens for
 * service accounts (shown once). The same admin service as /api/v1/admin/users.
 */
import type { Children } from '@kitajs/html';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/app-error.js';
import { ADMIN_SECTIONS, SectionNav } from '../../../web/components/section-nav.js';
import { ShownOnce } from '../../../web/components/shown-once.js';
import {
  Alert,
  Button,
  Card,
  CsrfField,
  Field,
  Layout,
  Select,
  buttonClass,
  redirectTo,
  renderPage,
  type PageContext,
  type WebPages,
} from '../../../web/index.js';
import { ALL_PERMISSIONS, auditMeta } from '../../access/index.js';
import { requireAuth, USER_ROLES } from '../../identity/index.js';
import { createAdminService, type AdminUser } from '../admin.service.js';
import type { AdminUserQuery } from '../admin.schemas.js';
import { LINK_CLASS, PAGE_FORM_SCHEMA, PAGE_ID_PARAMS } from '../../../web/page-schemas.js';

const ROLE_OPTIONS = USER_ROLES.map((r) => ({ value: r, label: r }));

function list(source: unknown, key: string): string[] {
  const value = (source as Record<string, unknown> | null)?.[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
const str = (source: unknown, key: string): string => list(source, key)[0] ?? '';

function isRole(value: string): value is AdminUser['role'] {
  return (USER_ROLES as readonly string[]).includes(value);
}

function Shell(props: { page: PageContext; title: string; children: Children }): JSX.Element {
  return (
    <Layout title={props.title} user={props.page.user} csrfToken={props.page.csrfToken} active="admin">
      <h1 class="mb-4 text-2xl font-bold">Admin</h1>
      <SectionNav label="Admin sections" items={ADMIN_SECTIONS} current="users" />
      {props.children as JSX.Element}
    </Layout>
  );
}

interface ListState {
  users: AdminUser[];
  next: string | null;
  query: Record<string, string>;
  error?: string;
}

function UsersPage({ page, state }: { page: PageContext; state: ListState }): JSX.Element {
  const q = state.query;
  const nextParams = new URLSearchParams({ ...q, cursor: state.next ?? '' }).toString();
  return (
    <Shell page={page} title="Users">
      <div class="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div class="min-w-0 space-y-4">
          <form
            method="get"
            action="/admin/users"
            class="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2"
            role="search"
          >
            <Field name="email" label="Email contains" value={q.email ?? ''} id="search-email" />
            <Select
              name="role"
              label="Role"
              value={q.role ?? ''}
              options={[{ value: '', label: 'Any' }, ...ROLE_OPTIONS]}
            />
            <Select
              name="kind"
              label="Kind"
              id="search-kind"
              value={q.kind ?? ''}
              options={[
                { value: '', label: 'Any' },
                { value: 'user', label: 'user' },
                { value: 'service', label: 'service account' },
              ]}
            />
            <Select
              name="status"
              label="Status"
              id="search-status"
              value={q.status ?? ''}
              options={[
                { value: '', label: 'Any' },
                { value: 'active', label: 'Active' },
                { value: 'inactive', label: 'Deactivated' },
              ]}
            />
            <div class="sm:col-span-2">
              <Button variant="secondary">Search</Button>
            </div>
          </form>
          <Card title="Users and service accounts" id="users">
            <div class="overflow-x-auto">
              <table class="min-w-full divide-y divide-slate-200 text-sm">
                <caption class="sr-only">Users</caption>
                <thead class="text-left text-slate-700">
                  <tr>
                    <th scope="col" class="py-2 pr-3 font-semibold">
                      Email
                    </th>
                    <th scope="col" class="py-2 pr-3 font-semibold">
                      Role
                    </th>
                    <th scope="col" class="py-2 pr-3 font-semibold">
                      Kind
                    </th>
                    <th scope="col" class="py-2 pr-3 font-semibold">
                      Status
                    </th>
                    <th scope="col" class="py-2 font-semibold">
                      Last sign-in
                    </th>
                  </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                  {state.users.map((u) => (
                    <tr data-user-row>
                      <td class="py-2 pr-3">
                        <a class={`${LINK_CLASS} break-all`} href={`/admin/users/${u.id}`} safe>
                          {u.email}
                        </a>
                      </td>
                      <td class="py-2 pr-3">{u.role}</td>
                      <td class="py-2 pr-3">{u.kind}</td>
                      <td class="py-2 pr-3">{u.is_active ? 'Active' : 'Deactivated'}</td>
                      <td class="py-2 whitespace-nowrap">
                        {u.last_login_at ? u.last_login_at.slice(0, 10) : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {state.users.length === 0 ? <p class="text-sm text-slate-700">No users match.</p> : ''}
            {state.next ? (
              <p class="mt-3">
                <a class={LINK_CLASS} href={`/admin/users?${nextParams}`}>
                  Next page
                </a>
              </p>
            ) : (
              ''
            )}
          </Card>
        </div>
        <Card title="New user or service account" id="new-user">
          {state.error ? <Alert message={state.error} /> : ''}
          <form method="post" action="/admin/users" class="space-y-3">
            <CsrfField token={page.csrfToken} />
            <Field name="email" label="Email" type="email" required id="new-email" />
            <Select
              name="kind"
              label="Kind"
              id="new-kind"
              value="service"
              options={[
                { value: 'service', label: 'Service account (API tokens only)' },
                { value: 'user', label: 'User' },
              ]}
            />
            <Select name="role" label="Role" value="user" options={ROLE_OPTIONS} id="new-role" />
            <Field
              name="password"
              label="Password (users only, optional)"
              type="password"
              autocomplete="new-password"
            />
            <Button>Create</Button>
          </form>
        </Card>
      </div>
    </Shell>
  );
}

interface DetailState {
  user: AdminUser;
  token?: { name: string; token: string };
  error?: string;
  saved?: boolean;
}

function UserPage({ page, state }: { page: PageContext; state: DetailState }): JSX.Element {
  const u = state.user;
  const self = page.user?.id === u.id;
  return (
    <Shell page={page} title={u.email}>
      <p class="mb-2 text-sm">
        <a class={LINK_CLASS} href="/admin/users">
          All users
        </a>
      </p>
      <h2 class="mb-4 break-all text-xl font-semibold" safe>
        {u.email}
      </h2>
      {state.token ? (
        <ShownOnce
          id="new-token"
          title={`Token “${state.token.name}” created`}
          value={state.token.token}
          note="Copy it now and hand it to the service: it is shown only this once."
        />
      ) : (
        ''
      )}
      {state.error ? <Alert message={state.error} /> : ''}
      {state.saved ? <Alert kind="success" message="Saved." /> : ''}
      <div class="grid gap-6 lg:grid-cols-2">
        <Card title="Account">
          <dl class="mb-4 grid grid-cols-[8rem_1fr] gap-y-1 text-sm">
            <dt class="text-slate-600">Name</dt>
            <dd safe>{`${u.first_name} ${u.last_name}`.trim() || '—'}</dd>
            <dt class="text-slate-600">Kind</dt>
            <dd>{u.kind}</dd>
            <dt class="text-slate-600">Status</dt>
            <dd data-user-status>{u.is_active ? 'Active' : 'Deactivated'}</dd>
            <dt class="text-slate-600">Grants</dt>
            <dd class="font-mono text-xs" safe>
              {u.grants.join(', ') || '—'}
            </dd>
            <dt class="text-slate-600">Created</dt>
            <dd>{u.created_at.slice(0, 10)}</dd>
          </dl>
          <form method="post" action={`/admin/users/${u.id}`} class="flex flex-wrap items-end gap-3">
            <CsrfField token={page.csrfToken} />
            <Select name="role" label="Role" value={u.role} options={ROLE_OPTIONS} id="user-role" />
            <Button>Change role</Button>
          </form>
          <div class="mt-4">
            {u.is_active ? (
              <details class="rounded-md border border-red-200 px-3 py-2">
                <summary class="cursor-pointer text-sm font-semibold text-red-800">Deactivate…</summary>
                <form method="post" action={`/admin/users/${u.id}`} class="mt-2 space-y-2">
                  <CsrfField token={page.csrfToken} />
                  <input type="hidden" name="is_active" value="false" />
                  <p class="text-sm text-slate-700">
                    {self ? 'This is your own account. ' : ''}Their sessions and API tokens end at once.
                  </p>
                  <button type="submit" class={buttonClass('danger')}>
                    Deactivate now
                  </button>
                </form>
              </details>
            ) : (
              <form method="post" action={`/admin/users/${u.id}`}>
                <CsrfField token={page.csrfToken} />
                <input type="hidden" name="is_active" value="true" />
                <Button variant="secondary">Reactivate</Button>
              </form>
            )}
          </div>
        </Card>
        {u.kind === 'service' && u.is_active ? (
          <Card title="New API token for this service account">
            <form method="post" action={`/admin/users/${u.id}/tokens`} class="space-y-3">
              <CsrfField token={page.csrfToken} />
              <Field name="name" label="Token name" required />
              <fieldset>
                <legend class="text-sm font-medium text-slate-800">Scopes</legend>
                <div class="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2">
                  {ALL_PERMISSIONS.map((p) => (
                    <label class="flex items-center gap-2 text-sm text-slate-800">
                      <input type="checkbox" class="h-4 w-4" name="scopes" value={p} />
                      <span class="font-mono text-xs">{p}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
              <Button>Create token</Button>
            </form>
          </Card>
        ) : (
          ''
        )}
      </div>
    </Shell>
  );
}

function queryOf(raw: unknown): { query: AdminUserQuery; shown: Record<string, string> } {
  const shown: Record<string, string> = {};
  const query: AdminUserQuery = { limit: 50 };
  const email = str(raw, 'email').trim().slice(0, 254);
  if (email) {
    shown.email = email;
    query.email = email;
  }
  const role = str(raw, 'role');
  if (isRole(role)) {
    shown.role = role;
    query.role = role;
  }
  const kind = str(raw, 'kind');
  if (kind === 'user' || kind === 'service') {
    shown.kind = kind;
    query.kind = kind;
  }
  const status = str(raw, 'status');
  if (status === 'active' || status === 'inactive') {
    shown.status = status;
    query.is_active = status === 'active';
  }
  const cursor = str(raw, 'cursor');
  if (cursor) query.cursor = cursor.slice(0, 200);
  return { query, shown };
}

export const adminUsersPages: WebPages = async (app, ctx) => {
  const admin = createAdminService(ctx.deps, ctx.identity, ctx.access);

  async function listPage(request: FastifyRequest, reply: FastifyReply, error?: string, status = 200) {
    const { query, shown } = queryOf(request.query);
    const result = await admin.listUsers(query);
    const page = await ctx.page(request);
    const state = { users: result.results, next: result.next_cursor, query: shown, error };
    return renderPage(reply, <UsersPage page={page} state={state} />, status);
  }

  async function userPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: Partial<DetailState> = {},
    status = 200,
  ) {
    const user = await admin.getUser(id);
    const page = await ctx.page(request);
    return renderPage(reply, <UserPage page={page} state={{ user, ...extra }} />, status);
  }

  app.get('/admin', { config: { requires: 'admin.access' }, schema: { hide: true } }, (request, reply) =>
    redirectTo(request, reply, '/admin/users'),
  );

  app.get(
    '/admin/users',
    { config: { requires: 'admin.access' }, schema: { hide: true } },
    (request, reply) => listPage(request, reply),
  );

  app.post(
    '/admin/users',
    { config: { requires: 'admin.access' }, schema: PAGE_FORM_SCHEMA },
    async (request, reply) => {
      const kind = str(request.body, 'kind') === 'user' ? 'user' : 'service';
      const role = str(request.body, 'role');
      const password = str(request.body, 'password');
      try {
        if (!isRole(role)) throw new AppError(422, 'validation_error', 'Choose a role.');
        const email = str(request.body, 'email').trim();
        if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254)
          throw new AppError(422, 'validation_error', 'Enter a valid email address.');
        const created = await admin.createUser(
          requireAuth(request),
          { email, role, kind, ...(kind === 'user' && password !== '' ? { password } : {}) },
          auditMeta(request),
        );
        return redirectTo(request, reply, `/admin/users/${created.id}`);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const details = err.details.map((d) => d.message).join(' ');
        return listPage(request, reply, `${err.message} ${details}`.trim(), err.status);
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/admin/users/:id',
    { config: { requires: 'admin.access' }, schema: { hide: true, params: PAGE_ID_PARAMS } },
    (request, reply) =>
      userPage(request, reply, request.params.id, { saved: str(request.query, 'saved') === '1' }),
  );

  app.post<{ Params: { id: string } }>(
    '/admin/users/:id',
    { config: { requires: 'admin.access' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      const role = str(request.body, 'role');
      const active = str(request.body, 'is_active');
      const patch = {
        ...(isRole(role) ? { role } : {}),
        ...(active === 'true' || active === 'false' ? { is_active: active === 'true' } : {}),
      };
      if (Object.keys(patch).length === 0) {
        return userPage(request, reply, request.params.id, { error: 'Nothing to change.' }, 422);
      }
      try {
        await admin.updateUser(requireAuth(request), request.params.id, patch, auditMeta(request));
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
        return userPage(request, reply, request.params.id, { error: err.message }, err.status);
      }
      return redirectTo(request, reply, `/admin/users/${request.params.id}?saved=1`);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/users/:id/tokens',
    { config: { requires: 'admin.access' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      const name = str(request.body, 'name').trim();
      const scopes = list(request.body, 'scopes');
      try {
        if (name === '' || name.length > 100)
          throw new AppError(422, 'validation_error', 'Give the token a name.');
        if (scopes.length === 0) throw new AppError(422, 'validation_error', 'Choose at least one scope.');
        const created = await admin.createServiceToken(
          requireAuth(request),
          request.params.id,
          { name, scopes },
          auditMeta(request),
        );
        reply.header('cache-control', 'no-store');
        return userPage(
          request,
          reply,
          request.params.id,
          { token: { name: created.name, token: created.token } },
          201,
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500 || err.status === 404) throw err;
        return userPage(request, reply, request.params.id, { error: err.message }, err.status);
      }
    },
  );
};
