/**
 * Accounts: register, log in, change password, and create users for the CLI. Login answers an
 * unknown email, a wrong password and an inactive account identically, including in time: an
 * unknown email still runs one Argon2 verification against a dummy hash.
 */
import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { Deps } from '../../deps.js';
import { errors } from '../../lib/app-error.js';
import type { PasswordHasher } from '../../lib/password-hasher.js';
import { validatePassword } from '../../lib/password-validator.js';
import { recordEvent } from '../events/index.js';
import {
  ANONYMOUS_ACTOR,
  createBatchedAudit,
  recordAudit,
  toAuditRow,
  type AuditActor,
} from '../audit/index.js';
import { identityErrors } from './identity.errors.js';
import { createLoginWriter } from './login-writer.js';
import type { AuthContext, PublicUser, RequestMeta, TokenPair, UserRole } from './identity.types.js';
import type { EmailRateLimiter } from './rate-limit.service.js';
import type { Sessions } from './sessions.service.js';
import type { TokenRevocation } from './token-revocation.service.js';
import { toPublicUser } from './users.service.js';
import * as usersRepo from './users.repository.js';
import * as eventsRepo from './security-events.repository.js';

// The same pattern as JSON Schema's `email` format (ajv-formats), so the CLI and HTTP agree.
const EMAIL =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export interface NewAccount {
  email: string;
  password: string;
  first_name?: string;
  last_name?: string;
  role?: UserRole;
}

/** Who created a user, for the audit log (default: the new user itself, e.g. registration). */
export interface CreatedBy {
  actor?: AuditActor;
  meta?: RequestMeta;
}

export interface Accounts {
  register(input: NewAccount, meta: RequestMeta): Promise<{ user: PublicUser } & TokenPair>;
  login(email: string, password: string, meta: RequestMeta): Promise<{ user: PublicUser } & TokenPair>;
  /** Creates a user without a session (the CLI's createadmin). 409 when the email is taken. */
  createUser(input: NewAccount, audit?: CreatedBy): Promise<PublicUser>;
  /** Changes the password; every other session and every earlier access token stop working. */
  changePassword(
    auth: AuthContext,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ): Promise<void>;
}

/** Trims and checks an email; throws 422 naming `field` when it is not one. */
export function normalizeEmail(email: string, field = 'email'): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed)) throw identityErrors.invalidEmail(field);
  return trimmed;
}

