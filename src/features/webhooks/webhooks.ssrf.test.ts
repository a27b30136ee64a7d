/**
 * SSRF in production mode: webhook URLs that reach private, loopback or link-local addresses are
 * refused when the endpoint is created, and again when a delivery is sent (an endpoint whose name
 * later resolves to a private address, i.e. DNS rebinding, is simulated by a row pointing at
 * 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { newId } from '../../lib/ids.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { deriveSecretKey, generateWebhookSecret, sealSecret } from './webhook-secret.js';
import { startReceiver, type Receiver } from './webhooks.test-support.js';

const PRODUCTION = { ...RELAXED_LIMITS, INTAKE_ENV: 'production', PUBLIC_URL: 'https://intake.example' };

let prod: TestApp;
let user: Session;
let r: Receiver;

beforeAll(async () => {
  prod = await buildTestApp(PRODUCTION);
  user = await registerUser(prod.app);
  r = await startReceiver();
});

afterAll(async () => {
  await r?.close();
  await prod?.close();
});

describe('webhook SSRF guard in production', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.5/hook',
    'http://192.168.0.10/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://0.0.0.0/hook',
  ])('refuses %s at creation', async (url) => {
    const res = await call(prod.app, 'POST', '/api/v1/webhooks', {
      token: user.accessToken,
      body: { url, event_types: ['upload.received'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'url', code: 'unsafe_url' })]);
  });

  it('refuses at delivery time too, without sending anything', async () => {
    const id = newId();
    const secret = generateWebhookSecret();
    await prod.deps.db
      .insertInto('webhook_endpoints')
      .values({
        id,
        user_id: user.userId,
        url: r.url,
        event_types: ['upload.received'],
        secret_encrypted: sealSecret(deriveSecretKey(prod.deps.config.secretKey), id, secret),
      })
      .execute();
    const res = await call(prod.app, 'POST', `/api/v1/webhooks/${id}/test`, { token: user.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'failed', response_status: null });
    expect(res.body.last_error).toMatch(/private, loopback or link-local/);
    expect(r.requests).toHaveLength(0);
  });

  it('allows private targets with WEBHOOK_ALLOW_PRIVATE=on', async () => {
    const allowed = await buildTestApp({ ...PRODUCTION, WEBHOOK_ALLOW_PRIVATE: 'on' });
    try {
      const owner = await registerUser(allowed.app);
      const res = await call(allowed.app, 'POST', '/api/v1/webhooks', {
        token: owner.accessToken,
        body: { url: r.url, event_types: ['upload.received'] },
      });
      expect(res.status).toBe(201);
      const test = await call(allowed.app, 'POST', `/api/v1/webhooks/${res.body.id as string}/test`, {
        token: owner.accessToken,
      });
      expect(test.body).toMatchObject({ status: 'delivered', response_status: 200 });
    } finally {
      await allowed.close();
    }
  });
});
