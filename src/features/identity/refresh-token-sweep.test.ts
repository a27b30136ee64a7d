/** Expired refresh tokens are deleted (hourly in serve, or `intake flushexpiredtokens`); live ones never. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { call, RELAXED_LIMITS, refreshWith, registerUser } from './identity.test-support.js';
import { deleteExpiredRefreshTokens } from './refresh-tokens.repository.js';
import { hashRefreshToken } from './sessions.service.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
});
afterAll(async () => {
  await t?.close();
});

const refresh = (token: string) => refreshWith(t.app, token);

/** A registered user's family, rotated `rotations` times: every token of it, oldest first. */
async function family(
  rotations: number,
): Promise<{ familyId: string; tokens: string[]; accessToken: string }> {
  const s = await registerUser(t.app);
  const tokens = [s.refreshToken];
  for (let i = 0; i < rotations; i++) {
    const res = await refresh(tokens[tokens.length - 1]);
    expect(res.status).toBe(200);
    tokens.push(res.body.refresh_token as string);
  }
  const row = await t.deps.db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .where('token_hash', '=', hashRefreshToken(tokens[0]))
    .executeTakeFirstOrThrow();
  return { familyId: row.family_id, tokens, accessToken: s.accessToken };
}

const expire = (familyId: string) =>
  t.deps.db
    .updateTable('refresh_tokens')
    .set({ family_expires_at: sql<Date>`now() - interval '1 second'` })
    .where('family_id', '=', familyId)
    .execute();

const countOf = async (familyId: string) =>
  Number(
    (
      await t.deps.db
        .selectFrom('refresh_tokens')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('family_id', '=', familyId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('deleteExpiredRefreshTokens', () => {
  it('deletes every token of expired families, in batches, and keeps live ones (revoked or not)', async () => {
    const expiredA = await family(2); // 3 tokens
    const expiredB = await family(1); // 2 tokens
    const live = await family(1);
    const liveRevoked = await family(0);
    const logout = await call(t.app, 'POST', '/api/v1/auth/logout', {
      body: { refresh_token: liveRevoked.tokens[0] },
      token: liveRevoked.accessToken,
    });
    expect(logout.status).toBe(204);
    await expire(expiredA.familyId);
    await expire(expiredB.familyId);
    const liveBefore = await countOf(liveRevoked.familyId);

    // Batches of 2: the 5 expired rows take three statements, and the count covers all of them.
    expect(await deleteExpiredRefreshTokens(t.deps.db, 2)).toBe(5);
    expect(await countOf(expiredA.familyId)).toBe(0);
    expect(await countOf(expiredB.familyId)).toBe(0);
    expect(await countOf(live.familyId)).toBe(2);
    // A revoked family that has not expired stays: reuse of its tokens must still be recognised.
    expect(await countOf(liveRevoked.familyId)).toBe(liveBefore);
    expect(await deleteExpiredRefreshTokens(t.deps.db)).toBe(0);
    // The live family still works.
    expect((await refresh(live.tokens[1])).status).toBe(200);
  });

  it('a deleted token answers a refresh exactly as the expired one did', async () => {
    const f = await family(1);
    await expire(f.familyId);
    const before = await refresh(f.tokens[1]);
    expect(before.status).toBe(401);
    await deleteExpiredRefreshTokens(t.deps.db);
    expect(await countOf(f.familyId)).toBe(0);
    const after = await refresh(f.tokens[1]);
    expect(after.status).toBe(before.status);
    expect(after.body).toMatchObject({ error: before.body.error, message: before.body.message });
  });
});

describe('the sweep in a running app', () => {
  it('deletes expired tokens on its own shortly after start', { timeout: 60_000 }, async () => {
    // A fresh app, so its first sweep (5 s after ready, then hourly) is still ahead.
    const own = await buildTestApp(RELAXED_LIMITS);
    try {
      const s = await registerUser(own.app);
      const { family_id: familyId } = await own.deps.db
        .selectFrom('refresh_tokens')
        .select('family_id')
        .where('user_id', '=', s.userId)
        .executeTakeFirstOrThrow();
      await own.deps.db
        .updateTable('refresh_tokens')
        .set({ family_expires_at: sql<Date>`now() - interval '1 second'` })
        .where('family_id', '=', familyId)
        .execute();
      const left = async () =>
        (
          await own.deps.db
            .selectFrom('refresh_tokens')
            .select('id')
            .where('family_id', '=', familyId)
            .execute()
        ).length;
      const deadline = Date.now() + 20_000;
      while ((await left()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await left()).toBe(0);
    } finally {
      await own.close();
    }
  });
});
