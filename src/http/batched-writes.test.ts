/** Responses handed to the kernel at the end of the event-loop iteration, over real sockets. */
import { createHash } from 'node:crypto';
import { Agent, createServer, get } from 'node:http';
import type { IncomingMessage, RequestListener, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { batchResponseWrites } from './batched-writes.js';
import type { BatchedWrites } from './batched-writes.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: RequestListener,
  batched = true,
): Promise<{ url: string; writes: BatchedWrites | null }> {
  const server = createServer(handler);
  servers.push(server);
  const writes = batched ? batchResponseWrites(server) : null;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes };
}

function fetchBody(url: string, agent?: Agent): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Bytes the socket still holds, i.e. has not handed to the kernel. */
const held = (socket: Socket) => socket.writableLength;

describe('batched response writes', () => {
  it('hands a finished response to the kernel at the end of the iteration, not inside res.end()', async () => {
    const seen: Record<string, number[]> = { batched: [], direct: [] };
    const handler =
      (name: string): RequestListener =>
      (req, res) => {
        res.end('hello');
        seen[name].push(held(req.socket));
        setImmediate(() => seen[name].push(held(req.socket))); // after the batch's own immediate
      };
    const batched = await serve(handler('batched'));
    const direct = await serve(handler('direct'), false);

    expect(await fetchBody(batched.url)).toEqual({ status: 200, body: Buffer.from('hello') });
    expect(await fetchBody(direct.url)).toEqual({ status: 200, body: Buffer.from('hello') });
    // Headers and body wait in the socket until the end of the iteration, then all are written.
    expect(seen.batched[0]).toBeGreaterThan('hello'.length);
    expect(seen.batched[1]).toBe(0);
    // Without batching, end() writes at once: the control that the measure above can tell.
    expect(seen.direct).toEqual([0, 0]);
  });

  it('flush() writes the queued responses at once', async () => {
    let afterFlush = -1;
    let flush = () => {};
    const served = await serve((req, res) => {
      res.end('now');
      flush();
      afterFlush = held(req.socket);
    });
    flush = () => served.writes?.flush();

    expect(await fetchBody(served.url)).toEqual({ status: 200, body: Buffer.from('now') });
    expect(afterFlush).toBe(0);
  });

  it('gives each of many concurrent keep-alive requests its own response, whole', async () => {
    const { url } = await serve((req, res) => {
      // Responses of different sizes, some finished in a later iteration than they arrived.
      const body = `${req.url}:`.padEnd(Number(req.url?.slice(1)) * 37, 'x');
      if (Number(req.url?.slice(1)) % 3 === 0) setTimeout(() => res.end(body), 1);
      else res.end(body);
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => fetchBody(`${url}/${i + 1}`, agent)),
      );
      results.forEach(({ status, body }, i) => {
        expect(status).toBe(200);
        expect(body.toString()).toBe(`/${i + 1}:`.padEnd((i + 1) * 37, 'x'));
      });
    } finally {
      agent.destroy();
    }
  });

  it('streams a response far larger than the socket buffers intact (backpressure still works)', async () => {
    const size = 24 * 1024 * 1024;
    const block = createHash('sha256').update('block').digest(); // 32 deterministic bytes
    const expected = createHash('sha256');
    for (let i = 0; i < size / block.length; i++) expected.update(block);
    let bufferedPeak = 0;
    const { url } = await serve((req, res) => {
      let sent = 0;
      const source = new Readable({
        read() {
          bufferedPeak = Math.max(bufferedPeak, held(req.socket));
          if (sent >= size) return this.push(null);
          sent += 64 * 1024;
          this.push(Buffer.concat(Array.from({ length: (64 * 1024) / block.length }, () => block)));
        },
      });
      source.pipe(res);
    });

    const { status, body } = await fetchBody(url);
    expect(status).toBe(200);
    expect(body.length).toBe(size);
    expect(createHash('sha256').update(body).digest('hex')).toBe(expected.digest('hex'));
    // The stream waited for the socket to drain rather than queueing the whole body in memory.
    expect(bufferedPeak).toBeLessThan(size / 4);
  });

  it('survives a connection closed before its response was written, and serves the next', async () => {
    const { url } = await serve((req, res) => {
      res.end('lost');
      if (req.url === '/drop') req.socket.destroy(); // before the end of the iteration
    });
    await expect(fetchBody(`${url}/drop`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await fetchBody(`${url}/next`)).toEqual({ status: 200, body: Buffer.from('lost') });
  });
});
