/**
 * A shared upload on the web pages, over HTTP against a real database and a real worker: sharing
 * from the report page, what the grantee sees and may not do, managers acting on anyone's upload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { webUser, type WebSessionClient } from '../../../../test/web-session.js';
import { RELAXED_LIMITS } from '../../identity/identity.test-support.js';
import { registerJobHandlers } from '../../../jobs/index.js';
import { multipartBody } from '../uploads.test-support.js';

/** The markup outside quoted attribute values (where `<` is inert and @kitajs/html escapes `"`). */
function textAndTags(html: string): string {
  return html.replace(/"[^"]*"/g, '""');
}

let t: TestApp;

beforeAll(async () => {
  // Relaxed auth limits: these tests sign in several users.
  t = await buildTestApp({ ...RELAXED_LIMITS, JOB_POLL_INTERVAL_MS: '500' });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
});
afterAll(async () => {
  await t?.deps.queue.stop({ graceful: false, timeoutMs: 1000 });
  await t?.close();
});

describe('a shared upload on the web', () => {
  const CSV = 'id,status\n1,active\n2,bogus\n3,closed\n';

  async function schemaOf(owner: WebSessionClient): Promise<string> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      payload: {
        name: 'Shared orders',
        schema: {
          fields: [
            { name: 'id', type: 'integer' },
            { name: 'status', type: 'string', constraints: { enum: ['active', 'closed'] } },
          ],
        },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  }

  async function uploadAs(owner: WebSessionClient, schema: string, filename = 'shared.csv'): Promise<string> {
    const body = multipartBody({ schema_id: schema }, { content: Buffer.from(CSV), filename });
    const res = await t.app.inject({
      method: 'POST',
      url: `/uploads?_csrf=${encodeURIComponent(owner.csrf)}`,
      headers: { ...body.headers, cookie: owner.cookie, accept: 'text/html' },
      payload: body.payload,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    const uploadId = String(res.headers.location).split('/')[2] as string;
    await settleAs(owner, uploadId);
    return uploadId;
  }

  async function settleAs(who: WebSessionClient, uploadId: string): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/uploads/${uploadId}`,
        headers: { cookie: who.cookie },
      });
      if (['valid', 'invalid', 'failed'].includes(res.json<{ status: string }>().status)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('upload did not settle');
  }

  it('shares from the report page; the grantee reads it without actions, which the server refuses', async () => {
    const owner = await webUser(t, 'user');
    const grantee = await webUser(t, 'user');
    const guest = await webUser(t, 'guest');
    const stranger = await webUser(t, 'user');
    const schema = await schemaOf(owner);
    const uploadId = await uploadAs(owner, schema);
    const report = `/uploads/${uploadId}`;

    const mine = await owner.get(report);
    expect(mine.status).toBe(200);
    expect(mine.html).toContain('id="sharing"');
    expect(mine.html).toContain('Not shared with anyone');
    expect(mine.html).toContain(`action="${report}/delete"`);
    expect(mine.html).toContain(`action="${report}/revalidate"`);
    expect(mine.html).not.toContain('data-read-only');
    expect((await grantee.get(report)).status).toBe(404);

    for (const who of [grantee, guest]) {
      const shared = await owner.post(
        `${report}/shares`,
        { email: who.email },
        { 'user-agent': 'pages-test/1.0' },
      );
      expect(shared.status, shared.html.slice(0, 300)).toBe(303);
      expect(shared.location).toBe(`${report}#sharing`);
    }
    const after = await owner.get(report);
    expect(after.html).toContain(grantee.email);
    expect(after.html).toContain(`action="${report}/shares/${grantee.userId}/delete"`);

    for (const who of [grantee, guest]) {
      const seen = await who.get(report);
      expect(seen.status).toBe(200);
      expect(seen.html).toContain('data-read-only');
      expect(seen.html).toContain('data-bad-cell');
      expect(seen.html).toContain(`/api/v1/uploads/${uploadId}/errors.csv`);
      expect(seen.html).not.toContain(`action="${report}/delete"`);
      expect(seen.html).not.toContain(`action="${report}/revalidate"`);
      expect(seen.html).not.toContain('id="sharing"');
      expect(seen.html).not.toContain('id="ai-panels"');
      expect(seen.html).not.toContain('/ai/explain');
      expect((await who.get(`${report}/row`, { 'hx-request': 'true' })).status).toBe(200);
      expect((await who.get(`${report}/progress`)).status).toBe(200);
    }
    // Refused on the server whatever the page shows: the API's 403 (shared_read_only for a user,
    // the route check for a guest, who holds no change or delete permission).
    for (const who of [grantee, guest]) {
      expect((await who.post(`${report}/revalidate`, {})).status).toBe(403);
      expect((await who.post(`${report}/delete`, {})).status).toBe(403);
      expect((await who.post(`${report}/shares`, { email: stranger.email })).status).toBe(403);
      expect((await who.post(`${report}/shares/${grantee.userId}/delete`, {})).status).toBe(403);
    }
    const refused = await grantee.post(`${report}/delete`, {});
    expect(refused.html).toContain('shared with you view-only');
    expect((await owner.get(report)).status).toBe(200);
    expect((await stranger.get(report)).status).toBe(404);
    expect((await stranger.post(`${report}/delete`, {})).status).toBe(404);

    const twice = await owner.post(`${report}/shares`, { email: grantee.email });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('already shared');
    expect(twice.html).toContain('id="sharing"');
    const unknown = await owner.post(`${report}/shares`, { email: 'nobody-here@example.test' });
    expect(unknown.status).toBe(422);
    expect(unknown.html).toContain('No active user has that email address.');
    expect((await owner.post(`${report}/shares`, { email: owner.email })).status).toBe(422);
    expect((await owner.post(`${report}/shares`, { email: '' })).status).toBe(422);

    const audit = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', uploadId)
      .where('action', '=', 'upload.shared')
      .execute();
    expect(audit).toHaveLength(2);
    for (const row of audit) {
      expect(row).toMatchObject({ actor_user_id: owner.userId, user_agent: 'pages-test/1.0' });
      expect(row.ip).toBeTruthy();
      expect(row.request_id).toBeTruthy();
    }

    const removed = await owner.post(`${report}/shares/${grantee.userId}/delete`, {});
    expect(removed.status).toBe(303);
    expect(removed.location).toBe(`${report}#sharing`);
    expect((await grantee.get(report)).status).toBe(404);
    expect((await guest.get(report)).status).toBe(200);
    expect((await owner.post(`${report}/shares/${grantee.userId}/delete`, {})).status).toBe(404);
  });

  it('lists uploads shared with the signed-in user on the dashboard, escaped; gone once unshared', async () => {
    const owner = await webUser(t, 'user');
    const grantee = await webUser(t, 'user');
    const third = await webUser(t, 'user');
    const schema = await schemaOf(owner);
    const uploadId = await uploadAs(owner, schema, 'shared <img src=x onerror=alert(1)>.csv');
    const notShared = await uploadAs(owner, schema);

    // Nothing shared yet: no section at all.
    const before = await grantee.get('/');
    expect(before.status).toBe(200);
    expect(before.html).not.toContain('Shared with you');

    const shared = await owner.post(`/uploads/${uploadId}/shares`, { email: grantee.email });
    expect(shared.status).toBe(303);

    const dash = await grantee.get('/');
    expect(dash.status).toBe(200);
    expect(dash.html).toContain('id="shared-with-you"');
    expect(dash.html).toContain('Shared with you');
    expect(dash.html).toContain(`data-shared-upload="${uploadId}"`);
    expect(dash.html).toContain(`href="/uploads/${uploadId}"`);
    expect(dash.html).toContain(owner.email);
    expect(dash.html).not.toContain(notShared);
    // The file name is user-controlled: escaped, never markup.
    expect(textAndTags(dash.html)).not.toContain('<img');
    expect(dash.html).toContain('shared &lt;img src=x onerror=alert(1)');

    // The owner's dashboard lists it under its own uploads, not as shared with it; a third user sees nothing.
    const own = await owner.get('/');
    expect(own.html).not.toContain('id="shared-with-you"');
    expect(own.html).toContain(uploadId);
    const other = await third.get('/');
    expect(other.status).toBe(200);
    expect(other.html).not.toContain('id="shared-with-you"');
    expect(other.html).not.toContain(uploadId);

    const removed = await owner.post(`/uploads/${uploadId}/shares/${grantee.userId}/delete`, {});
    expect(removed.status).toBe(303);
    const gone = await grantee.get('/');
    expect(gone.html).not.toContain('id="shared-with-you"');
    expect(gone.html).not.toContain(uploadId);
  });

  it('lets a manager (upload.all) act on and share anyone’s upload from its page', async () => {
    const owner = await webUser(t, 'user');
    const manager = await webUser(t, 'manager');
    const uploadId = await uploadAs(owner, await schemaOf(owner));
    const page = await manager.get(`/uploads/${uploadId}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('data-read-only');
    expect(page.html).toContain('id="sharing"');
    expect(page.html).toContain(`action="/uploads/${uploadId}/delete"`);
  });

  it('writes upload.deleted with the request’s ip, user agent and request id', async () => {
    const owner = await webUser(t, 'user');
    const uploadId = await uploadAs(owner, await schemaOf(owner));
    const del = await owner.post(`/uploads/${uploadId}/delete`, {}, { 'user-agent': 'pages-test/2.0' });
    expect(del.status).toBe(303);
    expect((await owner.get(`/uploads/${uploadId}`)).status).toBe(404);
    const row = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', uploadId)
      .where('action', '=', 'upload.deleted')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_user_id: owner.userId, user_agent: 'pages-test/2.0' });
    expect(row.ip).toBeTruthy();
    expect(row.request_id).toBeTruthy();
    expect(row.request_id).toBe(del.headers['x-request-id']);
  });
});
