/** The one page layout: header with navigation, main, footer. Every page renders inside it. */
import type { Children } from '@kitajs/html';
import { assetUrl } from '../asset-urls.js';

export interface Viewer {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
}

export interface LayoutProps {
  readonly title: string;
  readonly user: Viewer | null;
  /** The session's CSRF token ('' when anonymous); HTMX sends it on every request. */
  readonly csrfToken: string;
  /** The navigation entry to mark as current. */
  readonly active?: string;
  readonly children?: Children;
}

const NAV: ReadonlyArray<{ href: string; label: string; key: string; adminOnly?: boolean }> = [
  { href: '/', label: 'Dashboard', key: 'dashboard' },
  { href: '/uploads/new', label: 'Upload', key: 'upload' },
  { href: '/schemas', label: 'Schemas', key: 'schemas' },
  { href: '/account', label: 'Account', key: 'account' },
  { href: '/admin', label: 'Admin', key: 'admin', adminOnly: true },
];

export function Layout({ title, user, csrfToken, active, children }: LayoutProps): JSX.Element {
  const hxHeaders = JSON.stringify({ 'X-CSRF-Token': csrfToken });
  return (
    <>
      {'<!doctype html>'}
      <html lang="en" class="h-full bg-slate-50">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
          <title safe>{`${title} · Intake`}</title>
          {assetUrl('app.css') ? <link rel="stylesheet" href={assetUrl('app.css')} /> : ''}
          <script src={assetUrl('htmx.js')} defer></script>
          <script src={assetUrl('app.js')} defer></script>
          <script src={assetUrl('alpine.js')} defer></script>
        </head>
        <body class="min-h-full text-slate-900 antialiased" hx-headers={hxHeaders}>
          <a
            href="#main"
            class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
          >
            Skip to content
          </a>
          <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
              <a href="/" class="text-lg font-bold text-indigo-700">
                Intake
              </a>
              {user ? (
                <nav aria-label="Main" class="flex flex-1 flex-wrap items-center gap-1 text-sm">
                  {NAV.filter((n) => !n.adminOnly || user.role === 'admin').map((n) => (
                    <a
                      href={n.href}
                      aria-current={active === n.key ? 'page' : undefined}
                      class={
                        'rounded px-3 py-2 font-medium ' +
                        (active === n.key
                          ? 'bg-indigo-50 text-indigo-800'
                          : 'text-slate-700 hover:bg-slate-100')
                      }
                    >
                      {n.label}
                    </a>
                  ))}
                  <span class="ml-auto flex items-center gap-3">
                    <span class="hidden text-slate-600 sm:inline" safe>
                      {user.email}
                    </span>
                    <form method="post" action="/logout">
                      <input type="hidden" name="_csrf" value={csrfToken} />
                      <button
                        type="submit"
                        class="rounded px-3 py-2 font-medium text-slate-700 hover:bg-slate-100"
                      >
                        Sign out
                      </button>
                    </form>
                  </span>
                </nav>
              ) : (
                <nav aria-label="Main" class="ml-auto flex gap-2 text-sm">
                  <a href="/login" class="rounded px-3 py-2 font-medium text-slate-700 hover:bg-slate-100">
                    Sign in
                  </a>
                  <a
                    href="/signup"
                    class="rounded bg-indigo-700 px-3 py-2 font-medium text-white hover:bg-indigo-800"
                  >
                    Sign up
                  </a>
                </nav>
              )}
            </div>
          </header>
          <div id="flash" class="mx-auto max-w-6xl px-4" aria-live="polite"></div>
          <main id="main" class="mx-auto max-w-6xl px-4 py-6">
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
