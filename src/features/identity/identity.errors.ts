/** The identity feature's stable error codes; shared ones come from lib/app-error. */
import { AppError, errors } from '../../lib/app-error.js';
import type { ErrorDetail } from '../../lib/app-error.js';

export const identityErrors = {
  emailTaken: () => errors.conflict('An account with this email already exists.'),
  weakPassword: (details: readonly ErrorDetail[]) =>
    errors.validation('The password does not meet the requirements.', details),
  invalidEmail: (field = 'email') =>
    errors.validation('The email address is not valid.', [
      { field, code: 'invalid_email', message: 'Must be a valid email address of at most 254 characters.' },
    ]),
  invalidRefreshToken: () => errors.notAuthenticated('The refresh token is invalid, expired or revoked.'),
  invalidAccessToken: (reason: string) => errors.notAuthenticated(`The access token is invalid: ${reason}.`),
  tokenRevoked: () => errors.notAuthenticated('The access token has been revoked.'),
  wrongCurrentPassword: () =>
    errors.validation('The current password is wrong.', [
      { field: 'current_password', code: 'wrong_password', message: 'The current password is wrong.' },
    ]),
  cannotChangeOwnAccess: () =>
    errors.conflict(
      'You cannot remove your own admin role, deactivate or delete yourself; ask another admin.',
    ),
  ownerCannotChangeRole: () => errors.forbidden('Only an admin can change a role or deactivate an account.'),
  userNotFound: () => errors.notFound('User'),
  invalidCursor: () =>
    errors.validation('The cursor is not valid.', [
      { field: 'cursor', code: 'invalid_cursor', message: 'Use the next_cursor of a previous page.' },
    ]),
  emailRateLimited: (limit: number, resetSeconds: number) =>
    new AppError(429, 'rate_limited', `Too many attempts for this email. Try again in ${resetSeconds} s.`, {
      headers: {
        'Retry-After': String(resetSeconds),
        'RateLimit-Limit': String(limit),
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': String(resetSeconds),
      },
    }),
} as const;
