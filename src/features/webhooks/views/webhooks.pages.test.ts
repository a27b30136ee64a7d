/** Account → webhooks over HTTP with a real session and a real local receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { markupOnly, webUser, type WebSessionClient } from '../../../../test/web-session.js';
import { RELAXED_LIMITS } from '../../identity/identity.test-support.js';

let t: TestApp;
let alice: WebSessionClient;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await buildTestApp({ ...RELAXED_LIMITS, WEBHOOK_ALLOW_PRIVATE: 'on' });
  alice = await webUser(t, 'user');
});

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('webhook pages', () => {
  it('creates an endpoint (secret shown once), sends a test, lists the delivery, deletes', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/webhooks',
      headers: {
        cookie: alice.cookie,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams([
        ['_csrf', alice.csrf],
        ['url', receiverUrl],
        ['description', '<b>ops</b>'],
        ['event_types', 'validation.completed'],
        ['event_types', 'upload.received'],
      ]).toString(),
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    const secret = /<code id="new-secret"[^>]*>(whsec_[^<]+)<\/code>/.exec(res.body)?.[1];
    expect(secret).toBeDefined();
    expect(markupOnly(res.body)).not.toContain('<b>ops');

    const list = await alice.get('/account/webhooks');
    expect(list.html).not.toContain(String(secret));
    const id = /href="\/account\/webhooks\/([0-9a-f-]{36})"/.exec(list.html)?.[1];
    expect(id).toBeDefined();

    const test = await alice.post(`/account/webhooks/${id}/test`, {});
    expect(test.status).toBe(303);
    expect(received).toHaveLength(1);
    expect(received[0].body).toContain('webhook.test');
    expect(received[0].headers['webhook-signature']).toMatch(/^v1,/);

    const detail = await alice.get(`/account/webhooks/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('webhook.test');
    expect(detail.html).toContain('delivered');
    expect(detail.html).toContain('>204<');

    expect((await alice.post(`/account/webhooks/${id}/delete`, {})).status).toBe(303);
    expect((await alice.get(`/account/webhooks/${id}`)).status).toBe(404);
  });

  it('keeps the form and explains a bad URL or no events', async () => {
    const bad = await alice.post('/account/webhooks', {
      url: 'ftp://example.test/x',
      event_types: 'upload.received',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('role="alert"');
    expect(bad.html).toContain('value="ftp://example.test/x"');
    const none = await alice.post('/account/webhooks', { url: receiverUrl });
    expect(none.status).toBe(422);
    expect(none.html).toContain('Choose at least one event');
  });

  it('hides another user’s endpoint', async () => {
    const created = await alice.post('/account/webhooks', {
      url: receiverUrl,
      event_types: 'upload.received',
    });
    expect(created.status).toBe(201);
    const row = await t.deps.db.selectFrom('webhook_endpoints').select('id').executeTakeFirstOrThrow();
    const bob = await webUser(t, 'user');
    expect((await bob.get(`/account/webhooks/${row.id}`)).status).toBe(404);
    expect((await bob.post(`/account/webhooks/${row.id}/test`, {})).status).toBe(404);
  });
});
