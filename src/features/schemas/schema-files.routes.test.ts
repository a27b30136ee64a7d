/** The schema routes that take or return files: infer from a sample, the template workbook. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { openSpreadsheet } from '../../engine/index.js';
import { call, RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';

const PEOPLE = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true } },
    { name: 'email', type: 'string', format: 'email' },
    { name: 'status', type: 'string', constraints: { enum: ['active', 'inactive'] } },
  ],
};

function multipart(file: Buffer, filename = 'sample.csv', field = 'file') {
  const boundary = `----intake${randomBytes(6).toString('hex')}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let t: TestApp;
let alice: Session;

beforeAll(async () => {
  t = await buildTestApp({ ...RELAXED_LIMITS, MAX_UPLOAD_MB: '1' });
  alice = await registerUser(t.app);
});

afterAll(async () => {
  await t?.close();
});

async function createSchema(token: string, name = 'People', schema: object = PEOPLE) {
  const res = await call(t.app, 'POST', '/api/v1/schemas', { token, body: { name, schema } });
  expect(res.status).toBe(201);
  return res.body as { id: string; version: number; name: string };
}

describe('POST /api/v1/schemas/infer', () => {
  async function inferTempDirs(): Promise<string[]> {
    return (await readdir(tmpdir())).filter((n) => n.startsWith('intake-infer-'));
  }

  it('drafts a schema from a CSV sample, saves nothing and removes the temp file', async () => {
    const before = await inferTempDirs();
    const csv =
      'id,email,joined\n1,a@example.com,2024-01-02\n2,b@example.com,2024-02-03\n3,c@example.com,2024-03-04\n';
    const form = multipart(Buffer.from(csv));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { schema: { fields: { name: string; type: string }[] }; saved: boolean };
    expect(body.saved).toBe(false);
    expect(body.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['email', 'string'],
      ['joined', 'date'],
    ]);
    expect(await inferTempDirs()).toEqual(before);
    const count = await t.deps.db
      .selectFrom('schemas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_id', '=', alice.userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    const list = await call(t.app, 'GET', '/api/v1/schemas?limit=100', { token: alice.accessToken });
    expect((list.body.results as unknown[]).length).toBe(count.n);
  });

  it('answers 415 for a file that is not a spreadsheet and for a non-multipart body', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(200),
    ]);
    const form = multipart(png, 'picture.png');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ error: 'unsupported_media_type' });

    const json = await call(t.app, 'POST', '/api/v1/schemas/infer', {
      token: alice.accessToken,
      body: { file: 'a,b' },
    });
    expect(json.status).toBe(415);
  });

  it('answers 400 for a truncated multipart body', async () => {
    const form = multipart(Buffer.from('a,b\n1,2\n'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload.subarray(0, form.payload.length - 20),
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers 413 past MAX_UPLOAD_MB and 422 without a file field', async () => {
    const big = Buffer.from('a,b\n' + '1,2\n'.repeat(400_000));
    const form = multipart(big);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...form.headers },
      payload: form.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'payload_too_large' });

    const wrongField = multipart(Buffer.from('a\n1\n'), 'x.csv', 'sample');
    const res2 = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas/infer',
      headers: { authorization: `Bearer ${alice.accessToken}`, ...wrongField.headers },
      payload: wrongField.payload,
    });
    expect(res2.statusCode).toBe(422);
  });
});

describe('GET /api/v1/schemas/{id}/template.xlsx', () => {
  it('returns a workbook whose header row is the schema fields (read back with the engine)', async () => {
    const created = await createSchema(alice.accessToken, 'People / 2024');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/schemas/${created.id}/template.xlsx`,
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toBe('attachment; filename="People _ 2024.xlsx"');
    const dir = await mkdtemp(path.join(tmpdir(), 'intake-template-test-'));
    try {
      const file = path.join(dir, 'template.xlsx');
      await writeFile(file, res.rawPayload);
      const sheet = await openSpreadsheet(file);
      try {
        expect(sheet.format).toBe('xlsx');
        for await (const batch of sheet.rows()) {
          expect(batch[0]?.cells.map((c) => c?.v)).toEqual(['id', 'email', 'status']);
          break;
        }
      } finally {
        await sheet.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
