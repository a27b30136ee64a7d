/**
 * Sign up, sign in, sign out. The forms post plain HTML (HTMX boosts them); a new session id is
 * issued at every sign-in. Wording never tells whether an email has an account.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRateLimiter, enforceRateLimit } from '../../../http/rate-limit.js';
import { AppError } from '../../../lib/app-error.js';
import {
  Alert,
  Button,
  Card,
  Field,
  Layout,
  clearSessionCookie,
  fieldErrorsOf,
  renderPage,
  redirectTo,
  requestSessionOf,
  safeNext,
  setSessionCookie,
  type FieldErrors,
  type WebContext,
  type WebPages,
} from '../../../web/index.js';

interface AuthFormState {
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly next?: string;
  readonly message?: string;
  readonly errors?: FieldErrors;
}

function LoginPage(state: AuthFormState): JSX.Element {
  const errors = state.errors ?? {};
  return (
    <Layout title="Sign in" user={null} csrfToken="">
      <div class="mx-auto max-w-md">
        <h1 class="mb-4 text-2xl font-bold">Sign in</h1>
        <Card>
          {state.message ? <Alert message={state.message} /> : ''}
          <form method="post" action="/login" class="space-y-4" novalidate>
            <input type="hidden" name="next" value={state.next ?? '/'} />
            <Field
              name="email"
              label="Email"
              type="email"
              value={state.email}
              error={errors.email}
              autocomplete="username"
              required
            />
            <Field
              name="password"
              label="Password"
              type="password"
              error={errors.password}
              autocomplete="current-password"
              required
            />
            <Button>Sign in</Button>
          </form>
        </Card>
        <p class="mt-4 text-sm text-slate-700">
          New here?{' '}
          <a href="/signup" class="font-medium text-indigo-700 underline">
            Create an account
          </a>
        </p>
      </div>
    </Layout>
  );
}

function SignupPage(state: AuthFormState): JSX.Element {
  const errors = state.errors ?? {};
  return (
    <Layout title="Sign up" user={null} csrfToken="">
      <div class="mx-auto max-w-md">
        <h1 class="mb-4 text-2xl font-bold">Create your account</h1>
        <Card>
          {state.message ? <Alert message={state.message} /> : ''}
          <form method="post" action="/signup" class="space-y-4" novalidate>
            <div class="grid gap-4 sm:grid-cols-2">
              <Field
                name="first_name"
                label="First name"
                value={state.firstName}
                error={errors.first_name}
                autocomplete="given-name"
              />
              <Field
                name="last_name"
                label="Last name"
                value={state.lastName}
                error={errors.last_name}
                autocomplete="family-name"
              />
            </div>
            <Field
              name="email"
              label="Email"
              type="email"
              value={state.email}
              error={errors.email}
              autocomplete="email"
              required
            />
            <Field
              name="password"
              label="Password"
              type="password"
              error={errors.password}
              autocomplete="new-password"
              hint="At least 8 characters; not a common password, not only digits, not like your email."
              required
            />
            <Button>Create account</Button>
          </form>
        </Card>
        <p class="mt-4 text-sm text-slate-700">
          Already have an account?{' '}
          <a href="/login" class="font-medium text-indigo-700 underline">
            Sign in
          </a>
        </p>
      </div>
    </Layout>
  );
}

type FormBody = Record<string, string | undefined>;

function str(body: unknown, key: string): string {
  const value = (body as FormBody | null)?.[key];
  return typeof value === 'string' ? value : '';
}

function metaOf(request: FastifyRequest) {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

async function signIn(
  ctx: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: { id: string; role: Parameters<WebContext['sessions']['start']>[0]['role'] },
): Promise<void> {
  // A fresh id at every sign-in (session fixation); an older session in this browser ends.
  const previous = requestSessionOf(request);
  if (previous) await ctx.sessions.end(previous.token);
  const started = await ctx.sessions.start(user, metaOf(request));
  setSessionCookie(reply, ctx.deps.config, started.token);
}

const formSchema = { body: { type: 'object', additionalProperties: { type: 'string' } } } as const;

export const authPages: WebPages = async (app, ctx) => {
  // The same per-IP window as the API's auth routes (one key), so two doors do not double it.
  const limiter = createRateLimiter(ctx.deps.kv);
  const authLimit = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await enforceRateLimit(
      limiter,
      reply,
      `auth:ip:${request.ip}`,
      ctx.deps.config.rateLimitAuthPerMinute,
      60,
    );
  };

  app.get<{ Querystring: { next?: string } }>(
    '/login',
    { config: { requires: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      if (request.auth) return redirectTo(request, reply, safeNext(request.query.next));
      return renderPage(reply, <LoginPage next={safeNext(request.query.next)} />);
    },
  );

  app.post(
    '/login',
    { config: { requires: 'public' }, schema: { hide: true, ...formSchema }, preHandler: authLimit },
    async (request, reply) => {
      const email = str(request.body, 'email').trim();
      const password = str(request.body, 'password');
      const next = safeNext(str(request.body, 'next'));
      if (!email || !password) {
        const errors: Record<string, string> = {};
        if (!email) errors.email = 'Enter your email.';
        if (!password) errors.password = 'Enter your password.';
        return renderPage(reply, <LoginPage email={email} next={next} errors={errors} />, 422);
      }
      try {
        const { user } = await ctx.identity.accounts.login(email, password, metaOf(request));
        await signIn(ctx, request, reply, user);
        return redirectTo(request, reply, next);
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        const message =
          err.status === 401 ? 'Email or password is wrong, or the account is not active.' : err.message;
        if (err.status === 429) for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
        return renderPage(reply, <LoginPage email={email} next={next} message={message} />, err.status);
      }
    },
  );

  app.get('/signup', { config: { requires: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (request.auth) return redirectTo(request, reply, '/');
    return renderPage(reply, <SignupPage />);
  });

  app.post(
    '/signup',
    { config: { requires: 'public' }, schema: { hide: true, ...formSchema }, preHandler: authLimit },
    async (request, reply) => {
      const input = {
        email: str(request.body, 'email').trim(),
        password: str(request.body, 'password'),
        first_name: str(request.body, 'first_name').slice(0, 100),
        last_name: str(request.body, 'last_name').slice(0, 100),
      };
      const state = { email: input.email, firstName: input.first_name, lastName: input.last_name };
      try {
        const { user } = await ctx.identity.accounts.register(input, metaOf(request));
        await signIn(ctx, request, reply, user);
        return redirectTo(request, reply, '/');
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        if (err.status === 409) {
          // Neutral wording: the page must not confirm that an address has an account.
          const message =
            'We could not create an account with these details. If you already have one, sign in instead.';
          return renderPage(reply, <SignupPage {...state} message={message} />, 422);
        }
        return renderPage(
          reply,
          <SignupPage {...state} message={err.message} errors={fieldErrorsOf(err)} />,
          err.status,
        );
      }
    },
  );

  app.post(
    '/logout',
    { config: { requires: 'public' }, schema: { hide: true, ...formSchema } },
    async (request, reply) => {
      const bound = requestSessionOf(request);
      if (bound) await ctx.sessions.end(bound.token);
      clearSessionCookie(reply, ctx.deps.config);
      // To the dashboard, which sends the now anonymous visitor on to the sign-in page.
      return redirectTo(request, reply, '/');
    },
  );
};
