/**
 * Primary keys: UUID version 7. Time-ordered, so new rows land at the right edge of a B-tree index
 * (fewer page splits than random v4) and ids sort by creation time; still unguessable enough for
 * URLs (74 random bits), but never a secret: tokens use crypto.randomBytes.
 */
import { uuidv7 } from 'uuidv7';

/** A new UUID v7 string, e.g. `01930f2c-5b7e-7c3a-9d1e-4f6a8b2c0d1e`. Monotonic within a process. */
export function newId(): string {
  return uuidv7();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** True for a canonical UUID string (any version); use it before a lookup so bad ids give 404, not a SQL error. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** The creation time (ms since the epoch) encoded in a UUID v7, or null for other versions. */
export function timestampOfId(id: string): number | null {
  if (!isUuid(id) || id[14] !== '7') return null;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
