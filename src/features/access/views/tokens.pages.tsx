/**
 * Account → API tokens: create (the token is shown once, with a copy button), list (prefix, name,
 * scopes, last used, expiry), revoke (a POST with the CSRF token, behind a confirmation). Calls the
 * same access service as /api/v1/tokens.
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
import { requireAuth } from '../../identity/index.js';
import { auditMeta } from '../access.routes.js';
import { accessErrors } from '../access.errors.js';
import type { PublicApiToken } from '../api-tokens.service.js';
import { PAGE_FORM_SCHEMA, PAGE_ID_PARAMS } from '../../../web/page-schemas.js';

const EXPIRIES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
] as const;

function when(iso: string | null, none: string): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : none;
}

/** Form values: a field may come once (string) or repeated (checkbox groups: an array). */
function list(body: unknown, key: string): string[] {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

function str(body: unknown, key: string): string {
  return list(body, key)[0] ?? '';
}

interface TokensState {
  tokens: PublicApiToken[];
  held: string[];
  created?: PublicApiToken & { token: string };
  error?: string;
  form?: { name: string; scopes: string[]; expiry: string };
}

function TokensPage({ page, state }: { page: PageContext; state: TokensState }): JSX.Element {
  const form = state.form ?? { name: '', scopes: [], expiry: '90' };
  return (
    <Layout title="API tokens" user={page.user} csrfToken={page.csrfToken} active="account">
      <h1 class="mb-4 text-2xl font-bold">Account</h1>
      <SectionNav label="Account sections" items={ACCOUNT_SECTIONS} current="tokens" />
      {state.created ? (
        <ShownOnce
          id="new-token"
          title={`Token “${state.created.name}” created`}
          value={state.created.token}
          note="Copy it now: this is the only time it is shown. Use it as Authorization: Bearer <token>."
        />
      ) : (
        ''
      )}
      <div class="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div class="min-w-0">
          <Card title="Your tokens" id="tokens">
            {state.tokens.length === 0 ? (
              <p class="text-sm text-slate-700">No tokens yet.</p>
            ) : (
              <div class="overflow-x-auto">
                <table class="min-w-full divide-y divide-slate-200 text-sm">
                  <caption class="sr-only">Your live API tokens</caption>
                  <thead class="text-left text-slate-700">
                    <tr>
                      <th scope="col" class="py-2 pr-3 font-semibold">
                        Name
                      </th>
                      <th scope="col" class="py-2 pr-3 font-semibold">
                        Prefix
                      </th>
                      <th scope="col" class="py-2 pr-3 font-semibold">
                        Scopes
                      </th>
                      <th scope="col" class="py-2 pr-3 font-semibold">
                        Last used
                      </th>
                      <th scope="col" class="py-2 pr-3 font-semibold">
                        Expires
                      </th>
                      <th scope="col" class="py-2 font-semibold">
                        <span class="sr-only">Revoke</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody class="divide-y divide-slate-100">
                    {state.tokens.map((t) => (
                      <tr data-token-row>
                        <td class="py-2 pr-3 font-medium" safe>
                          {t.name}
                        </td>
                        <td class="py-2 pr-3 font-mono text-xs" safe>
                          {`${t.prefix}…`}
                        </td>
                        <td class="py-2 pr-3 text-xs" safe>
                          {t.scopes.join(', ')}
                        </td>
                        <td class="py-2 pr-3 whitespace-nowrap">{when(t.last_used_at, 'Never')}</td>
                        <td class="py-2 pr-3 whitespace-nowrap">{when(t.expires_at, 'Never')}</td>
                        <td class="py-2">
                          <details>
                            <summary class="cursor-pointer text-sm font-medium text-red-800">Revoke…</summary>
                            <form
                              method="post"
                              action={`/account/tokens/${t.id}/revoke`}
                              hx-post={`/account/tokens/${t.id}/revoke`}
                              hx-target="#tokens"
                              hx-select="#tokens"
                              hx-swap="outerHTML"
                              class="mt-2"
                            >
                              <CsrfField token={page.csrfToken} />
                              <button type="submit" class={buttonClass('danger')}>
                                Revoke now
                              </button>
                            </form>
                          </details>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </div>
        <Card title="New token" id="new-token-form">
          {state.error ? <Alert message={state.error} /> : ''}
          <form method="post" action="/account/tokens" class="space-y-4">
            <CsrfField token={page.csrfToken} />
            <Field
              name="name"
              label="Name"
              value={form.name}
              required
              hint="What or who uses it, e.g. “nightly import”."
            />
            <fieldset>
              <legend class="text-sm font-medium text-slate-800">Scopes (what the token may do)</legend>
              <div class="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2">
                {state.held.map((p) => (
                  <label class="flex items-center gap-2 text-sm text-slate-800">
                    <input
                      type="checkbox"
                      class="h-4 w-4"
                      name="scopes"
                      value={p}
                      checked={form.scopes.includes(p)}
                    />
                    <span class="font-mono text-xs" safe>
                      {p}
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            <div class="space-y-1">
              <label for="f-expiry" class="block text-sm font-medium text-slate-800">
                Expires after
              </label>
              <select
                id="f-expiry"
                name="expiry"
                class="block w-full rounded-md border border-slate-400 bg-white px-3 py-2"
              >
                {EXPIRIES.map((e) => (
                  <option value={e.value} selected={e.value === form.expiry}>
                    {e.label}
                  </option>
                ))}
              </select>
            </div>
            <Button>Create token</Button>
          </form>
        </Card>
      </div>
    </Layout>
  );
}

export const tokensPages: WebPages = async (app, ctx) => {
  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Partial<TokensState>,
    status = 200,
  ) {
    const auth = requireAuth(request);
    const page = await ctx.page(request);
    const state: TokensState = {
      tokens: await ctx.access.tokens.list(auth.userId),
      held: [...(auth.permissions ?? [])].sort(),
      ...extra,
    };
    return renderPage(reply, <TokensPage page={page} state={state} />, status);
  }

  app.get(
    '/account/tokens',
    { config: { requires: 'view_apitoken' }, schema: { hide: true } },
    (request, reply) => render(request, reply, {}),
  );

  app.post(
    '/account/tokens',
    { config: { requires: 'add_apitoken' }, schema: PAGE_FORM_SCHEMA },
    async (request, reply) => {
      const auth = requireAuth(request);
      const form = {
        name: str(request.body, 'name').trim(),
        scopes: list(request.body, 'scopes'),
        expiry: str(request.body, 'expiry'),
      };
      try {
        if (form.name === '' || form.name.length > 100)
          throw new AppError(422, 'validation_error', 'Give the token a name (up to 100 characters).');
        if (form.scopes.length === 0)
          throw new AppError(422, 'validation_error', 'Choose at least one scope.');
        ctx.access.assertPermissions('scopes', form.scopes);
        const held = auth.permissions ?? new Set<string>();
        const missing = form.scopes.filter((s) => !held.has(s));
        if (missing.length > 0) throw accessErrors.scopesNotHeld(missing);
        const days = Number(form.expiry);
        const expiresAt =
          Number.isInteger(days) && days > 0 ? new Date(Date.now() + days * 86_400_000).toISOString() : null;
        const created = await ctx.access.tokens.create(
          auth,
          auth.userId,
          { name: form.name, scopes: form.scopes, expires_at: expiresAt },
          auditMeta(request),
        );
        // Rendered, not redirected: the token must appear on this one response and nowhere else.
        reply.header('cache-control', 'no-store');
        return render(request, reply, { created }, 201);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        return render(request, reply, { error: err.message, form }, err.status);
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/account/tokens/:id/revoke',
    { config: { requires: 'delete_apitoken' }, schema: { ...PAGE_FORM_SCHEMA, params: PAGE_ID_PARAMS } },
    async (request, reply) => {
      await ctx.access.tokens.revoke(requireAuth(request), request.params.id, auditMeta(request));
      // HTMX swaps the token list in place; a plain form post reloads the page.
      if (isHtmx(request)) return render(request, reply, {});
      return redirectTo(request, reply, '/account/tokens');
    },
  );
};
