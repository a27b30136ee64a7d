/** The web shell: pages' layout and components, sessions, CSRF, rendering. Reach it only here. */
export {
  webPlugin,
  webCsrfPlugin,
  type WebContext,
  type WebPages,
  type WebPluginOptions,
  type PageContext,
} from './web.plugin.js';
export { createWebSessions, type WebSessions, type WebSession } from './session/web-sessions.service.js';
export { sessionAuthenticator, requestSessionOf } from './session/session.authenticator.js';
export { setSessionCookie, clearSessionCookie, sessionCookieName } from './session/session-cookie.js';
export { csrfTokenOf, csrfFailed, CSRF_FIELD, CSRF_HEADER } from './csrf.js';
export { renderPage, redirectTo, isHtmx, safeNext } from './render.js';
export { renderHtmlError, wantsHtml, type ErrorInfo } from './error-pages.js';
export { Layout, type LayoutProps, type Viewer } from './components/layout.js';
export {
  Field,
  Select,
  Button,
  Alert,
  Card,
  CsrfField,
  fieldErrorsOf,
  buttonClass,
  inputClass,
  type FieldErrors,
  type FieldProps,
} from './components/form.js';
export { assetUrl } from './asset-urls.js';
