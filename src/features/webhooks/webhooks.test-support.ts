/**
 * A real local webhook receiver for tests: a node:http server on 127.0.0.1 and a random port that
 * records every request and answers with the next scripted status (200 once the script runs out).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: Record<string, string>;
  body: string;
  status: number;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses for the next requests, in order; afterwards `fallback`. */
  script: number[];
  fallback: number;
  /** When set, requests are held open (never answered) until `release()`. */
  hold: boolean;
  release(): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const held: http.ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    requests: [],
    script: [],
    fallback: 200,
    hold: false,
    release() {
      for (const res of held.splice(0)) res.destroy();
    },
    async waitForRequests(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} webhook requests, got ${receiver.requests.length}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return receiver.requests;
    },
    async close() {
      receiver.release();
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => {});
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = receiver.script.length > 0 ? (receiver.script.shift() as number) : receiver.fallback;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      receiver.requests.push({ headers, body: Buffer.concat(chunks).toString('utf8'), status });
      if (receiver.hold) {
        held.push(res);
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
