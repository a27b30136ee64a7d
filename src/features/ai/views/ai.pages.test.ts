/**
 * The AI pages over HTTP: the real app, job worker and PostgreSQL, a browser-like session (cookie +
 * CSRF), and a real local server speaking the Messages API that records what it received.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerJobHandlers } from '../../../jobs/index.js';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { markupOnly, webSignIn, webUser, type WebSessionClient } from '../../../../test/web-session.js';
import {
  RELAXED_LIMITS,
  registerUser,
  STRONG_PASSWORD,
  type Session,
} from '../../identity/identity.test-support.js';
import {
  multipartBody,
  ORDERS_SCHEMA,
  waitForUpload,
  type UploadBody,
} from '../../uploads/uploads.test-support.js';
import { startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic.test-support.js';

let t: TestApp;
let server: FakeAnthropic;
let alice: Session;
let web: WebSessionClient;
let schemaId: string;

const XSS = '<img src=x onerror=alert(1)>';
// "Cost to customer" is beyond the rules (it needs meaning): it goes to the model. Row 3 has a
// price that is not a number, so after the mapping the upload stays invalid with a value error.
const MESSY_CSV = Buffer.from(
  'id,sku,email,Cost to customer,status\n' +
    '1,SKU-10001,a@example.com,10.5,active\n' +
    '2,SKU-10002,b@example.com,3,pending\n' +
    '3,SKU-10003,c@example.com,abc,closed\n',
);

async function upload(owner: Session, csv: Buffer, name = 'messy.csv'): Promise<UploadBody> {
  const body = multipartBody({ schema_id: schemaId }, { filename: name, content: csv });
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { authorization: `Bearer ${owner.accessToken}`, ...body.headers },
    payload: body.payload,
  });
  expect(response.statusCode, response.body).toBe(202);
  return waitForUpload(t.app, owner.accessToken, response.json<{ id: string }>().id);
}

const HX = { 'hx-request': 'true' };

beforeAll(async () => {
  server = await startFakeAnthropic();
  t = await buildTestApp({
    ...RELAXED_LIMITS,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: server.url,
    AI_MODEL: 'claude-test-model',
  });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  alice = await registerUser(t.app);
  web = await webSignIn(t.app, alice.email, STRONG_PASSWORD, alice.userId);
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: { authorization: `Bearer ${alice.accessToken}` },
    payload: { name: 'orders', schema: ORDERS_SCHEMA },
  });
  expect(created.statusCode, created.body).toBe(201);
  schemaId = created.json<{ id: string }>().id;
}, 60_000);

afterAll(async () => {
  await t?.close();
  await server?.close();
});

beforeEach(() => server.reset());

describe('column mapping on the report', () => {
  it('shows rules first, asks the model only on request, saves and revalidates', async () => {
    const first = await upload(alice, MESSY_CSV);
    expect(first.errors_by_code).toMatchObject({ missing_column: 1, extra_column: 1 });

    const report = await web.get(`/uploads/${first.id}`);
    expect(report.status).toBe(200);
    // The slot: a plain link without JS, replaced by the panel with HTMX.
    expect(report.html).toContain(`href="/uploads/${first.id}/ai"`);
    expect(report.html).toContain(`hx-get="/uploads/${first.id}/ai/panel"`);

    const panel = await web.get(`/uploads/${first.id}/ai/panel`, HX);
    expect(panel.status).toBe(200);
    expect(panel.html).toContain('Fix column mapping');
    expect(panel.html).toContain('Cost to customer');
    expect(panel.html).toContain('exact name, 100 %');
    expect(panel.html).toContain('Ask AI about the unmatched headers');
    expect(panel.html).toContain('Run AI review');
    expect(server.requests).toHaveLength(0); // viewing never calls the model

    server.script({
      toolInput: { mappings: [{ header: 'Cost to customer', field: 'price', confidence: 0.91 }] },
    });
    const suggested = await web.post(`/uploads/${first.id}/ai/mapping/suggest`, {}, HX);
    expect(suggested.status).toBe(200);
    expect(server.requests).toHaveLength(1);
    // Only what the rules left over went to the model.
    expect(server.requests[0].input.headers).toEqual([{ header: 'Cost to customer' }]);
    expect(suggested.html).toContain('AI, 91 %');
    expect(suggested.html).toMatch(/<option value="price" selected/);

    const noToken = await web.post(`/uploads/${first.id}/ai/mapping`, {
      _csrf: 'wrong',
      header_0: 'Cost to customer',
      field_0: 'price',
    });
    expect(noToken.status).toBe(403);

    const twice = await web.post(`/uploads/${first.id}/ai/mapping`, {
      header_0: 'Cost to customer',
      field_0: 'price',
      header_1: 'status',
      field_1: 'price',
    });
    expect(twice.status).toBe(422);
    expect(twice.html).toContain('both map to price');

    const saved = await web.post(`/uploads/${first.id}/ai/mapping`, {
      header_0: 'id',
      field_0: 'id',
      header_1: 'Cost to customer',
      field_1: 'price',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/uploads/${first.id}`);
    const done = await waitForUpload(t.app, alice.accessToken, first.id);
    expect(done.header_mapping).toEqual({ 'cost to customer': 'price' });
    expect(done.errors_by_code).toEqual({ type: 1 });

    // The value error gets "Suggest a fix"; without JS its link opens a page with a form.
    const after = await web.get(`/uploads/${first.id}`);
    expect(after.html).toContain('Suggest a fix');
    expect(after.html).toContain(`/uploads/${first.id}/ai/explain?code=type&column=price&value=abc`);
    expect(after.html).not.toContain('Fix column mapping');
  });

  it('does not remember a mapping for a schema shared with the uploader view-only (403, said on the panel)', async () => {
    const bob = await registerUser(t.app);
    const bobWeb = await webSignIn(t.app, bob.email, STRONG_PASSWORD, bob.userId);
    const share = await t.app.inject({
      method: 'POST',
      url: `/api/v1/schemas/${schemaId}/shares`,
      headers: { authorization: `Bearer ${alice.accessToken}` },
      payload: { user_id: bob.userId },
    });
    expect(share.statusCode, share.body).toBe(201);
    // Bob validates his own file with alice's schema and sees the rules' mapping.
    // A header nobody has mapped yet (alice's "Cost to customer" is remembered by now).
    const csv = Buffer.from(MESSY_CSV.toString('utf8').replace('Cost to customer', 'Kundenpreis'));
    const mine = await upload(bob, csv);
    const panel = await bobWeb.get(`/uploads/${mine.id}/ai/panel`, HX);
    expect(panel.status).toBe(200);
    expect(panel.html).toContain('Fix column mapping');
    // Saving would remember it for every upload of alice's schema: refused, and said why.
    const save = await bobWeb.post(
      `/uploads/${mine.id}/ai/mapping`,
      { header_0: 'Kundenpreis', field_0: 'price' },
      HX,
    );
    expect(save.status).toBe(403);
    expect(save.html).toContain('shared with you view-only');
    expect(save.html).toContain('Fix column mapping');
    const byBob = await t.deps.db
      .selectFrom('schema_header_mappings')
      .selectAll()
      .where('schema_id', '=', schemaId)
      .where('confirmed_by', '=', bob.userId)
      .execute();
    expect(byBob).toEqual([]);
    const unchanged = await waitForUpload(t.app, bob.accessToken, mine.id);
    expect(unchanged.errors_by_code).toMatchObject({ missing_column: 1, extra_column: 1 });
    expect(server.requests).toHaveLength(0);
  });

  it('escapes headers from the file (XSS)', async () => {
    const up = await upload(
      alice,
      Buffer.from(`id,sku,email,price,status,${XSS}\n1,SKU-10001,a@b.co,1,active\n`),
    );
    const panel = await web.get(`/uploads/${up.id}/ai/panel`, HX);
    expect(panel.status).toBe(200);
    expect(panel.html).toContain('<span>&lt;img src=x onerror=alert(1)');
    expect(markupOnly(panel.html)).not.toContain('<img');
    const page = await web.get(`/uploads/${up.id}/ai`);
    expect(page.status).toBe(200);
    expect(markupOnly(page.html)).not.toContain('<img');
  });
});

describe('suggest a fix and anomaly review', () => {
  let uploadId: string;

  beforeAll(async () => {
    const up = await upload(
      alice,
      Buffer.from('id,sku,email,price,status\n1,SKU-10001,a@b.co,-1,active\n2,SKU-10002,b@b.co,2,active\n'),
    );
    uploadId = up.id;
  });

  it('answers inline for HTMX and on a page without JS; only the value shape is sent', async () => {
    server.script({ toolInput: { suggestion: 'Enter a price of zero or more.' } });
    const inline = await web.post(
      `/uploads/${uploadId}/ai/explain`,
      { code: 'minimum', column: 'price', value: '-1' },
      HX,
    );
    expect(inline.status).toBe(200);
    expect(inline.html).toContain('Suggested fix');
    expect(inline.html).toContain('Enter a price of zero or more.');
    expect(inline.html).not.toContain('<html');
    expect(server.requests[0].input).toMatchObject({ code: 'minimum', field: 'price', value_shape: '-9' });

    const form = await web.get(`/uploads/${uploadId}/ai/explain?code=minimum&column=price&value=-1`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('Ask the AI');
    expect(server.requests).toHaveLength(1); // GET never calls the model
    const page = await web.post(`/uploads/${uploadId}/ai/explain`, {
      code: 'minimum',
      column: 'price',
      value: '-2',
    });
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html');
    expect(page.html).toContain('Enter a price of zero or more.');
    expect(server.requests).toHaveLength(1); // same shape: from the cache
  });

  it('runs the anomaly review and lists warnings, clearly not errors; the upload is unchanged', async () => {
    server.script({
      toolInput: { findings: [{ row: 3, column: 'price', reason: `Far above its peers ${XSS}` }] },
    });
    const r = await web.post(`/uploads/${uploadId}/ai/review`, {}, HX);
    expect(r.status).toBe(200);
    expect(r.html).toContain('1 warning (not errors)');
    expect(r.html).toContain('never change the upload');
    expect(r.html).toContain('Far above its peers');
    expect(markupOnly(r.html)).not.toContain('<img');
    const upload = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${uploadId}`,
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    expect(upload.json()).toMatchObject({ status: 'invalid', error_count: 1 });
    // The panel shows the stored review afterwards.
    const panel = await web.get(`/uploads/${uploadId}/ai/panel`, HX);
    expect(panel.html).toContain('Far above its peers');
    expect(panel.html).toContain('Run the review again');
  });

  it('refuses people without ai.use, and other users’ uploads', async () => {
    const guest = await webUser(t, 'guest');
    const refused = await guest.post(`/uploads/${uploadId}/ai/explain`, {
      code: 'minimum',
      column: 'price',
      value: '-1',
    });
    expect(refused.status).toBe(403);
    expect((await guest.get(`/uploads/${uploadId}/ai`)).status).toBe(403);
    const bob = await webUser(t, 'user');
    expect((await bob.get(`/uploads/${uploadId}/ai`)).status).toBe(404);
    expect((await bob.get(`/uploads/${uploadId}/ai/panel`, HX)).status).toBe(404);
    const post = await bob.post(`/uploads/${uploadId}/ai/review`, {});
    expect(post.status).toBe(404);
  });
});

describe('AI usage for admins', () => {
  it('shows the month spend against the budget on the dashboard and a page; others are refused', async () => {
    const admin = await webUser(t, 'admin');
    const dashboard = await admin.get('/');
    expect(dashboard.html).toContain('hx-get="/ai/usage/panel"');
    const panel = await admin.get('/ai/usage/panel', HX);
    expect(panel.status).toBe(200);
    expect(panel.html).toContain('AI usage');
    expect(panel.html).toMatch(/This month: \$[0-9.]+ of \$50\.00 budget/);
    expect(panel.html).toContain('explain');
    const page = await admin.get('/ai/usage');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<meter');

    expect((await web.get('/')).html).not.toContain('/ai/usage/panel');
    expect((await web.get('/ai/usage')).status).toBe(403);
    expect((await web.get('/ai/usage/panel', HX)).status).toBe(403);
  });
});
