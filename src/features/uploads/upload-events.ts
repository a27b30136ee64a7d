/**
 * GET /uploads/{id}/events: Server-Sent Events. A `progress` event whenever the upload changed,
 * then one `done` event with the final resource, and the stream ends. A comment line keeps proxies
 * from timing out an idle stream.
 *
 * Changes are pushed, not polled: every statement that changes an upload's status or progress
 * notifies UPLOAD_NOTIFY_CHANNEL with its id (uploads.repository.ts), and the process's one LISTEN
 * connection wakes the streams of that upload, which read the row again. NOTIFY goes through
 * PostgreSQL, so any API instance serves any upload, whichever worker runs it. The row is still
 * read every `fallbackPollMs` (a lost notification, a reconnect), and every `pollMs` while the
 * LISTEN connection is down.
 */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { Deps } from '../../deps.js';
import type { NotificationListener } from '../../db/notification-listener.js';
import { isFinal, toPublicUpload } from './uploads.mapper.js';
import { findUpload } from './uploads.repository.js';

const KEEPALIVE_MS = 15_000;

export interface UploadEventsOptions {
  /** Wakes the stream when the upload changed (UPLOAD_NOTIFY_CHANNEL). */
  listener: NotificationListener;
  /** Reads the row this often even without a notification, while listening. Default 2000 ms. */
  fallbackPollMs?: number;
  /** Reads the row this often while the LISTEN connection is down. Default min(250, UPLOAD_PROGRESS_MS). */
  pollMs?: number;
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function streamUploadEvents(
  deps: Pick<Deps, 'db' | 'config'>,
  reply: FastifyReply,
  uploadId: string,
  options: UploadEventsOptions,
): FastifyReply {
  const { listener } = options;
  const pollMs = options.pollMs ?? Math.min(250, deps.config.uploadProgressMs);
  const fallbackPollMs = options.fallbackPollMs ?? 2000;
  const closed = new AbortController();
  reply.raw.on('close', () => closed.abort());

  async function* events(): AsyncGenerator<string> {
    // Set by a notification; the wait ends at once when one came in since the last read.
    let changed = false;
    let wake: (() => void) | null = null;
    const unsubscribe = listener.subscribe(uploadId, () => {
      changed = true;
      wake?.();
    });
    const onAbort = () => wake?.();
    closed.signal.addEventListener('abort', onAbort);
    try {
      let last = '';
      let lastSent = Date.now();
      yield 'retry: 1000\n\n';
      while (!closed.signal.aborted) {
        // Subscribed before this read: a change committed after it sets `changed` again.
        changed = false;
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
        if (changed || closed.signal.aborted) continue;
        const waitMs = listener.isListening() ? fallbackPollMs : pollMs;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, waitMs);
          function done() {
            clearTimeout(timer);
            wake = null;
            resolve();
          }
          wake = done;
        });
      }
    } finally {
      unsubscribe();
      closed.signal.removeEventListener('abort', onAbort);
    }
  }

  reply.header('content-type', 'text/event-stream; charset=utf-8');
  reply.header('cache-control', 'no-cache, no-transform');
  // nginx would otherwise buffer the stream and deliver it all at the end.
  reply.header('x-accel-buffering', 'no');
  return reply.send(Readable.from(events(), { objectMode: false }));
}
