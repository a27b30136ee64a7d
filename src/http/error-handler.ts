/**
 * The one error handler. Every error leaves as `{"error", "message", "details", "request_id"}`:
 * AppError as it says; Fastify's own client errors mapped to our stable codes; validation errors
 * as 422 naming each field; anything else a 500 whose text, stack and SQL stay in the log.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/app-error.js';
import type { ErrorDetail } from '../lib/app-error.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { renderHtmlError } from '../web/index.js';

export interface ErrorBody {
  error: string;
  message: string;
  details: ErrorDetail[];
  request_id: string;
}

/** The subset of an AJV error we read (Fastify attaches them as `error.validation`). */
interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Fastify's client errors (bad JSON, too large, wrong type...) mapped to our codes by status. */
const CLIENT_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: 'malformed_request', message: 'The request could not be read.' },
  404: { code: 'not_found', message: 'Not found.' },
  405: { code: 'method_not_allowed', message: 'Method not allowed.' },
  406: { code: 'not_acceptable', message: 'Not acceptable.' },
  408: { code: 'request_timeout', message: 'The request took too long.' },
  411: { code: 'length_required', message: 'Content-Length is required.' },
  413: { code: 'payload_too_large', message: 'The request body is too large.' },
  415: { code: 'unsupported_media_type', message: 'This content type is not supported here; send JSON.' },
  431: { code: 'headers_too_large', message: 'The request headers are too large.' },
};

/** Human messages for the Fastify errors a client can cause, where the status alone is vague. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but Content-Type is application/json.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not supported here; send JSON.',
};

function body(code: string, message: string, details: readonly ErrorDetail[], requestId: string): ErrorBody {
  return { error: code, message, details: [...details], request_id: requestId };
}

function fieldOf(part: string, issue: ValidationIssue): string {
  // AJV paths are JSON pointers (`/items/0/name`); show them dotted (`body.items.0.name`).
  const path = issue.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof missing === 'string') path.push(missing);
  return [part === 'querystring' ? 'query' : part, ...path].join('.');
}

function messageOf(issue: ValidationIssue): string {
  switch (issue.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'format':
      return `must be a valid ${String(issue.params.format)}`;
    default:
      return issue.message ?? 'is invalid';
  }
}

/** Turns Fastify's validation error into one detail per field. */
export function validationDetails(error: FastifyError): ErrorDetail[] {
  const part = error.validationContext ?? 'body';
  const issues = (error.validation ?? []) as unknown as ValidationIssue[];
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const detail = { field: fieldOf(part, issue), code: issue.keyword, message: messageOf(issue) };
    // anyOf/oneOf can report one field several times; keep each (field, message) once.
    const key = `${detail.field}\u0000${detail.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  return details;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && ('statusCode' in error || 'validation' in error || 'code' in error);
}

/**
 * Fastify `setErrorHandler` handler: JSON for the API; for page requests an HTML page, and for
 * HTMX requests an HTML fragment (src/web/error-pages.tsx), both hiding 5xx text.
 */
export function handleError(
  this: unknown,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): ErrorBody | string {
  const json = errorBodyOf(error, request, reply);
  return renderHtmlError(request, reply, reply.statusCode, json) ?? json;
}

function errorBodyOf(error: unknown, request: FastifyRequest, reply: FastifyReply): ErrorBody {
  reply.header(REQUEST_ID_HEADER, request.id);

  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    reply.code(error.status);
    const message = error.status >= 500 ? 'Something went wrong.' : error.message;
    return body(error.code, message, error.details, request.id);
  }

  if (isFastifyError(error) && error.validation) {
    reply.code(422);
    return body('validation_error', 'The request has invalid fields.', validationDetails(error), request.id);
  }

  const status = isFastifyError(error) ? (error.statusCode ?? 500) : 500;
  if (status >= 400 && status < 500) {
    // A client error raised by Fastify or a plugin: safe to name, but we use our own wording.
    const known = CLIENT_ERRORS[status] ?? { code: 'bad_request', message: 'The request is invalid.' };
    const code = (error as FastifyError).code;
    const message = (code && FASTIFY_MESSAGES[code]) ?? known.message;
    // Code and status only: V8's JSON.parse messages quote the body, which may hold a password.
    request.log.debug({ code, status }, 'client error');
    reply.code(status);
    return body(known.code, message, [], request.id);
  }

  // Everything else is our bug or an outage: log all of it, tell the client nothing specific.
  request.log.error({ err: error }, 'unhandled error');
  reply.code(status >= 500 && status < 600 ? status : 500);
  return body('internal_error', 'Something went wrong.', [], request.id);
}

/** Fastify `setNotFoundHandler` handler: unknown routes get the standard error body. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): ErrorBody | string {
  reply.header(REQUEST_ID_HEADER, request.id);
  reply.code(404);
  const path = request.url.split('?')[0].slice(0, 200);
  const json = body('not_found', `No route for ${request.method} ${path}.`, [], request.id);
  const page = { ...json, message: 'There is no page at this address.' };
  return renderHtmlError(request, reply, 404, page) ?? json;
}
