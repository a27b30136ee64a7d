/** Stable error codes of the access feature. */
import { AppError, errors } from '../../lib/app-error.js';

export const accessErrors = {
  invalidApiToken: (reason: string) =>
    new AppError(401, 'not_authenticated', `The API token is not valid: ${reason}.`),
  apiTokenExpired: () => new AppError(401, 'token_expired', 'The API token has expired.'),
  permissionRequired: (permission: string) =>
    new AppError(403, 'forbidden', `This needs the "${permission}" permission.`),
  serviceCannotDelete: () =>
    new AppError(403, 'forbidden', 'Service accounts may never perform DELETE requests.'),
  unknownPermissions: (field: string, names: readonly string[]) =>
    errors.validation(`Unknown permission codename(s): ${names.join(', ')}.`, [
      { field, code: 'unknown_permission', message: `Unknown: ${names.join(', ')}.` },
    ]),
  scopesNotHeld: (names: readonly string[]) =>
    errors.validation(`A token cannot hold permissions its owner lacks: ${names.join(', ')}.`, [
      { field: 'scopes', code: 'scope_not_held', message: `Not held: ${names.join(', ')}.` },
    ]),
  expiryInPast: () =>
    errors.validation('expires_at must be in the future.', [
      { field: 'expires_at', code: 'in_past', message: 'Must be in the future.' },
    ]),
  tokenNotFound: () => errors.notFound('API token'),
  roleNotFound: (name: string) => errors.notFound(`Role "${name}"`),
  /** A roles change that empties a role or removes many permissions at once, sent without `confirm`. */
  confirmationRequired: (losses: readonly { role: string; removed: readonly string[]; emptied: boolean }[]) =>
    new AppError(
      409,
      'confirmation_required',
      `This change removes ${losses.reduce((n, l) => n + l.removed.length, 0)} permission(s)` +
        `${losses.some((l) => l.emptied) ? ' and leaves a role with none' : ''}; send it again with "confirm": true to apply it.`,
      {
        details: losses.map((l) => ({
          field: `roles.${l.role}`,
          code: l.emptied ? 'role_emptied' : 'permissions_removed',
          message: `${l.role} loses ${l.emptied ? 'every permission' : l.removed.length}: ${l.removed.join(', ')}`,
        })),
      },
    ),
  adminRoleLocked: () =>
    new AppError(
      409,
      'conflict',
      'The admin role keeps every permission, so the API cannot lock itself out.',
    ),
} as const;
