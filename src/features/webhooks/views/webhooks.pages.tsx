/**
 * Account → webhooks: endpoints (create: the signing secret is shown once), an endpoint's delivery
 * log, a test delivery, delete. The same webhooks service as /api/v1/webhooks.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/app-error.js';
import { ACCOUNT_SECTIONS, SectionNav } from '../../../web/components/section-nav.js';
import { ShownOnce } from '../../../web/components/shown-once.js';
import {
  Alert,
  Button,
  Card,
  CsrfField,
  Field,
  Layout,
  buttonClass,
  isHtmx,
  redirectTo,
  renderPage,
  type PageContext,
  type WebPages,
} from '../../../web/index.js';
import { EVENT_TYPES } from '../../events/index.js';
import { requireAuth } from '../../identity/index.js';
import { createWebhooksService, type DeliveryResource, type EndpointResource } from '../webhooks.service.js';
import { LINK_CLASS, PAGE_FORM_SCHEMA, PAGE_ID_PARAMS } from '../../../web/page-schemas.js';

function list(body: unknown, key: string): string[] {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '—';
}

interface ListState {
  endpoints: EndpointResource[];
  created?: EndpointResource & { secret: string };
  error?: string;
  form?: { url: string; description: string; events: string[] };
}

function WebhooksPage({ page, state }: { page: PageContext; state: ListState }): JSX.Element {
  const form = state.form ?? { url: '', description: '', events: [...EVENT_TYPES] };
  return (
    <Layout title="Webhooks" user={page.user} csrfToken={page.csrfToken} active="account">
      <h1 class="mb-4 text-2xl font-bold">Account</h1>
      <SectionNav label="Account sections" items={ACCOUNT_SECTIONS} current="webhooks" />
      {state.created ? (
        <ShownOnce
          id="new-secret"
          title="Webhook endpoint created"
          value={state.created.secret}
          note="Copy the signing secret now: it is shown only this once. Verify each delivery's webhook-signature with it."
        />
      ) : (
        ''
      )}
      <div class="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div class="min-w-0">
          <Card title="Endpoints" id="endpoints">
            {state.endpoints.length === 0 ? (
              <p class="text-sm text-slate-700">No endpoints yet.</p>
            ) : (
              <ul class="divide-y divide-slate-100">
                {state.endpoints.map((e) => (
                  <li class="py-3">
                    <a class={`${LINK_CLASS} break-all`} href={`/account/webhooks/${e.id}`} safe>
                      {e.url}
                    </a>
                    {e.description ? (
                      <p class="text-sm text-slate-700" safe>
                        {e.description}
                      </p>
                    ) : (
                      ''
                    )}
                    <p class="text-xs text-slate-600" safe>
                      {e.event_types.join(', ')}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <Card title="New endpoint">
          {state.error ? <Alert message={state.error} /> : ''}
          <form method="post" action="/account/webhooks" class="space-y-4">
            <CsrfField token={page.csrfToken} />
            <Field
              name="url"
              label="URL"
              type="url"
              value={form.url}
              required
              hint="http(s) address that receives POSTs."
            />
            <Field name="description" label="Description" value={form.description} />
            <fieldset>
              <legend class="text-sm font-medium text-slate-800">Events</legend>
              <div class="mt-2 space-y-1">
                {EVENT_TYPES.map((t) => (
                  <label class="flex items-center gap-2 text-sm text-slate-800">
                    <input
                      type="checkbox"
                      class="h-4 w-4"
                      name="event_types"
                      value={t}
                      checked={form.events.includes(t)}
                    />
                    <span class="font-mono text-xs">{t}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <Button>Create endpoint</Button>
          </form>
        </Card>
      </div>
    </Layout>
  );
}

function statusBadge(status: DeliveryResource['status']): string {
  const colours = {
    delivered: 'bg-green-100 text-green-900',
    failed: 'bg-red-100 text-red-900',
    pending: 'bg-amber-100 text-amber-900',
  };
  return `rounded px-2 py-0.5 text-xs font-semibold ${colours[status]}`;
}

function EndpointPage(props: {
  page: PageContext;
  endpoint: EndpointResource;
  deliveries: DeliveryResource[];
  nextCursor: string | null;
}): JSX.Element {
  const { page, endpoint } = props;
  return (
    <Layout title="Webhook endpoint" user={page.user} csrfToken={page.csrfToken} active="account">
      <p class="mb-2 text-sm">
        <a class={LINK_CLASS} href="/account/webhooks">
          Webhooks
        </a>
      </p>
      <h1 class="mb-1 break-all text-2xl font-bold" safe>
        {endpoint.url}
      </h1>
      <p class="mb-4 text-sm text-slate-700" safe>
        {endpoint.description || endpoint.event_types.join(', ')}
      </p>
      <div class="mb-6 flex flex-wrap items-start gap-3">
        <form
          method="post"
          action={`/account/webhooks/${endpoint.id}/test`}
          hx-post={`/account/webhooks/${endpoint.id}/test`}
          hx-target="#deliveries"
          hx-select="#deliveries"
          hx-swap="outerHTML"
        >
          <CsrfField token={page.csrfToken} />
          <Button>Send test event</Button>
        </form>
        <details class="rounded-md border border-red-200 bg-white px-3 py-2">
          <summary class="cursor-pointer text-sm font-semibold text-red-800">Delete endpoint…</summary>
          <form method="post" action={`/account/webhooks/${endpoint.id}/delete`} class="mt-2">
            <CsrfField token={page.csrfToken} />
            <p class="mb-2 text-sm text-slate-700">Its delivery log goes too.</p>
            <button type="submit" class={buttonClass('danger')}>
              Delete now
            </button>
          </form>
        </details>
      </div>
      <Card title="Deliveries" id="deliveries">
        {props.deliveries.length === 0 ? (
          <p class="text-sm text-slate-700">No deliveries yet. Send a test event to try the endpoint.</p>
        ) : (
          <div class="overflow-x-auto">
            <table class="min-w-full divide-y divide-slate-200 text-sm">
              <caption class="sr-only">Deliveries, newest first</caption>
              <thead class="text-left text-slate-700">
                <tr>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Event
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Status
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Attempts
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Response
                  </th>
                  <th scope="col" class="py-2 pr-3 font-semibold">
                    Created
                  </th>
                  <th scope="col" class="py-2 font-semibold">
                    Last error
                  </th>
                </tr>
              </thead>
              <tbody class="divide-y divide-slate-100">
                {props.deliveries.map((d) => (
                  <tr data-delivery-row>
                    <td class="py-2 pr-3 font-mono text-xs" safe>
                      {d.event_type}
                    </td>
                    <td class="py-2 pr-3">
                      <span class={statusBadge(d.status)}>{d.status}</span>
                    </td>
                    <td class="py-2 pr-3">{String(d.attempts)}</td>
                    <td class="py-2 pr-3">{d.response_status === null ? '—' : String(d.response_status)}</td>
                    <td class="py-2 pr-3 whitespace-nowrap">{when(d.created_at)}</td>
                    <td class="py-2 text-xs text-slate-700" safe>
                      {d.last_error ?? ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {props.nextCursor ? (
          <p class="mt-3">
            <a
              class={LINK_CLASS}
              href={`/account/webhooks/${endpoint.id}?cursor=${encodeURIComponent(props.nextCursor)}`}
            >
              Older deliveries
            </a>
          </p>
        ) : (
          ''
        )}
      </Card>
    </Layout>
  );
}

export const webhooksPages: WebPages = async (app, ctx) => {
  const service = createWebhooksService(ctx.deps);

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<ListState>,
    status = 200,
  ) {
    const auth = requireAuth(request);
    // The page manages the person's own endpoints; managers see others' through the API.
    const endpoints = await service.list(auth, { limit: 100, owner: 'me' });
    const page = await ctx.page(request);
    return renderPage(
      reply,
      <WebhooksPage page={page} state={{ endpoints: endpoints.results, ...extra }} />,
      status,
    );
  }

  app.get(
    '/account/webhooks',
    { config: { requires: 'view_webhook' }, schema: { hide: true } },
    (request, reply) => render(request, reply, {}),
  );

  app.post(
    '/account/webhooks',
    { config: { requires: 'add_webhook' }, schema: PAGE_FORM_SCHEMA },
    async (request, reply) => {
      const form = {
        url: (list(request.body, 'url')[0] ?? '').trim(),
        description: list(request.body, 'description')[0] ?? '',
        events: list(request.body, 'event_types'),
      };
      try {
        if (form.url === '') throw new AppError(422, 'validation_error', 'Enter the URL to send events to.');
        const unknown = form.events.filter((e) => !(EVENT_TYPES as readonly string[]).includes(e));
        if (form.events.length === 0 || unknown.length > 0) {
          throw new AppError(422, 'validation_error', 'Choose at least one event.');
        }
        const created = await service.create(requireAuth(request), {
          url: form.url.slice(0, 2000),
          description: form.description.slice(0, 500),
          event_types: form.events,
        });
        reply.header('cache-control', 'no-store');
        return render(request, reply, { created }, 201);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return render(request, reply, { error: err.message, form }, err.status);
      }
    },
  );

  async function endpointPage(request: FastifyRequest, reply: FastifyReply, id: string, cursor?: string) {
    const auth = requireAuth(request);
    const endpoint = await service.get(auth, id);
    const deliveries = await service.deliveries(auth, endpoint.id, { limit: 20, cursor });
    const page = await ctx.page(request);
    return renderPage(
      reply,
      <EndpointPage
        page={page}
        endpoint={endpoint}
        deliveries={deliveries.results}
        nextCursor={deliveries.next_cursor}
      />,
    );
  }

  app.get<{ Params: { id: string }; Querystring: { cursor?: string } }>(
    '/account/webhooks/:id',
    { config: { requires: 'view_webhook' }, schema: { hide: true, params: PAGE_ID_PARAMS } },
    (request, reply) =>
      endpointPage(
        request,
        reply,
        request.params.id,
        typeof request.query.cursor === 'string' ? request.query.cursor : undefined,
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/account/webhooks/:id/test',
    { config: { requires: 'change_webhook' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      await service.test(requireAuth(request), request.params.id);
      // HTMX swaps the delivery log in place; a plain form post reloads the page.
      if (isHtmx(request)) return endpointPage(request, reply, request.params.id);
      return redirectTo(request, reply, `/account/webhooks/${request.params.id}`);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/account/webhooks/:id/delete',
    { config: { requires: 'delete_webhook' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      await service.remove(requireAuth(request), request.params.id);
      return redirectTo(request, reply, '/account/webhooks');
    },
  );
};
