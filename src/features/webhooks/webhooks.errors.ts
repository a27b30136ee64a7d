/** The webhooks feature's stable error codes; shared ones come from lib/app-error. */
import { errors } from '../../lib/app-error.js';

export const webhookErrors = {
  notFound: () => errors.notFound('Webhook endpoint'),
  /** Not http(s), has credentials, does not resolve, or (in production) targets a private address. */
  unsafeUrl: (message: string) =>
    errors.validation(`The webhook URL cannot be used: ${message}`, [
      { field: 'url', code: 'unsafe_url', message },
    ]),
  invalidCursor: () =>
    errors.validation('The cursor is not valid.', [
      { field: 'cursor', code: 'invalid_cursor', message: 'Use the next_cursor of a previous page.' },
    ]),
} as const;
