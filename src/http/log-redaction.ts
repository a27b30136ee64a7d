/**
 * Removes secrets from what code hands the logger, by key name at any depth: pino's path-based
 * `redact` needs one wildcard path per depth and costs a traversal per path on every line (it was
 * ~13% of CPU on GET /api/v1/users/me). This walks only plain objects and arrays, copies nothing
 * when there is nothing to hide (the common case), and copies just the branches that change.
 */

/** Keys whose values never reach a log, compared case-insensitively. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(
  [
    'password',
    'current_password',
    'new_password',
    'password_hash',
    'refresh_token',
    'access_token',
    'id_token',
    'token',
    'secret',
    'secret_key',
    'secretkey',
    'client_secret',
    'api_key',
    'x-api-key',
    'authorization',
    'cookie',
    'set-cookie',
    'x-csrf-token',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[redacted]';

/** Deeper than any log object we write; bounds the walk on self-referencing structures. */
const MAX_DEPTH = 8;

function isPlain(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Returns `value` itself when it holds no secret key, else a copy with those values replaced. */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const cleaned = redactSecrets(item, depth + 1);
      if (cleaned !== item) (copy ??= [...value])[i] = cleaned;
    }
    return (copy ?? value) as T;
  }
  if (value instanceof Error) return redactError(value, depth) as T;
  if (!isPlain(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const cleaned = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redactSecrets(item, depth + 1);
    if (cleaned !== item) (copy ??= { ...value })[key] = cleaned;
  }
  return (copy ?? value) as T;
}

/**
 * Errors reach pino's err serializer, which copies their own enumerable fields (e.g. a library's
 * `error.config.headers`). Same rule: the error itself when clean, else a copy of the same class
 * with message and stack kept and the secret fields replaced.
 */
function redactError(error: Error, depth: number): Error {
  let copy: Error | undefined;
  for (const key of Object.keys(error)) {
    const item = (error as unknown as Record<string, unknown>)[key];
    const cleaned = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redactSecrets(item, depth + 1);
    if (cleaned === item) continue;
    if (copy === undefined) {
      copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
      for (const name of Object.getOwnPropertyNames(error)) {
        Object.defineProperty(copy, name, Object.getOwnPropertyDescriptor(error, name)!);
      }
    }
    (copy as unknown as Record<string, unknown>)[key] = cleaned;
  }
  return copy ?? error;
}
