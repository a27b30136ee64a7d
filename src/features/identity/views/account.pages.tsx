/** Account: profile (name) and password change. Other account pages (tokens, webhooks) link here. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/app-error.js';
import {
  Alert,
  Button,
  Card,
  CsrfField,
  Field,
  Layout,
  fieldErrorsOf,
  renderPage,
  setSessionCookie,
  type FieldErrors,
  type PageContext,
  type WebPages,
} from '../../../web/index.js';

interface AccountState {
  readonly profileMessage?: { kind: 'error' | 'success'; text: string };
  readonly passwordMessage?: { kind: 'error' | 'success'; text: string };
  readonly passwordErrors?: FieldErrors;
  readonly profileErrors?: FieldErrors;
  readonly firstName: string;
  readonly lastName: string;
}

function AccountPage({ page, state }: { page: PageContext; state: AccountState }): JSX.Element {
  const pe = state.passwordErrors ?? {};
  const fe = state.profileErrors ?? {};
  return (
    <Layout title="Account" user={page.user} csrfToken={page.csrfToken} active="account">
      <h1 class="mb-4 text-2xl font-bold">Account</h1>
      <nav aria-label="Account sections" class="mb-6 flex flex-wrap gap-2 text-sm">
        <a
          href="/account"
          aria-current="page"
          class="rounded bg-indigo-50 px-3 py-2 font-medium text-indigo-800"
        >
          Profile
        </a>
        <a href="/account/tokens" class="rounded px-3 py-2 font-medium text-slate-700 hover:bg-slate-100">
          API tokens
        </a>
        <a href="/account/webhooks" class="rounded px-3 py-2 font-medium text-slate-700 hover:bg-slate-100">
          Webhooks
        </a>
      </nav>
      <div class="grid gap-6 lg:grid-cols-2">
        <Card title="Profile" id="profile">
          {state.profileMessage ? (
            <Alert kind={state.profileMessage.kind} message={state.profileMessage.text} />
          ) : (
            ''
          )}
          <dl class="mb-4 grid grid-cols-[7rem_1fr] gap-y-1 text-sm">
            <dt class="text-slate-600">Email</dt>
            <dd safe>{page.user?.email ?? ''}</dd>
            <dt class="text-slate-600">Role</dt>
            <dd safe>{page.user?.role ?? ''}</dd>
          </dl>
          <form
            method="post"
            action="/account/profile"
            class="space-y-4"
            hx-post="/account/profile"
            hx-target="#profile"
            hx-select="#profile"
            hx-swap="outerHTML"
          >
            <CsrfField token={page.csrfToken} />
            <Field
              name="first_name"
              label="First name"
              value={state.firstName}
              error={fe.first_name}
              autocomplete="given-name"
            />
            <Field
              name="last_name"
              label="Last name"
              value={state.lastName}
              error={fe.last_name}
              autocomplete="family-name"
            />
            <Button>Save profile</Button>
          </form>
        </Card>
        <Card title="Change password" id="password">
          {state.passwordMessage ? (
            <Alert kind={state.passwordMessage.kind} message={state.passwordMessage.text} />
          ) : (
            ''
          )}
          <form method="post" action="/account/password" class="space-y-4" novalidate>
            <CsrfField token={page.csrfToken} />
            <Field
              name="current_password"
              label="Current password"
              type="password"
              error={pe.current_password}
              autocomplete="current-password"
              required
            />
            <Field
              name="new_password"
              label="New password"
              type="password"
              error={pe.new_password}
              autocomplete="new-password"
              required
            />
            <Button>Change password</Button>
          </form>
        </Card>
      </div>
    </Layout>
  );
}

function str(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : '';
}

function metaOf(request: FastifyRequest) {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

const formSchema = {
  hide: true,
  body: { type: 'object', additionalProperties: { type: 'string' } },
} as const;

export const accountPages: WebPages = async (app, ctx) => {
  async function names(userId: string): Promise<{ firstName: string; lastName: string }> {
    const user = (await ctx.identity.revocation.userState(userId))?.user;
    return { firstName: user?.first_name ?? '', lastName: user?.last_name ?? '' };
  }

  app.get(
    '/account',
    { config: { requires: 'authenticated' }, schema: { hide: true } },
    async (request, reply) => {
      const page = await ctx.page(request);
      return renderPage(reply, <AccountPage page={page} state={await names(page.auth!.userId)} />);
    },
  );

  app.post(
    '/account/profile',
    { config: { requires: 'authenticated' }, schema: formSchema },
    async (request, reply) => {
      const auth = request.auth!;
      const patch = {
        first_name: str(request.body, 'first_name').trim(),
        last_name: str(request.body, 'last_name').trim(),
      };
      try {
        await ctx.identity.users.update(auth, auth.userId, patch, metaOf(request));
        const page = await ctx.page(request);
        const state = {
          ...(await names(auth.userId)),
          profileMessage: { kind: 'success' as const, text: 'Profile saved.' },
        };
        return renderPage(reply, <AccountPage page={page} state={state} />);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const page = await ctx.page(request);
        const state = {
          firstName: patch.first_name,
          lastName: patch.last_name,
          profileErrors: fieldErrorsOf(err),
          profileMessage: { kind: 'error' as const, text: err.message },
        };
        return renderPage(reply, <AccountPage page={page} state={state} />, err.status);
      }
    },
  );

  app.post(
    '/account/password',
    { config: { requires: 'authenticated' }, schema: formSchema },
    async (request, reply) => {
      const auth = request.auth!;
      try {
        await ctx.identity.accounts.changePassword(
          auth,
          str(request.body, 'current_password'),
          str(request.body, 'new_password'),
          metaOf(request),
        );
        // The change revoked every session, this one too; keep this browser signed in with a new id.
        const started = await ctx.sessions.start({ id: auth.userId, role: auth.role }, metaOf(request));
        setSessionCookie(reply, ctx.deps.config, started.token);
        const page = { ...(await ctx.page(request)), csrfToken: started.csrfToken };
        const state = {
          ...(await names(auth.userId)),
          passwordMessage: {
            kind: 'success' as const,
            text: 'Password changed. Your other sessions were signed out.',
          },
        };
        return renderPage(reply, <AccountPage page={page} state={state} />);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const page = await ctx.page(request);
        const state = {
          ...(await names(auth.userId)),
          passwordErrors: fieldErrorsOf(err),
          passwordMessage: { kind: 'error' as const, text: err.message },
        };
        return renderPage(reply, <AccountPage page={page} state={state} />, err.status);
      }
    },
  );
};
