/** Schema pages over HTTP with a real session: create, edit (new version), errors, inference, XSS. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app.js';
import { markupOnly, webUser, type WebSessionClient } from '../../../../test/web-session.js';
import { RELAXED_LIMITS } from '../../identity/identity.test-support.js';
import { samplePath } from '../../../../test/samples.js';

let t: TestApp;
let alice: WebSessionClient;
const XSS = '<script>alert(1)</script>';
// busboy keeps only the part of a file name after the last slash, so no closing tag here.
const IMG = '<img src=x onerror=alert(1)>';

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
  alice = await webUser(t, 'user');
});

afterAll(async () => {
  await t?.close();
});

async function createSchema(body: Record<string, string>): Promise<string> {
  const res = await alice.post('/schemas', body);
  expect(res.status, res.html.slice(0, 500)).toBe(303);
  return String(res.location).split('/').pop() as string;
}

describe('schema pages', () => {
  it('creates a schema from the field rows, then saves a new version from the raw JSON', async () => {
    const id = await createSchema({
      name: 'Orders',
      source: 'fields',
      'f.0.name': 'order_id',
      'f.0.type': 'integer',
      'f.0.required': 'on',
      'f.0.minimum': '1',
      'f.1.name': 'size',
      'f.1.type': 'string',
      'f.1.enum': 'S, M, L',
      'f.2.name': '',
      'f.2.type': 'string',
    });
    const saved = await t.deps.db
      .selectFrom('schema_versions')
      .selectAll()
      .where('schema_id', '=', id)
      .execute();
    expect(saved).toHaveLength(1);
    expect(saved[0].definition).toEqual({
      fields: [
        { name: 'order_id', type: 'integer', constraints: { required: true, minimum: 1 } },
        { name: 'size', type: 'string', constraints: { enum: ['S', 'M', 'L'] } },
      ],
    });

    const page = await alice.get(`/schemas/${id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('value="order_id"');
    expect(page.html).toContain(`/api/v1/schemas/${id}/template.xlsx`);

    const json = JSON.stringify({ fields: [{ name: 'order_id', type: 'integer' }] });
    const update = await alice.post(`/schemas/${id}`, {
      name: 'Orders v2',
      source: 'json',
      schema_json: json,
    });
    expect(update.status).toBe(303);
    const versions = await alice.get(`/schemas/${id}/versions`);
    expect(versions.html).toContain('Version 2');
    expect(versions.html).toContain('Version 1');
  });

  it('shows the engine message next to the form and keeps what was typed', async () => {
    const res = await alice.post('/schemas', {
      name: 'Broken',
      source: 'fields',
      'f.0.name': 'when',
      'f.0.type': 'string',
      'f.0.minimum': '5',
    });
    expect(res.status).toBe(422);
    expect(res.html).toContain('role="alert"');
    expect(res.html).toMatch(/fields\[0\]\.constraints/);
    expect(res.html).toContain('value="when"');
    const bad = await alice.post('/schemas', { name: 'Bad JSON', source: 'json', schema_json: '{nope' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('not valid JSON');
  });

  it('infers a draft from a sample and opens the editor without saving', async () => {
    const sample = readFileSync(samplePath('excel-mac-csv-cr-line-endings.csv'));
    const boundary = '----intake-test';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${IMG}.csv"\r\n` +
          'Content-Type: text/csv\r\n\r\n',
      ),
      sample,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const before = await t.deps.db.selectFrom('schemas').select('id').execute();
    const res = await t.app.inject({
      method: 'POST',
      url: `/schemas/infer?_csrf=${encodeURIComponent(alice.csrf)}`,
      headers: {
        cookie: alice.cookie,
        accept: 'text/html',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.body).toContain('Draft inferred from');
    expect(res.body).toContain('data-field-row');
    expect(markupOnly(res.body)).not.toContain('<img');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)>.csv');
    expect(await t.deps.db.selectFrom('schemas').select('id').execute()).toHaveLength(before.length);
  });

  it('renders user text inert everywhere (schema name, description, field names)', async () => {
    const id = await createSchema({
      name: XSS,
      description: `"><img src=x onerror=alert(1)>`,
      source: 'fields',
      'f.0.name': XSS,
      'f.0.type': 'string',
      'f.0.aliases': `</textarea>${XSS}`,
    });
    for (const url of ['/schemas', `/schemas/${id}`, `/schemas/${id}/versions`]) {
      const res = await alice.get(url);
      expect(res.status).toBe(200);
      const markup = markupOnly(res.html);
      expect(markup, url).not.toContain('<script>alert');
      expect(markup, url).not.toContain('<img src=x');
      expect(markup, url).not.toMatch(/<\/textarea><script/);
      expect(res.html, url).toContain('&lt;script>alert(1)&lt;/script>');
    }
  });

  it('refuses a form post without the CSRF token, and hides other users’ schemas', async () => {
    const id = await createSchema({
      name: 'Private',
      source: 'json',
      schema_json: '{"fields":[{"name":"a","type":"string"}]}',
    });
    const noToken = await alice.post(`/schemas/${id}/delete`, { _csrf: 'wrong' });
    expect(noToken.status).toBe(403);
    const bob = await webUser(t, 'user');
    expect((await bob.get(`/schemas/${id}`)).status).toBe(404);
    expect((await bob.post(`/schemas/${id}/delete`, {})).status).toBe(404);
    expect((await alice.post(`/schemas/${id}/delete`, {})).status).toBe(303);
    expect((await alice.get(`/schemas/${id}`)).status).toBe(404);
  });

  it('shows a schema shared with the viewer read-only: no save buttons, and a save is refused', async () => {
    const id = await createSchema({
      name: 'Shared',
      source: 'json',
      schema_json: '{"fields":[{"name":"a","type":"string"}]}',
    });
    const bob = await webUser(t, 'user');
    const guest = await webUser(t, 'guest');
    // The share itself is made through the API elsewhere (sharing.routes.test.ts); here, a row.
    await t.deps.db
      .insertInto('shares')
      .values([
        { resource_type: 'schema', resource_id: id, user_id: bob.userId, created_by: alice.userId },
        { resource_type: 'schema', resource_id: id, user_id: guest.userId, created_by: alice.userId },
      ])
      .execute();
    for (const viewer of [bob, guest]) {
      const list = await viewer.get('/schemas');
      expect(list.html).toContain(`href="/schemas/${id}"`);
      const view = await viewer.get(`/schemas/${id}`);
      expect(view.status).toBe(200);
      expect(view.html).toContain('data-read-only');
      expect(view.html).not.toContain('Save schema');
    }
    const own = await alice.get(`/schemas/${id}`);
    expect(own.html).toContain('Save schema');
    expect(own.html).not.toContain('data-read-only');
    const save = await bob.post(`/schemas/${id}`, {
      name: 'Taken over',
      source: 'json',
      schema_json: '{"fields":[{"name":"a","type":"string"}]}',
    });
    expect(save.status).toBe(403);
    expect((await bob.post(`/schemas/${id}/delete`, {})).status).toBe(403);
  });

  it('shares a schema view-only from its page, refuses clearly, and removes the share', async () => {
    const id = await createSchema({
      name: 'To share',
      source: 'json',
      schema_json: '{"fields":[{"name":"a","type":"string"}]}',
    });
    const carol = await webUser(t, 'user');
    const before = await alice.get(`/schemas/${id}`);
    expect(before.html).toContain('id="sharing"');
    expect(before.html).toContain('Not shared with anyone');
    expect((await carol.get(`/schemas/${id}`)).status).toBe(404);

    const shared = await alice.post(`/schemas/${id}/shares`, { email: carol.email });
    expect(shared.status).toBe(303);
    expect(shared.location).toBe(`/schemas/${id}#sharing`);
    const after = await alice.get(`/schemas/${id}`);
    expect(after.html).toContain(carol.email);
    expect(after.html).toContain(`action="/schemas/${id}/shares/${carol.userId}/delete"`);
    const seen = await carol.get(`/schemas/${id}`);
    expect(seen.status).toBe(200);
    // The grantee sees it read-only and without the Sharing card.
    expect(seen.html).toContain('data-read-only');
    expect(seen.html).not.toContain('id="sharing"');

    const twice = await alice.post(`/schemas/${id}/shares`, { email: carol.email });
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('already shared');
    const unknown = await alice.post(`/schemas/${id}/shares`, { email: 'nobody-here@example.test' });
    expect(unknown.status).toBe(422);
    expect(unknown.html).toContain('No active user has that email address.');
    const self = await alice.post(`/schemas/${id}/shares`, { email: alice.email });
    expect(self.status).toBe(422);
    expect((await carol.post(`/schemas/${id}/shares`, { email: alice.email })).status).toBe(403);

    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'ip', 'request_id'])
      .where('target_id', '=', id)
      .where('action', '=', 'schema.shared')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.request_id).toBeTruthy();

    const removed = await alice.post(`/schemas/${id}/shares/${carol.userId}/delete`, {});
    expect(removed.status).toBe(303);
    expect((await carol.get(`/schemas/${id}`)).status).toBe(404);
    expect((await alice.get(`/schemas/${id}`)).html).toContain('Not shared with anyone');
  });

  it('serves the editor script with a content hash and a long cache', async () => {
    const page = await alice.get('/schemas/new');
    const src = /<script src="(\/schemas\/assets\/editor\.[0-9a-f]{12}\.js)"/.exec(page.html)?.[1];
    expect(src).toBeDefined();
    const res = await t.app.inject({ method: 'GET', url: String(src) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(
      (await t.app.inject({ method: 'GET', url: '/schemas/assets/editor.000000000000.js' })).statusCode,
    ).toBe(404);
  });
});
