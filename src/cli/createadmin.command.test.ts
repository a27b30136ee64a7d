/**
 * `intake createadmin`, `intake keys` and `intake flushexpiredtokens` as a user runs them: a real
 * process on a real database.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/db.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function intake(
  args: string[],
  stdin: string | null,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], {
      env: {
        PATH: process.env.PATH,
        INTAKE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SECRET_KEY: 'cli-test-secret-key-0123456789abcdef0123456789',
        DATABASE_URL: database.url,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (stdin !== null) child.stdin.end(stdin);
    else child.stdin.end();
  });
}

describe('intake createadmin', () => {
  const email = 'Root.Admin@example.test';

  it('creates an admin from --password-stdin (exit 0)', async () => {
    const res = await intake(
      ['createadmin', '--email', email, '--password-stdin'],
      'violet-Pelican-harbour-93\n',
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Admin Root\.Admin@example\.test created/);
    const row = await database.db
      .selectFrom('users')
      .select(['role', 'email', 'password_hash'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.role).toBe('admin');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses an existing email, in any case (exit 1)', async () => {
    const res = await intake(
      ['createadmin', '--email', email.toLowerCase(), '--password-stdin'],
      'violet-Pelican-harbour-93\n',
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/already exists/);
  });

  it('refuses a weak password with every reason (exit 1)', async () => {
    const res = await intake(['createadmin', '--email', 'weak@example.test', '--password-stdin'], '123\n');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/at least 8 characters/);
    expect(res.stderr).toMatch(/entirely numeric/);
  });

  it('without a terminal and without --password-stdin is a usage error (exit 2)', async () => {
    const res = await intake(['createadmin', '--email', 'x@example.test'], null);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--password-stdin/);
  });

  it('has --help', async () => {
    const res = await intake(['createadmin', '--help'], null);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/--email/);
  });
});

describe('intake keys rotate', () => {
  it('makes a new current key and keeps the old one published', { timeout: 90_000 }, async () => {
    const first = await intake(['keys', 'rotate'], null);
    expect(first.code).toBe(0);
    const second = await intake(['keys', 'rotate'], null);
    expect(second.code).toBe(0);
    const firstKid = /New signing key (\S+) is current/.exec(first.stdout)?.[1];
    expect(firstKid).toBeDefined();
    expect(second.stdout).toContain(`Retired: ${firstKid}`);
    const list = await intake(['keys', 'list'], null);
    expect(list.stdout).toContain(firstKid);
    const rows = await database.db
      .selectFrom('signing_keys')
      .select(['kid', 'retired_at', 'expires_at'])
      .execute();
    expect(rows.filter((r) => r.retired_at === null)).toHaveLength(1);
    expect(rows.find((r) => r.kid === firstKid)?.expires_at).not.toBeNull();
  });
});

describe('intake flushexpiredtokens', () => {
  it(
    'deletes the tokens of expired families only and says how many (exit 0)',
    { timeout: 90_000 },
    async () => {
      const user = await database.db
        .insertInto('users')
        .values({ id: uuidv7(), email: `flush-${Date.now()}@example.test`, password_hash: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const token = (familyId: string, expiresAt: Date) => ({
        id: uuidv7(),
        token_hash: randomBytes(32),
        family_id: familyId,
        user_id: user.id,
        parent_id: null,
        family_expires_at: expiresAt,
      });
      const expired = uuidv7();
      const live = uuidv7();
      await database.db
        .insertInto('refresh_tokens')
        .values([
          token(expired, new Date(Date.now() - 60_000)),
          token(expired, new Date(Date.now() - 60_000)),
          token(live, new Date(Date.now() + 3_600_000)),
        ])
        .execute();
      const res = await intake(['flushexpiredtokens'], null);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toBe('Deleted 2 expired refresh tokens.\n');
      const left = await database.db.selectFrom('refresh_tokens').select('family_id').execute();
      expect(left.map((r) => r.family_id)).toEqual([live]);
      const again = await intake(['flushexpiredtokens'], null);
      expect(again.stdout).toBe('Deleted 0 expired refresh tokens.\n');
    },
  );
});
