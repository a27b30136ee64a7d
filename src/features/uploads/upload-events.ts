/**
 * GET /uploads/{id}/events: Server-Sent Events. The upload row is polled (so any API instance can
 * serve any upload, whichever worker runs it): a `progress` event whenever it changed, then one
 * `done` event with the final resource, and the stream ends. A comment line keeps proxies from
 * timing out an idle stream.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Deps } from '../../deps.js';
import { isFinal, toPublicUpload } from './uploads.mapper.js';
import { findUpload } from './uploads.repository.js';

/** How often the row is read while a client listens, at most. */
const MAX_POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function streamUploadEvents(
  deps: Pick<Deps, 'db' | 'config'>,
  reply: FastifyReply,
  uploadId: string,
): FastifyReply {
  const pollMs = Math.min(MAX_POLL_MS, deps.config.uploadProgressMs);
  const closed = new AbortController();
  reply.raw.on('close', () => closed.abort());

  async function* events(): AsyncGenerator<string> {
    let last = '';
    let lastSent = Date.now();
    yield 'retry: 1000\n\n';
    while (!closed.signal.aborted) {
      // The primary, not a replica: progress must not go backwards on replica lag.
      const row = await findUpload(deps.db, uploadId);
      if (row === undefined) {
        yield event('deleted', { id: uploadId });
        return;
      }
      const resource = toPublicUpload(row);
      if (isFinal(row.status)) {
        yield event('done', resource);
        return;
      }
      const snapshot = JSON.stringify(resource);
      if (snapshot !== last) {
        last = snapshot;
        lastSent = Date.now();
        yield `event: progress\ndata: ${snapshot}\n\n`;
      } else if (Date.now() - lastSent > KEEPALIVE_MS) {
        lastSent = Date.now();
        yield ': keep-alive\n\n';
      }
      await sleep(pollMs, undefined, { signal: closed.signal }).catch(() => undefined);
    }
  }

  reply.header('content-type', 'text/event-stream; charset=utf-8');
  reply.header('cache-control', 'no-cache, no-transform');
  // nginx would otherwise buffer the stream and deliver it all at the end.
  reply.header('x-accel-buffering', 'no');
  return reply.send(Readable.from(events(), { objectMode: false }));
}
