/** The AI feature's stable error codes; shared ones come from lib/app-error. */
import { AppError, errors } from '../../lib/app-error.js';

export const aiErrors = {
  /** No ANTHROPIC_API_KEY: the feature is off on this deployment. */
  disabled: () =>
    new AppError(503, 'ai_unavailable', 'AI review is off: ANTHROPIC_API_KEY is not set on this deployment.'),
  /** The circuit breaker is open: the model service failed repeatedly. */
  unavailable: (message: string, retryAfterSeconds: number) =>
    new AppError(503, 'ai_unavailable', message, {
      headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
    }),
  /** The month's budget or the upload's token allowance does not cover the request. */
  budgetExceeded: (message: string) => new AppError(429, 'ai_budget_exceeded', message),
  /** The model failed (errors after retries, or a malformed answer twice). */
  failed: (message: string) => new AppError(502, 'ai_failed', message),
  schemaNotFound: () => errors.notFound('Schema'),
  uploadNotReviewable: (status: string) =>
    errors.conflict(`The upload is ${status}; AI review needs a finished validation (valid or invalid).`),
  reviewNotFound: () => errors.notFound('AI review'),
  unknownFields: (fields: readonly string[]) =>
    errors.validation(
      'Some mappings name fields the schema does not have.',
      fields.map((f) => ({
        field: 'mappings',
        code: 'unknown_field',
        message: `No field "${f}" in the schema.`,
      })),
    ),
  unknownColumns: (columns: readonly string[]) =>
    errors.validation(
      "Some columns are not fields of the upload's schema.",
      columns.map((c) => ({
        field: 'columns',
        code: 'unknown_field',
        message: `No field "${c}" in the schema.`,
      })),
    ),
} as const;
