/**
 * Password rules in the spirit of Django's validators: minimum length, a generous maximum (never a
 * silent truncation), not only digits, not a common password, not too similar to the user's email
 * or names. `validatePassword` returns every failed rule so a client can show them all at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorDetail } from './app-error.js';

/** The longest password accepted, in characters. Argon2 has no 72-byte limit, so nothing is cut. */
export const PASSWORD_MAX_LENGTH = 4096;

export interface PasswordRules {
  /** Minimum length in characters (Unicode code points). Default 8. */
  readonly minLength: number;
  /** Maximum similarity ratio to the user's attributes. Default 0.7, as Django. */
  readonly maxSimilarity?: number;
}

export interface PasswordUserAttributes {
  readonly email?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
}

let commonPasswords: ReadonlySet<string> | null = null;

// The list sits beside this file in src/lib; a compiled build in dist/lib reads it from src/lib.
function loadCommonPasswords(): ReadonlySet<string> {
  if (commonPasswords) return commonPasswords;
  const candidates = [
    new URL('./common-passwords.txt', import.meta.url),
    new URL('../../src/lib/common-passwords.txt', import.meta.url),
  ];
  for (const candidate of candidates) {
    let text: string;
    try {
      text = readFileSync(fileURLToPath(candidate), 'utf8');
    } catch {
      continue;
    }
    commonPasswords = new Set(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
    return commonPasswords;
  }
  throw new Error('common-passwords.txt not found beside password-validator or in src/lib.');
}

/** True when the password (lower-cased, trimmed, as Django compares) is in the common list. */
export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(password.trim().toLowerCase());
}

/** Python difflib's SequenceMatcher.quick_ratio: an upper bound of the similarity, 2*M/T. */
function quickRatio(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  const counts = new Map<string, number>();
  for (const ch of b) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of a) {
    const left = counts.get(ch) ?? 0;
    if (left > 0) {
      counts.set(ch, left - 1);
      matches += 1;
    }
  }
  return (2 * matches) / total;
}

/** Django's UserAttributeSimilarityValidator: the whole value and each part split on non-word characters. */
function isTooSimilar(password: string, value: string, maxSimilarity: number): boolean {
  const pw = password.toLowerCase();
  const lower = value.toLowerCase();
  const parts = lower.split(/[^\p{L}\p{N}_]+/u).concat([lower]);
  for (const part of parts) {
    if (part.length === 0) continue;
    // A long password that merely contains a short attribute is not "similar" (Django's length bound).
    if (pw.length >= 10 * part.length && part.length < (maxSimilarity / 2) * pw.length) continue;
    if (quickRatio(pw, part) >= maxSimilarity) return true;
  }
  return false;
}

/** Every rule the password breaks, as details for a 422 (`field: 'password'`); empty when it is acceptable. */
export function validatePassword(
  password: string,
  rules: PasswordRules,
  user: PasswordUserAttributes = {},
  field = 'password',
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const length = [...password].length;
  if (length < rules.minLength) {
    problems.push({
      field,
      code: 'password_too_short',
      message: `The password must be at least ${rules.minLength} characters long.`,
    });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({
      field,
      code: 'password_too_long',
      message: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
    });
    // The remaining rules are meaningless for such input and the similarity check is quadratic.
    return problems;
  }
  if (/^\d+$/.test(password)) {
    problems.push({
      field,
      code: 'password_entirely_numeric',
      message: 'The password cannot be entirely numeric.',
    });
  }
  if (isCommonPassword(password)) {
    problems.push({ field, code: 'password_too_common', message: 'The password is too common.' });
  }
  const maxSimilarity = rules.maxSimilarity ?? 0.7;
  const attributes: Array<[string, string | null | undefined]> = [
    ['email', user.email],
    ['first name', user.firstName],
    ['last name', user.lastName],
  ];
  for (const [label, value] of attributes) {
    if (value && isTooSimilar(password, value, maxSimilarity)) {
      problems.push({
        field,
        code: 'password_too_similar',
        message: `The password is too similar to the ${label}.`,
      });
      break;
    }
  }
  return problems;
}
