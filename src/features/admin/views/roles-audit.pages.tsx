/**
 * Admin → roles and permissions (a role × permission grid; admin always holds everything) and the
 * audit log (filters by action, actor, target and time; cursor pagination, newest first). The same
 * access service and audit query as /api/v1/admin/roles and /api/v1/admin/audit.
 */
import type { Children } from '@kitajs/html';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/app-error.js';
import { ADMIN_SECTIONS, SectionNav } from '../../../web/components/section-nav.js';
import {
  Alert,
  Button,
  Card,
  CsrfField,
  Field,
  Layout,
  renderPage,
  redirectTo,
  type PageContext,
  type WebPages,
} from '../../../web/index.js';
import { ALL_PERMISSIONS, auditMeta, type PublicRole } from '../../access/index.js';
import { listAudit, type AuditQuery, type PublicAuditEvent } from '../../audit/index.js';
import { requireAuth } from '../../identity/index.js';
import { createAdminService } from '../admin.service.js';
import { LINK_CLASS, PAGE_FORM_SCHEMA } from '../../../web/page-schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EDITABLE = ['manager', 'user', 'guest'] as const;

function list(source: unknown, key: string): string[] {
  const value = (source as Record<string, unknown> | null)?.[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
const str = (source: unknown, key: string): string => list(source, key)[0] ?? '';

function Shell(props: {
  page: PageContext;
  title: string;
  current: string;
  children: Children;
}): JSX.Element {
  return (
    <Layout title={props.title} user={props.page.user} csrfToken={props.page.csrfToken} active="admin">
      <h1 class="mb-4 text-2xl font-bold">Admin</h1>
      <SectionNav label="Admin sections" items={ADMIN_SECTIONS} current={props.current} />
      {props.children as JSX.Element}
    </Layout>
  );
}

/** A submitted grid the server wants confirmed: the ticks as sent and what each role would lose. */
interface PendingRoles {
  roles: PublicRole[];
  losses: readonly string[];
}

function RolesPage(props: {
  page: PageContext;
  roles: PublicRole[];
  saved: boolean;
  error?: string;
  pending?: PendingRoles;
}): JSX.Element {
  const shown = props.pending?.roles ?? props.roles;
  const byName = new Map(shown.map((r) => [r.name, new Set(r.permissions)]));
  return (
    <Shell page={props.page} title="Roles and permissions" current="roles">
      {props.saved ? <Alert kind="success" message="Roles saved. They apply at once." /> : ''}
      {props.error && !props.pending ? <Alert message={props.error} /> : ''}
      <Card title="Roles and permissions" id="roles">
        <form method="post" action="/admin/roles">
          <CsrfField token={props.page.csrfToken} />
          {props.pending ? (
            <div
              role="alert"
              class="mb-4 rounded-md border border-amber-400 bg-amber-50 p-4 text-sm text-amber-900"
              id="confirm-roles"
            >
              <p class="font-semibold">
                Nothing is saved yet: this change takes permissions away. Confirm it?
              </p>
              <ul class="my-2 list-disc pl-5">
                {props.pending.losses.map((l) => (
                  <li safe>{l}</li>
                ))}
              </ul>
              <p class="mb-3">The grid below shows the roles as you sent them.</p>
              <Button name="confirm" value="yes" variant="danger">
                Confirm and save
              </Button>
              <a class={`ml-4 ${LINK_CLASS}`} href="/admin/roles">
                Cancel
              </a>
            </div>
          ) : (
            ''
          )}
          <div class="overflow-x-auto">
            <table class="min-w-full divide-y divide-slate-200 text-sm">
              <caption class="sr-only">Which role holds which permission</caption>
              <thead class="text-left text-slate-700">
                <tr>
                  <th scope="col" class="py-2 pr-4 font-semibold">
                    Permission
                  </th>
                  <th scope="col" class="px-3 py-2 text-center font-semibold">
                    admin
                  </th>
                  {EDITABLE.map((r) => (
                    <th scope="col" class="px-3 py-2 text-center font-semibold">
                      {r}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {ALL_PERMISSIONS.map((p) => (
                  <tr>
                    <th scope="row" class="py-1.5 pr-4 text-left font-mono text-xs font-normal">
                      {p}
                    </th>
                    <td class="px-3 py-1.5 text-center">
                      <input
                        type="checkbox"
                        class="h-4 w-4"
                        checked
                        disabled
                        aria-label={`admin: ${p} (always)`}
                      />
                    </td>
                    {EDITABLE.map((r) => (
                      <td class="px-3 py-1.5 text-center">
                        <input
                          type="checkbox"
                          class="h-4 w-4"
                          name={r}
                          value={p}
                          checked={byName.get(r)?.has(p) ?? false}
                          aria-label={`${r}: ${p}`}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="my-3 text-sm text-slate-700">The admin role always holds every permission.</p>
          <Button>Save roles</Button>
        </form>
      </Card>
    </Shell>
  );
}

function actorText(e: PublicAuditEvent): string {
  return e.actor.user_id ? `${e.actor.kind} ${e.actor.user_id.slice(0, 8)}` : e.actor.kind;
}

function AuditPage(props: {
  page: PageContext;
  events: PublicAuditEvent[];
  next: string | null;
  filters: Record<string, string>;
  error?: string;
}): JSX.Element {
  const f = props.filters;
  const nextHref = `/admin/audit?${new URLSearchParams({ ...f, cursor: props.next ?? '' }).toString()}`;
  return (
    <Shell page={props.page} title="Audit log" current="audit">
      <form
        method="get"
        action="/admin/audit"
        role="search"
        class="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6"
      >
        <Field name="action" label="Action" value={f.action ?? ''} hint="e.g. auth.login or schema.*" />
        <Field name="actor" label="Actor (email or id)" value={f.actor ?? ''} />
        <Field name="target" label="Target id" value={f.target ?? ''} />
        <Field name="since" label="From (date)" type="date" value={f.since ?? ''} />
        <Field name="until" label="Until (date)" type="date" value={f.until ?? ''} />
        <div class="flex items-end">
          <Button variant="secondary">Filter</Button>
        </div>
      </form>
      <div id="audit-results">
        {props.error ? <Alert message={props.error} /> : ''}
        <Card title="Events, newest first" id="audit">
          <div class="overflow-x-auto">
            <table class="w-full min-w-[52rem] divide-y divide-slate-200 text-sm">
              <caption class="sr-only">Audit events</caption>
              <thead class="text-left text-slate-700">
                <tr>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Time (UTC)
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Action
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Actor
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Target
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    IP
                  </th>
                  <th scope="col" class="py-2 font-semibold">
                    Details
                  </th>
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {props.events.map((e) => (
                  <tr data-audit-row>
                    <td class="py-2 pr-3 whitespace-nowrap">{e.created_at.slice(0, 19).replace('T', ' ')}</td>
                    <td class="py-2 pr-3 font-mono text-xs" safe>
                      {e.action}
                    </td>
                    <td class="py-2 pr-3 text-xs">
                      {e.actor.user_id ? (
                        <a class={LINK_CLASS} href={`/admin/users/${e.actor.user_id}`}>
                          {actorText(e)}
                        </a>
                      ) : (
                        actorText(e)
                      )}
                    </td>
                    <td class="py-2 pr-3 text-xs break-all" safe>
                      {e.target ? `${e.target.type} ${e.target.id ?? ''}` : '—'}
                    </td>
                    <td class="py-2 pr-3 text-xs" safe>
                      {e.ip ?? '—'}
                    </td>
                    <td class="max-w-xs py-2 font-mono text-xs break-all text-slate-700" safe>
                      {JSON.stringify(e.details)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {props.events.length === 0 ? <p class="text-sm text-slate-700">No events match.</p> : ''}
          {props.next ? (
            <p class="mt-3">
              <a class={LINK_CLASS} href={nextHref}>
                Older events
              </a>
            </p>
          ) : (
            ''
          )}
        </Card>
      </div>
    </Shell>
  );
}

function dayBound(value: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return new Date(date.getTime() + (end ? 86_400_000 : 0)).toISOString();
}

export const adminRolesAuditPages: WebPages = async (app, ctx) => {
  const admin = createAdminService(ctx.deps, ctx.identity, ctx.access);

  async function rolesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    error?: string,
    status = 200,
    pending?: PendingRoles,
  ) {
    const page = await ctx.page(request);
    const roles = await ctx.access.listRoles();
    const saved = str(request.query, 'saved') === '1';
    return renderPage(
      reply,
      <RolesPage page={page} roles={roles} saved={saved && !error} error={error} pending={pending} />,
      status,
    );
  }

  app.get(
    '/admin/roles',
    { config: { requires: 'admin.access' }, schema: { hide: true } },
    (request, reply) => rolesPage(request, reply),
  );

  app.post(
    '/admin/roles',
    { config: { requires: 'admin.access' }, schema: PAGE_FORM_SCHEMA },
    async (request, reply) => {
      const changes = EDITABLE.map((name) => ({ name, permissions: list(request.body, name) }));
      // An empty or mostly-unticked grid is a confirm step, never a silent loss of permissions.
      const confirm = str(request.body, 'confirm') === 'yes';
      try {
        await ctx.access.updateRoles(requireAuth(request), changes, auditMeta(request), { confirm });
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const pending =
          err.code === 'confirmation_required'
            ? {
                roles: changes.map((c) => ({ ...c, description: '', updated_at: '' })),
                losses: err.details.map((d) => d.message),
              }
            : undefined;
        return rolesPage(request, reply, err.message, err.status, pending);
      }
      return redirectTo(request, reply, '/admin/roles?saved=1');
    },
  );

  app.get(
    '/admin/audit',
    { config: { requires: 'audit.view' }, schema: { hide: true } },
    async (request, reply) => {
      const filters: Record<string, string> = {};
      for (const key of ['action', 'actor', 'target', 'since', 'until']) {
        const value = str(request.query, key).trim().slice(0, 200);
        if (value) filters[key] = value;
      }
      const query: AuditQuery = { limit: 50 };
      let error: string | undefined;
      if (filters.action) query.action = filters.action.slice(0, 100);
      if (filters.target) query.target_id = filters.target;
      if (filters.since) query.since = dayBound(filters.since, false);
      if (filters.until) query.until = dayBound(filters.until, true);
      const cursor = str(request.query, 'cursor');
      if (cursor) query.cursor = cursor.slice(0, 200);
      if (filters.actor) {
        if (UUID.test(filters.actor)) query.actor_user_id = filters.actor;
        else {
          const matches = await admin.listUsers({ email: filters.actor, limit: 2 });
          const exact = matches.results.find((u) => u.email.toLowerCase() === filters.actor.toLowerCase());
          const only = exact ?? (matches.results.length === 1 ? matches.results[0] : undefined);
          if (only) query.actor_user_id = only.id;
          else error = `No single user matches “${filters.actor}”.`;
        }
      }
      const result = error ? { results: [], next_cursor: null } : await listAudit(ctx.deps.dbRead, query);
      const page = await ctx.page(request);
      return renderPage(
        reply,
        <AuditPage
          page={page}
          events={result.results}
          next={result.next_cursor}
          filters={filters}
          error={error}
        />,
        error ? 422 : 200,
      );
    },
  );
};
