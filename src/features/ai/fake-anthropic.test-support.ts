/**
 * A real local HTTP server speaking the Anthropic Messages API (POST /v1/messages), for tests:
 * scripted per test (tool answers, malformed answers, 429 with retry-after, 529, slow answers) and
 * recording every request it received, so tests can assert on exactly what left the app.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: {
    model: string;
    max_tokens: number;
    system: { type: string; text: string; cache_control?: { type: string } }[];
    tools: { name: string; input_schema: Record<string, unknown> }[];
    tool_choice: { type: string; name: string };
    messages: { role: string; content: string }[];
  };
  /** The user message parsed back from JSON (what the app sent as input). */
  readonly input: Record<string, unknown>;
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** The whole JSON body; default: a tool_use message with `toolInput`. */
  body?: unknown;
  /** A raw body sent as is (e.g. broken JSON); wins over `body`. */
  raw?: string;
  /** The forced tool's input (ignored when `body` is given). */
  toolInput?: unknown;
  /** Wait before answering (beyond the client's timeout to test timeouts). */
  delayMs?: number;
  usage?: Partial<
    Record<
      'input_tokens' | 'output_tokens' | 'cache_read_input_tokens' | 'cache_creation_input_tokens',
      number
    >
  >;
}

/** Decides the reply to one request; scripts are used in order, then `fallback`. */
export type Script = ScriptedReply | ((request: ReceivedRequest) => ScriptedReply);

export interface FakeAnthropic {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Queue replies for the next requests, in order. */
  script(...replies: Script[]): void;
  /** The reply once the queue is empty. Default: an empty tool input `{}`. */
  fallback(reply: Script): void;
  reset(): void;
  close(): Promise<void>;
}

export function toolMessage(toolName: string, input: unknown, usage: ScriptedReply['usage'] = {}) {
  return {
    id: `msg_${Math.random().toString(36).slice(2)}`,
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [{ type: 'tool_use', id: 'toolu_1', name: toolName, input }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: {
      input_tokens: 100,
      output_tokens: 20,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...usage,
    },
  };
}

export const errorBody = (type: string, message: string) => ({ type: 'error', error: { type, message } });

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: ReceivedRequest[] = [];
  let queue: Script[] = [];
  let fallback: Script = { toolInput: {} };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedRequest['body'];
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(body.messages[0]?.content ?? '{}') as Record<string, unknown>;
    } catch {
      // Not JSON: recorded as empty input.
    }
    const received: ReceivedRequest = { path: req.url ?? '', headers: req.headers, body, input };
    requests.push(received);
    const script = queue.shift() ?? fallback;
    const reply = typeof script === 'function' ? script(received) : script;
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const toolName = body.tools?.[0]?.name ?? 'tool';
    const payload = reply.body ?? toolMessage(toolName, reply.toolInput ?? {}, reply.usage);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(reply.raw ?? JSON.stringify(payload));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => {
      queue.push(...replies);
    },
    fallback: (reply) => {
      fallback = reply;
    },
    reset: () => {
      requests.length = 0;
      queue = [];
      fallback = { toolInput: {} };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