export function createAccounts(
  deps: Pick<Deps, 'db' | 'config'>,
  hasher: PasswordHasher,
  sessions: Sessions,
  revocation: TokenRevocation,
  rateLimiter: EmailRateLimiter,
): Accounts {
  const rules = { minLength: deps.config.passwordMinLength };
  const loginWriter = createLoginWriter(deps.db);
  // A password-guessing flood fails logins by the burst: their audit rows go in together.
  const recordFailedLogin = createBatchedAudit(deps.db);
  let dummyHash: Promise<string> | null = null;
  // Made up front so the first unknown-email login costs no more than any other.
  const makeDummyHash = (): Promise<string> => (dummyHash ??= hasher.hash(randomBytes(16).toString('hex')));
  makeDummyHash().catch(() => {
    dummyHash = null;
  });

  function checkPassword(
    password: string,
    user: { email: string; first_name?: string; last_name?: string },
    field = 'password',
  ): void {
    const problems = validatePassword(
      password,
      rules,
      { email: user.email, firstName: user.first_name, lastName: user.last_name },
      field,
    );
    if (problems.length > 0) throw identityErrors.weakPassword(problems);
  }

  async function createUser(input: NewAccount, by: CreatedBy = {}): Promise<usersRepo.UserRow> {
    const email = normalizeEmail(input.email);
    checkPassword(input.password, { ...input, email });
    const passwordHash = await hasher.hash(input.password);
    // The outbox event commits with the user, or neither exists.
    const row = await deps.db.transaction().execute(async (trx) => {
      const inserted = await usersRepo.insertUser(trx, {
        id: uuidv7(),
        email,
        password_hash: passwordHash,
        first_name: input.first_name?.trim() ?? '',
        last_name: input.last_name?.trim() ?? '',
        role: input.role ?? 'user',
      });
      if (inserted) {
        await recordEvent(trx, {
          type: 'user.created',
          userId: inserted.id,
          subjectId: inserted.id,
          data: { user_id: inserted.id, email: inserted.email, role: inserted.role },
        });
        await recordAudit(trx, {
          action: 'user.created',
          actor: by.actor ?? { userId: inserted.id, kind: 'user' },
          target: { type: 'user', id: inserted.id },
          meta: by.meta ?? null,
          details: { email: inserted.email, role: inserted.role, kind: 'user' },
        });
      }
      return inserted;
    });
    if (!row) throw identityErrors.emailTaken();
    return row;
  }

  return {
    async register(input, meta) {
      await rateLimiter.hit(`email:${input.email.trim()}`);
      const row = await createUser({ ...input, role: 'user' }, { meta });
      const tokens = await sessions.start({ id: row.id, role: row.role });
      return { user: toPublicUser(row), ...tokens };
    },

    async login(email, password, meta) {
      await rateLimiter.hit(`email:${email.trim()}`);
      const row = await usersRepo.findUserByEmail(deps.db, email.trim());
      // Every failure writes the same audit row shape, so the log costs the same on each path.
      const failed = async (userId: string | null, reason: string): Promise<never> => {
        await recordFailedLogin({
          action: 'auth.login_failed',
          actor: ANONYMOUS_ACTOR,
          target: { type: 'user', id: userId },
          meta,
          details: { email: email.trim().slice(0, 254), reason },
        });
        throw errors.invalidCredentials();
      };
      if (!row || row.password_hash === null) {
        await hasher.verify(await makeDummyHash(), password);
        return failed(row?.id ?? null, row ? 'no_password' : 'unknown_email');
      }
      const ok = await hasher.verify(row.password_hash, password);
      // Checked after the hash so an inactive account costs the same time as a wrong password.
      if (!ok || !row.is_active) return failed(row.id, ok ? 'inactive' : 'wrong_password');
      const rehash = hasher.needsRehash(row.password_hash) ? await hasher.hash(password) : null;
      const session = sessions.prepareStart({ id: row.id, role: row.role });
      await loginWriter.record({
        id: row.id,
        newPasswordHash: rehash,
        audit: toAuditRow({
          action: 'auth.login',
          actor: { userId: row.id, kind: 'user' },
          target: { type: 'user', id: row.id },
          meta,
        }),
        refreshToken: session.row,
      });
      // Cached profiles show last_login_at: drop them here and on other instances.
      await revocation.invalidateUser(row.id);
      // The cut-off read with the row: one bumped since then revokes this token, as it should.
      const validAfter = row.tokens_valid_after ? Math.ceil(row.tokens_valid_after.getTime() / 1000) : 0;
      const tokens = await session.issue(validAfter);
      return { user: toPublicUser({ ...row, last_login_at: new Date() }), ...tokens };
    },

    async createUser(input, by) {
      return toPublicUser(await createUser(input, by));
    },

    async changePassword(auth, currentPassword, newPassword, meta) {
      const row = await usersRepo.findUserById(deps.db, auth.userId);
      if (!row) throw errors.notAuthenticated();
      if (row.password_hash === null || !(await hasher.verify(row.password_hash, currentPassword))) {
        throw identityErrors.wrongCurrentPassword();
      }
      checkPassword(newPassword, row, 'new_password');
      const passwordHash = await hasher.hash(newPassword);
      await deps.db.transaction().execute(async (trx) => {
        await usersRepo.updateUser(trx, row.id, { password_hash: passwordHash });
        await usersRepo.bumpTokensValidAfter(trx, row.id);
        // The caller's own refresh family survives, so its client can refresh instead of logging in.
        await sessions.revokeAll(trx, row.id, auth.sessionId);
        await eventsRepo.insertSecurityEvent(trx, {
          userId: row.id,
          kind: 'password_changed',
          details: { user_agent: meta.userAgent ?? null },
          ip: meta.ip,
        });
      });
      await revocation.invalidateUser(row.id);
    },
  };
}
