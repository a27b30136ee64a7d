/** Refresh-token rotation, the reuse grace window, reuse detection and races. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { createIdentityService } from './identity.service.js';
import { hashRefreshToken } from './sessions.service.js';
import { RELAXED_LIMITS, refreshWith, registerUser } from './identity.test-support.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
});
afterAll(async () => {
  await t?.close();
});

const refresh = (token: string) => refreshWith(t.app, token);

async function rowOf(token: string) {
  return t.deps.db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('token_hash', '=', hashRefreshToken(token))
    .executeTakeFirstOrThrow();
}

describe('refresh rotation', () => {
  it('stores only the SHA-256 of the token and chains each rotation in one family', async () => {
    const s = await registerUser(t.app);
    const first = await rowOf(s.refreshToken);
    const r1 = await refresh(s.refreshToken);
    expect(r1.status).toBe(200);
    const second = await rowOf(r1.body.refresh_token as string);
    expect(second.family_id).toBe(first.family_id);
    expect(second.parent_id).toBe(first.id);
    expect(second.family_expires_at.getTime()).toBe(first.family_expires_at.getTime());
    expect((await rowOf(s.refreshToken)).replaced_by_id).toBe(second.id);
    const stored = await t.deps.db.selectFrom('refresh_tokens').select('token_hash').execute();
    expect(stored.some((r) => r.token_hash.toString('utf8').includes(s.refreshToken))).toBe(false);
  });

  it('within the grace window, a second use of a rotated token gets a fresh token of the same family', async () => {
    const s = await registerUser(t.app);
    const a = await refresh(s.refreshToken);
    const b = await refresh(s.refreshToken);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.refresh_token).not.toBe(a.body.refresh_token);
    const family = (await rowOf(s.refreshToken)).family_id;
    expect((await rowOf(b.body.refresh_token as string)).family_id).toBe(family);
    expect((await refresh(b.body.refresh_token as string)).status).toBe(200);
  });

  it('reuse after the grace window revokes the whole family and records a security event', async () => {
    const s = await registerUser(t.app);
    const next = await refresh(s.refreshToken);
    expect(next.status).toBe(200);
    const old = await rowOf(s.refreshToken);
    await t.deps.db
      .updateTable('refresh_tokens')
      .set({ rotated_at: sql<Date>`now() - interval '11 seconds'` })
      .where('id', '=', old.id)
      .execute();

    const reuse = await refresh(s.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error).toBe('not_authenticated');
    // The legitimate holder's newer token dies with the family.
    expect((await refresh(next.body.refresh_token as string)).status).toBe(401);
    const live = await t.deps.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('family_id', '=', old.family_id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    const events = await t.deps.db
      .selectFrom('security_events')
      .selectAll()
      .where('user_id', '=', s.userId)
      .where('kind', '=', 'refresh_reuse_detected')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ family_id: old.family_id });
  });

  it('10 concurrent refreshes of one token never yield two independent families', async () => {
    const s = await registerUser(t.app);
    const family = (await rowOf(s.refreshToken)).family_id;
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(s.refreshToken)));
    for (const res of results) expect(res.status).toBe(200);
    const tokens = results.map((r) => r.body.refresh_token as string);
    expect(new Set(tokens).size).toBe(10);
    for (const token of tokens) expect((await rowOf(token)).family_id).toBe(family);
    const families = await t.deps.db
      .selectFrom('refresh_tokens')
      .select('family_id')
      .distinct()
      .where('user_id', '=', s.userId)
      .execute();
    expect(families).toHaveLength(1);
    // Exactly one of them won the conditional UPDATE; the rest are grace children of the same parent.
    const parent = await rowOf(s.refreshToken);
    const children = await t.deps.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('parent_id', '=', parent.id)
      .execute();
    expect(children).toHaveLength(10);
  });

  it('over real HTTP too: 10 concurrent refreshes on a listening server stay in one family', async () => {
    const s = await registerUser(t.app);
    // Closed by t.close() with the app.
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${address}/api/v1/auth/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refresh_token: s.refreshToken }),
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { refresh_token: string } })),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      const families = new Set<string>();
      for (const r of results) families.add((await rowOf(r.body.refresh_token)).family_id);
      expect(families.size).toBe(1);
    }
  });

  it('a family past its absolute expiry cannot be refreshed, and rotation never extends it', async () => {
    const s = await registerUser(t.app);
    const r1 = await refresh(s.refreshToken);
    const row = await rowOf(r1.body.refresh_token as string);
    await t.deps.db
      .updateTable('refresh_tokens')
      .set({ family_expires_at: new Date(Date.now() - 1000) })
      .where('family_id', '=', row.family_id)
      .execute();
    const res = await refresh(r1.body.refresh_token as string);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('not_authenticated');
  });

  it('an inactive user cannot refresh', async () => {
    const s = await registerUser(t.app);
    await t.deps.db.updateTable('users').set({ is_active: false }).where('id', '=', s.userId).execute();
    await createIdentityService(t.deps).revocation.invalidateUser(s.userId);
    expect((await refresh(s.refreshToken)).status).toBe(401);
  });
});

describe('refresh after revocation', () => {
  it('a token of a revoked family cannot be claimed even if it was added after the revocation', async () => {
    const s = await registerUser(t.app);
    const next = await refresh(s.refreshToken);
    const live = await rowOf(next.body.refresh_token as string);
    // Revoke one member only, as a revocation racing a grace child would leave the family.
    await t.deps.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', live.parent_id!)
      .execute();
    const res = await refresh(next.body.refresh_token as string);
    expect(res.status).toBe(401);
  });
});
