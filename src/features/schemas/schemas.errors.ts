/** The schemas feature's stable error codes; shared ones come from lib/app-error. */
import { errors } from '../../lib/app-error.js';

export const schemaErrors = {
  notFound: () => errors.notFound('Schema'),
  versionNotFound: (version: number) => errors.notFound(`Version ${version} of the schema`),
  /** The engine refused the Table Schema; its message says where and why. */
  invalidSchema: (message: string) =>
    errors.validation(`The schema is not a valid Table Schema: ${message}`, [
      { field: 'schema', code: 'schema_invalid', message },
    ]),
  invalidCursor: () =>
    errors.validation('The cursor is not valid.', [
      { field: 'cursor', code: 'invalid_cursor', message: 'Use the next_cursor of a previous page.' },
    ]),
  sampleMissing: () =>
    errors.validation('Send the sample spreadsheet as a multipart field named "file".', [
      { field: 'file', code: 'required', message: 'A file is required.' },
    ]),
} as const;
