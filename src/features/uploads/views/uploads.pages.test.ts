/**
 * Upload pages over HTTP against a real database and a real worker: upload form (multipart with
 * the CSRF token in the URL), report with filters and cursor pages, fragments, dashboard totals,
 * revalidate, delete. The XSS cases put markup in every user-controlled field (file name, schema
 * name, header, cell value) and assert it comes back escaped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { RELAXED_LIMITS } from '../../identity/identity.test-support.js';
import { registerJobHandlers } from '../../../jobs/index.js';
import { multipartBody } from '../uploads.test-support.js';

const XSS = '<script>alert(1)</script>';

/** The markup outside quoted attribute values (where `<` is inert and @kitajs/html escapes `"`). */
function textAndTags(html: string): string {
  return html.replace(/"[^"]*"/g, '""');
}
let t: TestApp;
let cookie = '';
let csrf = '';
let schemaId = '';

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, JOB_POLL_INTERVAL_MS: '500' });
  registerJobHandlers(t.deps.queue, t.deps);
  await t.deps.queue.start();
  const res = await t.app.inject({
    method: 'POST',
    url: '/signup',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: 'email=pages%40example.com&password=a-long-Passphrase-42',
  });
  cookie = String(res.headers['set-cookie']).split(';')[0] as string;
  const account = await t.app.inject({ method: 'GET', url: '/account', headers: { cookie } });
  csrf = /name="_csrf" value="([^"]+)"/.exec(account.body)?.[1] as string;
  const schema = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: {
      name: `Orders ${XSS}`,
      schema: {
        fields: [
          { name: 'id', type: 'integer', constraints: { required: true } },
          { name: 'status', type: 'string', constraints: { enum: ['active', 'closed'] } },
        ],
      },
    },
  });
  expect(schema.statusCode).toBe(201);
  schemaId = schema.json<{ id: string }>().id;
});
afterAll(async () => {
  await t?.deps.queue.stop({ graceful: false, timeoutMs: 1000 });
  await t?.close();
});

async function upload(csv: string, fileName: string): Promise<string> {
  const body = multipartBody({ schema_id: schemaId }, { content: Buffer.from(csv), filename: fileName });
  const res = await t.app.inject({
    method: 'POST',
    url: `/uploads?_csrf=${encodeURIComponent(csrf)}`,
    headers: { ...body.headers, cookie, accept: 'text/html' },
    payload: body.payload,
  });
  expect(res.statusCode).toBe(303);
  const location = String(res.headers.location);
  expect(location).toMatch(/^\/uploads\/[0-9a-f-]{36}$/);
  return location.split('/')[2] as string;
}

async function settle(id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: { cookie } });
    if (['valid', 'invalid', 'failed'].includes(res.json<{ status: string }>().status)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('upload did not settle');
}

function page(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html', ...headers } });
}

describe('upload pages', () => {
  let id = '';

  it('uploads through the form and shows the report with every user value escaped', async () => {
    const rows = ['id,status,' + `"${XSS.replace(/"/g, '""')}"`];
    for (let i = 1; i <= 120; i++) rows.push(`${i},${i % 2 ? 'active' : XSS},x`);
    id = await upload(rows.join('\n') + '\n', `${XSS}.csv`);
    const running = await page(`/uploads/${id}`);
    expect(running.statusCode).toBe(200);
    await settle(id);
    const report = await page(`/uploads/${id}`);
    expect(report.statusCode).toBe(200);
    expect(textAndTags(report.body)).not.toContain('<script>alert');
    expect(report.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(report.body).toContain('data-bad-cell');
    expect(report.body).toContain('Errors by column');
    const dashboard = await page('/');
    expect(textAndTags(dashboard.body)).not.toContain('<script>alert');
    expect(dashboard.body).toContain('Files this week');
    const form = await page('/uploads/new');
    expect(textAndTags(form.body)).not.toContain('<script>alert');
    expect(form.body).toContain('Orders &lt;script>');
  });

  it('filters errors by code and walks the pages with a cursor', async () => {
    const all = await page(`/uploads/${id}?code=enum`);
    expect(all.statusCode).toBe(200);
    const codes = [...all.body.matchAll(/<td class="py-2 pr-3 font-mono text-xs">([^<]+)<\/td>/g)].map(
      (m) => m[1],
    );
    expect(codes.length).toBe(50);
    expect(new Set(codes)).toEqual(new Set(['enum']));
    const next = /href="(\/uploads\/[^"]+cursor=\d+[^"]*)"[^>]*rel="next"/.exec(all.body)?.[1];
    expect(next).toBeDefined();
    const second = await page((next as string).replace(/&amp;/g, '&'));
    const secondCodes = [...second.body.matchAll(/<td class="py-2 pr-3 font-mono text-xs">([^<]+)<\/td>/g)];
    expect(secondCodes.length).toBe(10);
    expect(second.body).not.toMatch(/rel="next"/);
  });

  it('serves the live fragments: progress refreshes the page once final, rows render alone', async () => {
    const progress = await page(`/uploads/${id}/progress`, { 'hx-request': 'true' });
    expect(progress.headers['hx-refresh']).toBe('true');
    const row = await page(`/uploads/${id}/row`, { 'hx-request': 'true' });
    expect(row.body.startsWith('<tr')).toBe(true);
    expect(row.body).not.toContain('hx-trigger');
  });

  it('refuses a bad form inline: no file, no schema', async () => {
    const body = multipartBody({ schema_id: '' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/uploads?_csrf=${encodeURIComponent(csrf)}`,
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('A file is required.');
  });

  it('refuses a multipart post without the CSRF token', async () => {
    const body = multipartBody(
      { schema_id: schemaId },
      { content: Buffer.from('id\n1\n'), filename: 'a.csv' },
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/uploads',
      headers: { ...body.headers, cookie, accept: 'text/html' },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(403);
  });

  it('revalidates and deletes', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' };
    const re = await t.app.inject({
      method: 'POST',
      url: `/uploads/${id}/revalidate`,
      headers: form,
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(re.statusCode).toBe(303);
    await settle(id);
    const del = await t.app.inject({
      method: 'POST',
      url: `/uploads/${id}/delete`,
      headers: form,
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(del.statusCode).toBe(303);
    const gone = await page(`/uploads/${id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('<!doctype html>');
  });
});
