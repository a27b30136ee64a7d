/**
 * Request logging: one `request completed` line per request (Fastify's default writes two), with
 * the path but never the query string, where one-time tokens (email links, resets) may travel.
 * The request id is bound to every line as `request_id`.
 */
import { LogController } from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

export class RequestLogController extends LogController {
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
    if (this.isLogDisabled(request)) return;
    const line = {
      req: summarizeRequest(request),
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

function summarizeRequest(request: FastifyRequest): { method: string; url: string; ip: string } {
  return { method: request.method, url: request.url.split('?', 1)[0], ip: request.ip };
}
