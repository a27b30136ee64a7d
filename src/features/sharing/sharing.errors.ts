/** The sharing feature's stable error codes; shared ones come from lib/app-error. */
import { AppError, errors } from '../../lib/app-error.js';

export const sharingErrors = {
  /** The caller sees the object only because it is shared with it: view-only. */
  readOnly: (what: string) =>
    new AppError(
      403,
      'shared_read_only',
      `This ${what} is shared with you view-only; only its owner can change it.`,
    ),
  /** Only who may change an object lists or changes who it is shared with. */
  notSharer: (what: string) =>
    new AppError(
      403,
      'forbidden',
      `Only who may change this ${what} can see or change whom it is shared with.`,
    ),
  needOneOf: () =>
    errors.validation('Give the user to share with as `email` or `user_id` (one of them).', [
      { field: 'email', code: 'required', message: 'Send `email` or `user_id`, not both and not neither.' },
    ]),
  unknownUser: (field: 'email' | 'user_id') =>
    errors.validation('No active user has that ' + (field === 'email' ? 'email address.' : 'id.'), [
      { field, code: 'unknown_user', message: 'Share with the email or id of an existing, active user.' },
    ]),
  serviceAccount: (field: 'email' | 'user_id') =>
    errors.validation('Service accounts cannot be shared with; give them a role or grants instead.', [
      { field, code: 'service_account', message: 'Share with a person’s account.' },
    ]),
  withOwner: (field: 'email' | 'user_id', what: string) =>
    errors.validation(`That user owns this ${what} already.`, [
      { field, code: 'owner', message: 'Share with someone other than the owner.' },
    ]),
  withSelf: (field: 'email' | 'user_id') =>
    errors.validation('You cannot share with yourself.', [
      { field, code: 'self', message: 'Share with another user.' },
    ]),
  alreadyShared: (what: string) => errors.conflict(`This ${what} is already shared with that user.`),
  shareNotFound: () => errors.notFound('Share'),
} as const;
