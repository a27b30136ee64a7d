/**
 * The one error type the app throws for anything a client should see. The HTTP error handler
 * renders it as `{"error": code, "message", "details", "request_id"}` with `status`; anything else
 * becomes a 500 whose text never reaches the client.
 */
export interface ErrorDetail {
  /** The field or location the detail is about, e.g. `email` or `body.password`. */
  readonly field?: string;
  readonly code?: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: readonly ErrorDetail[];
  /** Extra response headers, e.g. `Retry-After` on 429. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: readonly ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

/** The stable codes shared by every feature (DESIGN.md, API conventions). */
export const errors = {
  invalidCredentials: () => new AppError(401, 'invalid_credentials', 'Invalid email or password.'),
  tokenExpired: () => new AppError(401, 'token_expired', 'The access token has expired.'),
  notAuthenticated: (message = 'Authentication is required.') =>
    new AppError(401, 'not_authenticated', message),
  forbidden: (message = 'You do not have permission to do this.') => new AppError(403, 'forbidden', message),
  notFound: (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`),
  conflict: (message: string) => new AppError(409, 'conflict', message),
  payloadTooLarge: (message = 'The request body is too large.') =>
    new AppError(413, 'payload_too_large', message),
  unsupportedMediaType: (message: string) => new AppError(415, 'unsupported_media_type', message),
  validation: (message: string, details: readonly ErrorDetail[] = []) =>
    new AppError(422, 'validation_error', message, { details }),
  malformedRequest: (message: string) => new AppError(400, 'malformed_request', message),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError(429, 'rate_limited', `Too many requests. Try again in ${retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
} as const;
