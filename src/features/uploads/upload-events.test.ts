/**
 * The SSE stream is woken by NOTIFY, not by its poll: with the fallback poll set to ten minutes, a
 * stream still sees an upload go `validating` and then `done` as soon as the repository's
 * statements commit. And with the LISTEN connection down, the stream polls and still ends.
 * Real app, real PostgreSQL; the upload's status is changed with the repository's own statements
 * (the worker is not started, so nothing else touches the row).
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { createNotificationListener, type NotificationListener } from '../../db/notification-listener.js';
import { RELAXED_LIMITS, registerUser, type Session } from '../identity/identity.test-support.js';
import { streamUploadEvents } from './upload-events.js';
import { finishAttempt, findUpload, startAttempt, UPLOAD_NOTIFY_CHANNEL } from './uploads.repository.js';
import { multipartBody, ORDERS_SCHEMA, ordersCsv, type UploadBody } from './uploads.test-support.js';

const TEN_MINUTES = 600_000;

let t: TestApp;
let alice: Session;
let schemaId: string;
let listening: NotificationListener;
let broken: NotificationListener;
let server: FastifyInstance;
let base: string;

const auth = (s: Session) => ({ authorization: `Bearer ${s.accessToken}` });

interface SseEvent {
  name: string;
  data: UploadBody;
}

/** Reads an SSE response one event at a time. */
function sseEvents(response: Response): () => Promise<SseEvent | null> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return async () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.startsWith('event:')) continue;
        const [head, data] = block.split('\n');
        return {
          name: head.slice('event: '.length),
          data: JSON.parse(data.slice('data: '.length)) as UploadBody,
        };
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
    }
  };
}

async function queuedUpload(): Promise<string> {
  const body = multipartBody({ schema_id: schemaId }, { filename: 'orders.csv', content: ordersCsv(10) });
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/uploads',
    headers: { ...auth(alice), ...body.headers },
    payload: body.payload,
  });
  expect(response.statusCode, response.body).toBe(202);
  return response.json<UploadBody>().id;
}

/** What the worker does to the row: claim an attempt (startByHand), then store a result. */
async function startByHand(id: string): Promise<void> {
  const row = await findUpload(t.deps.db, id);
  const started = await startAttempt(t.deps.db, id, row!.run_id);
  expect(started?.status).toBe('validating');
}

async function finishByHand(id: string): Promise<void> {
  const row = await findUpload(t.deps.db, id);
  await t.deps.db.transaction().execute(async (trx) => {
    const finished = await finishAttempt(trx, id, row!.attempt, {
      status: 'valid',
      rowsTotal: 10,
      rowsValid: 10,
      rowsInvalid: 0,
      errorCount: 0,
      errorsByCode: {},
      errorsStored: 0,
      bytes: Number(row!.bytes),
    });
    expect(finished?.status).toBe('valid');
  });
}

beforeAll(async () => {
  // The worker is not started: the upload stays queued until the test moves it on.
  t = await buildTestApp({ ...RELAXED_LIMITS });
  alice = await registerUser(t.app);
  const schema = await t.app.inject({
    method: 'POST',
    url: '/api/v1/schemas',
    headers: auth(alice),
    payload: { name: 'orders', schema: ORDERS_SCHEMA },
  });
  schemaId = schema.json<{ id: string }>().id;

  listening = createNotificationListener({
    channel: UPLOAD_NOTIFY_CHANNEL,
    clientConfig: t.deps.pgPool.options,
    logger: t.deps.logger,
  });
  // Nothing listens on port 1: this listener never connects (it keeps retrying).
  broken = createNotificationListener({
    channel: UPLOAD_NOTIFY_CHANNEL,
    clientConfig: { host: '127.0.0.1', port: 1, connectionTimeoutMillis: 1000 },
    logger: t.deps.logger,
    reconnectMs: 200,
  });
  // A failing test must not hang closing on a stream still open.
  server = Fastify({ forceCloseConnections: true });
  server.get<{ Params: { id: string }; Querystring: { broken?: string } }>('/events/:id', (request, reply) =>
    streamUploadEvents(t.deps, reply, request.params.id, {
      listener: request.query.broken === undefined ? listening : broken,
      fallbackPollMs: TEN_MINUTES,
      pollMs: request.query.broken === undefined ? TEN_MINUTES : 50,
    }),
  );
  await server.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.close();
  await listening?.close();
  await broken?.close();
  await t?.close();
});

describe('GET /uploads/{id}/events', () => {
  it('is woken by the NOTIFY of each change, not by its (ten-minute) poll', async () => {
    const id = await queuedUpload();
    const response = await fetch(`${base}/events/${id}`);
    expect(response.status).toBe(200);
    const next = sseEvents(response);
    const first = await next();
    expect(first).toMatchObject({ name: 'progress', data: { status: 'queued' } });
    // The first read is done and the stream waits; once LISTEN is up, only a NOTIFY can wake it.
    while (!listening.isListening()) await new Promise((resolve) => setTimeout(resolve, 10));

    await startByHand(id);
    expect(await next()).toMatchObject({ name: 'progress', data: { status: 'validating' } });
    await finishByHand(id);
    expect(await next()).toMatchObject({ name: 'done', data: { status: 'valid', rows_total: 10 } });
    expect(await next()).toBeNull();
  });

  it('polls while the LISTEN connection is down, and still ends', async () => {
    const id = await queuedUpload();
    const response = await fetch(`${base}/events/${id}?broken`);
    const next = sseEvents(response);
    expect(await next()).toMatchObject({ name: 'progress', data: { status: 'queued' } });
    expect(broken.isListening()).toBe(false);
    await startByHand(id);
    await finishByHand(id);
    const rest: SseEvent[] = [];
    for (let e = await next(); e !== null; e = await next()) rest.push(e);
    expect(rest.at(-1)).toMatchObject({ name: 'done', data: { status: 'valid' } });
  });

  it('the real route ends with done as the upload finishes', async () => {
    const id = await queuedUpload();
    const streaming = t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${id}/events`,
      headers: auth(alice),
    });
    await startByHand(id);
    await finishByHand(id);
    const response = await streaming;
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/event: done\ndata: \{[^\n]*"status":"valid"/);
  });
});
