/**
 * Sharing an upload (issue 5: "guest view-only on what is shared with it"): the grantee sees it in
 * lists, by id and in its read-only sub-resources, and can never change or delete it. Every change
 * of sharing is audited with the request's ip, user agent and request id.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/app.js';
import { makeUser, type Principal } from '../access/access.test-support.js';
import { call } from '../identity/identity.test-support.js';
import { UA, newSchema, newUpload, ids, auditRows, useSharingApp } from './sharing.test-support.js';

const app = useSharingApp();
let t: TestApp;
let admin: Principal;
beforeAll(() => ({ t, admin } = app.current()));

describe('sharing an upload', () => {
  it('shows a shared upload to the grantee (list, by id) but never lets it change or delete it', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const schema = await newSchema(t, owner);
    const shared = await newUpload(t, owner, schema);
    const notShared = await newUpload(t, owner, schema);

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${shared}/shares`,
      headers: { authorization: `Bearer ${owner.token}`, ...UA },
      payload: { user_id: grantee.userId },
    });
    expect(res.statusCode, res.body).toBe(201);

    const list = await call(t.app, 'GET', '/api/v1/uploads?limit=100', { token: grantee.token });
    expect(ids(list.body)).toEqual([shared]);
    // ?owner=me narrows to the caller's own: shared ones are not its own.
    const mine = await call(t.app, 'GET', '/api/v1/uploads?owner=me', { token: grantee.token });
    expect(ids(mine.body)).toEqual([]);
    // The owner's own list is unchanged (both uploads, newest first).
    const ownerList = await call(t.app, 'GET', '/api/v1/uploads?limit=100', { token: owner.token });
    expect(ids(ownerList.body)).toEqual([notShared, shared]);
    expect((await call(t.app, 'GET', `/api/v1/uploads/${shared}`, { token: grantee.token })).status).toBe(
      200,
    );
    expect((await call(t.app, 'GET', `/api/v1/uploads/${notShared}`, { token: grantee.token })).status).toBe(
      404,
    );
    // Its read-only sub-resources too; not those of an upload that is not shared.
    for (const sub of ['errors', 'file', 'annotated.xlsx', 'errors.csv', 'rows', 'events']) {
      const read = await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads/${shared}/${sub}`,
        headers: { authorization: `Bearer ${grantee.token}` },
      });
      expect(read.statusCode, `${sub}: ${read.body.slice(0, 200)}`).toBe(200);
      const hidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads/${notShared}/${sub}`,
        headers: { authorization: `Bearer ${grantee.token}` },
      });
      expect(hidden.statusCode, sub).toBe(404);
    }

    const revalidate = await call(t.app, 'POST', `/api/v1/uploads/${shared}/revalidate`, {
      token: grantee.token,
    });
    expect(revalidate.status).toBe(403);
    expect(revalidate.body.error).toBe('shared_read_only');
    const del = await call(t.app, 'DELETE', `/api/v1/uploads/${shared}`, { token: grantee.token });
    expect(del.status).toBe(403);
    expect(del.body.error).toBe('shared_read_only');
    expect(
      (await call(t.app, 'GET', `/api/v1/uploads/${shared}/shares`, { token: grantee.token })).status,
    ).toBe(403);

    const rows = await auditRows(t, shared);
    expect(rows.map((r) => r.action)).toEqual(['upload.shared']);
    expect(rows[0]).toMatchObject({ user_agent: 'sharing-test/1.0', actor_user_id: owner.userId });

    // Deleting the upload (by its owner) removes its shares with it; upload.deleted carries the
    // request's ip, user agent and request id.
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/uploads/${shared}`,
      headers: { authorization: `Bearer ${owner.token}`, ...UA },
    });
    expect(deleted.statusCode).toBe(204);
    const deletedRow = (await auditRows(t, shared)).find((r) => r.action === 'upload.deleted');
    expect(deletedRow).toMatchObject({
      user_agent: 'sharing-test/1.0',
      request_id: deleted.headers['x-request-id'],
      actor_user_id: owner.userId,
    });
    expect(deletedRow?.ip).toBeTruthy();
    const left = await t.deps.db.selectFrom('shares').selectAll().where('resource_id', '=', shared).execute();
    expect(left).toEqual([]);
  });

  it('paginates a list mixing own and shared uploads without repeats or gaps', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const ownerSchema = await newSchema(t, owner);
    const granteeSchema = await newSchema(t, grantee);
    const expected: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const a = await newUpload(t, owner, ownerSchema);
      await call(t.app, 'POST', `/api/v1/uploads/${a}/shares`, {
        token: owner.token,
        body: { user_id: grantee.userId },
      });
      expected.push(a, await newUpload(t, grantee, granteeSchema));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(t.app, 'GET', `/api/v1/uploads?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: grantee.token,
      });
      seen.push(...ids(page.body));
      cursor = page.body.next_cursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([...expected].reverse());
  });

  it('?owner=shared lists only what is shared with the caller, paginated; unsharing removes it', async () => {
    const owner = await makeUser(t.app, admin, 'user');
    const grantee = await makeUser(t.app, admin, 'user');
    const third = await makeUser(t.app, admin, 'user');
    const manager = await makeUser(t.app, admin, 'manager');
    const ownerSchema = await newSchema(t, owner);
    const granteeSchema = await newSchema(t, grantee);
    const shared: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const a = await newUpload(t, owner, ownerSchema);
      const res = await call(t.app, 'POST', `/api/v1/uploads/${a}/shares`, {
        token: owner.token,
        body: { user_id: grantee.userId },
      });
      expect(res.status).toBe(201);
      shared.push(a);
    }
    const notShared = await newUpload(t, owner, ownerSchema);
    const granteeOwn = await newUpload(t, grantee, granteeSchema);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        t.app,
        'GET',
        `/api/v1/uploads?owner=shared&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: grantee.token },
      );
      expect(page.status).toBe(200);
      seen.push(...ids(page.body));
      cursor = page.body.next_cursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([...shared].reverse());
    expect(seen).not.toContain(notShared);
    expect(seen).not.toContain(granteeOwn);
    // Filters combine with it as with the other owners.
    const queued = await call(t.app, 'GET', `/api/v1/uploads?owner=shared&status=queued`, {
      token: grantee.token,
    });
    expect(ids(queued.body)).toEqual([]);

    // Nothing is shared with the others: empty, even for a manager who sees everyone's otherwise.
    for (const who of [third, owner, manager]) {
      const res = await call(t.app, 'GET', '/api/v1/uploads?owner=shared', { token: who.token });
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([]);
    }
    const bad = await call(t.app, 'GET', '/api/v1/uploads?owner=everyone', { token: grantee.token });
    expect(bad.status).toBe(422);

    const removed = await call(t.app, 'DELETE', `/api/v1/uploads/${shared[0]}/shares/${grantee.userId}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(204);
    const after = await call(t.app, 'GET', '/api/v1/uploads?owner=shared', { token: grantee.token });
    expect(ids(after.body)).toEqual([shared[2], shared[1]]);
  });
});
