/** The uploads feature's stable error codes; shared ones come from lib/app-error. */
import { AppError, errors } from '../../lib/app-error.js';

export const uploadErrors = {
  notFound: () => errors.notFound('Upload'),
  fileTooLarge: (maxMb: number) =>
    errors.payloadTooLarge(`The file is larger than the ${maxMb} MB limit (MAX_UPLOAD_MB).`),
  unsupportedType: (message: string) => errors.unsupportedMediaType(message),
  notMultipart: () =>
    errors.unsupportedMediaType(
      'Send the file as multipart/form-data with a `file` part and a `schema_id` field.',
    ),
  missingFile: () =>
    errors.validation('A file is required.', [
      { field: 'file', code: 'required', message: 'Add the spreadsheet as the `file` part.' },
    ]),
  tooManyFiles: () =>
    errors.validation('Send exactly one file per upload.', [
      { field: 'file', code: 'too_many_files', message: 'Only one `file` part is accepted.' },
    ]),
  badField: (field: string, message: string) =>
    errors.validation(`The field ${field} is not valid.`, [{ field, code: 'invalid', message }]),
  schemaNotFound: () =>
    errors.validation('The schema does not exist or is not yours.', [
      { field: 'schema_id', code: 'not_found', message: 'Use the id of one of your schemas.' },
    ]),
  /** IETF draft "The Idempotency-Key HTTP Header Field": a key reused for a different request is a 422. */
  idempotencyKeyReused: () =>
    new AppError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different upload (another file, schema or sheet); use a new key.',
    ),
  badIdempotencyKey: () =>
    errors.validation('The Idempotency-Key header is not valid.', [
      { field: 'Idempotency-Key', code: 'invalid', message: 'Use 1 to 255 visible ASCII characters.' },
    ]),
  notFinished: () =>
    errors.conflict('The upload has not finished validating yet; wait for status valid or invalid.'),
  noResults: () => errors.conflict('The upload has no validation results (its validation failed).'),
  stillRunning: () =>
    errors.conflict('The upload is still queued or validating; revalidate it once it has finished.'),
  invalidCursor: () =>
    errors.validation('The cursor is not valid.', [
      { field: 'cursor', code: 'invalid_cursor', message: 'Use the next_cursor of a previous page.' },
    ]),
} as const;
