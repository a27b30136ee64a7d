/**
 * The uploads end-to-end tests' app (uploads*.routes.test.ts): the real app and job worker on a
 * real PostgreSQL, files in a temporary storage directory, two users and a schema of the first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect } from 'vitest';
import { registerJobHandlers } from '../../jobs/index.js';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import {
  multipartBody,
  ORDERS_SCHEMA,
  waitForUpload,
  type FilePart,
  type UploadBody,
} from './uploads.test-support.js';

export interface UploadsApp {
  readonly t: TestApp;
  readonly storageDir: string;
  readonly alice: Session;
  readonly bob: Session;
  /** A schema of alice's (ORDERS_SCHEMA). */
  readonly schemaId: string;
}

export const auth = (s: Session) => ({ authorization: `Bearer ${s.accessToken}` });

export async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Orders');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Starts the app before the file's tests (and stops it after); returns helpers bound to it. */
export function useUploadsApp() {
  let app: UploadsApp | undefined;

  beforeAll(async () => {
    const storageDir = await mkdtemp(join(tmpdir(), 'intake-uploads-'));
    const t = await buildTestApp({
      ...RELAXED_LIMITS,
      STORAGE_DIR: storageDir,
      MAX_UPLOAD_MB: '12',
      RATE_LIMIT_EXPORT: '20',
      MAX_STORED_ERRORS: '2000',
      JOB_RETRY_LIMIT: '1',
      JOB_RETRY_DELAY: '0',
      JOB_POLL_INTERVAL_MS: '500',
      // Progress saved and polled every 20 ms, so the SSE test sees a validation midway however
      // fast this machine runs it.
      UPLOAD_PROGRESS_MS: '20',
    });
    registerJobHandlers(t.deps.queue, t.deps);
    await t.deps.queue.start();
    const alice = await registerUser(t.app);
    const bob = await registerUser(t.app);
    app = { t, storageDir, alice, bob, schemaId: '' };
    app = { ...app, schemaId: await createSchema(alice, ORDERS_SCHEMA) };
  });

  afterAll(async () => {
    await app?.t.close();
    if (app) await rm(app.storageDir, { recursive: true, force: true });
  });

  function current(): UploadsApp {
    if (app === undefined) throw new Error('the uploads test app is not started');
    return app;
  }

  async function createSchema(owner: Session, schema: unknown): Promise<string> {
    const response = await current().t.app.inject({
      method: 'POST',
      url: '/api/v1/schemas',
      headers: auth(owner),
      payload: { name: `orders ${Math.random()}`, schema },
    });
    if (response.statusCode !== 201) throw new Error(`schema: ${response.statusCode} ${response.body}`);
    return response.json<{ id: string }>().id;
  }

  async function upload(
    owner: Session,
    file: FilePart | undefined,
    fields: Record<string, string> = { schema_id: current().schemaId },
    headers: Record<string, string> = {},
  ) {
    const body = multipartBody(fields, file);
    return current().t.app.inject({
      method: 'POST',
      url: '/api/v1/uploads',
      headers: { ...auth(owner), ...body.headers, ...headers },
      payload: body.payload,
    });
  }

  async function uploadAndWait(
    owner: Session,
    file: FilePart,
    schema = current().schemaId,
  ): Promise<UploadBody> {
    const response = await upload(owner, file, { schema_id: schema });
    expect(response.statusCode, response.body).toBe(202);
    return waitForUpload(current().t.app, owner.accessToken, response.json<{ id: string }>().id);
  }

  async function getJson<T>(owner: Session, url: string): Promise<{ status: number; body: T }> {
    const response = await current().t.app.inject({ method: 'GET', url, headers: auth(owner) });
    return { status: response.statusCode, body: response.json<T>() };
  }

  async function outboxOf(uploadId: string) {
    return current()
      .t.deps.db.selectFrom('outbox_events')
      .select(['type', 'user_id', 'data'])
      .where('subject_id', '=', uploadId)
      .orderBy('seq')
      .execute();
  }

  return { current, createSchema, upload, uploadAndWait, getJson, outboxOf };
}
