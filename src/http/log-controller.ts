/**
 * Request logging: one `request completed` line per request (Fastify's default writes two), with
 * the path but never the query string, where one-time tokens (email links, resets) may travel.
 * The request id is bound to every line as `request_id`.
 *
 * The line is written at the end of the event-loop iteration the response finished in, with the
 * other requests finished in it (src/lib/end-of-turn.ts): the same lines, in completion order,
 * at a fraction of the CPU in a flood. Their `time` is when they are written (at most one
 * iteration later); `responseTime` is measured when the response finished. Lines a request logs
 * on its own (warnings, errors) are written at once, so they come before its completion line.
 */
import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { createEndOfTurnQueue } from '../lib/end-of-turn.js';

interface CompletionLine {
  log: FastifyBaseLogger;
  error: Error | null | undefined;
  line: { req: RequestSummary; res: { statusCode: number }; responseTime: number };
}

interface RequestSummary {
  method: string;
  url: string;
  ip: string;
}

/** Whether `log` writes lines of `level` (its level may be the route's own); `silent` writes none. */
function writes(log: FastifyBaseLogger, level: 'info' | 'error'): boolean {
  const threshold = pino.levels.values[log.level] ?? Number.POSITIVE_INFINITY;
  return threshold <= pino.levels.values[level];
}

function writeLine({ log, error, line }: CompletionLine): void {
  if (error) log.error({ ...line, err: error }, 'request errored');
  else log.info(line, 'request completed');
}

export class RequestLogController extends LogController {
  readonly #pending = createEndOfTurnQueue(writeLine);

  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: summarizeRequest(request) }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request) || !writes(reply.log, error ? 'error' : 'info')) return;
    this.#pending.push({
      log: reply.log,
      error,
      line: {
        req: summarizeRequest(request),
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 100) / 100,
      },
    });
  }

  /** Writes the completion lines not yet written (the app's onClose hook calls it). */
  flush(): void {
    this.#pending.flush();
  }
}

function summarizeRequest(request: FastifyRequest): RequestSummary {
  return { method: request.method, url: request.url.split('?', 1)[0], ip: request.ip };
}
