import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKv } from './kv.js';
import type { KeyValueStore } from './kv.js';
import { testRedisUrl } from '../../test/redis.js';

const redisUrl = testRedisUrl();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const open: KeyValueStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((kv) => kv.close()));
});

function uniquePrefix(): string {
  return `intake-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

const backends = [
  { name: 'memory', available: true, url: null },
  {
    name: `redis (${redisUrl ?? 'skipped: REDIS_URL is not set'})`,
    available: redisUrl !== null,
    url: redisUrl,
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`KeyValueStore: ${backend.name}`, () => {
    const make = (prefix = uniquePrefix()): KeyValueStore => {
      const kv = createKv({ redisUrl: backend.url, prefix });
      open.push(kv);
      return kv;
    };

    it('reports its kind', () => {
      expect(make().kind).toBe(backend.url === null ? 'memory' : 'redis');
    });

    it('gets, sets, overwrites and deletes', async () => {
      const kv = make();
      expect(await kv.get('a')).toBeNull();
      await kv.set('a', '1');
      expect(await kv.get('a')).toBe('1');
      await kv.set('a', 'two');
      expect(await kv.get('a')).toBe('two');
      await kv.del('a');
      expect(await kv.get('a')).toBeNull();
      await kv.del('never-set');
    });

    it('expires a value after its ttl, and keeps one without', async () => {
      const kv = make();
      await kv.set('short', 'x', 0.15);
      await kv.set('forever', 'y');
      expect(await kv.get('short')).toBe('x');
      await sleep(250);
      expect(await kv.get('short')).toBeNull();
      expect(await kv.get('forever')).toBe('y');
    });

    it('a plain set clears an earlier ttl', async () => {
      const kv = make();
      await kv.set('k', 'a', 0.1);
      await kv.set('k', 'b');
      await sleep(200);
      expect(await kv.get('k')).toBe('b');
    });

    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects ttl %s', async (ttl) => {
      await expect(make().set('k', 'v', ttl)).rejects.toThrow(RangeError);
      await expect(make().hit('k', ttl)).rejects.toThrow(RangeError);
    });

    it('counts hits in a fixed window and starts over when it ends', async () => {
      const kv = make();
      const first = await kv.hit('ip:1', 0.3);
      expect(first.count).toBe(1);
      expect(first.resetMs).toBeGreaterThan(0);
      expect(first.resetMs).toBeLessThanOrEqual(300);
      expect((await kv.hit('ip:1', 0.3)).count).toBe(2);
      const third = await kv.hit('ip:1', 0.3);
      expect(third.count).toBe(3);
      // The window does not slide: later hits do not push the reset further out.
      expect(third.resetMs).toBeLessThanOrEqual(first.resetMs);
      expect((await kv.hit('ip:2', 0.3)).count).toBe(1);
      await sleep(400);
      expect((await kv.hit('ip:1', 0.3)).count).toBe(1);
    });

    it('counts concurrent hits exactly once each', async () => {
      const kv = make();
      const results = await Promise.all(Array.from({ length: 50 }, () => kv.hit('burst', 10)));
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
    });

    it('delivers published messages to the channel subscribers only', async () => {
      const kv = make();
      const got: string[] = [];
      const other: string[] = [];
      await kv.subscribe('users', (m) => got.push(`a:${m}`));
      await kv.subscribe('users', (m) => got.push(`b:${m}`));
      await kv.subscribe('other', (m) => other.push(m));
      await kv.publish('users', 'changed');
      await kv.publish('nobody-listens', 'x');
      await expect.poll(() => got.sort()).toEqual(['a:changed', 'b:changed']);
      expect(other).toEqual([]);
    });

    it('survives a throwing subscriber', async () => {
      const kv = make();
      const got: string[] = [];
      await kv.subscribe('c', () => {
        throw new Error('boom');
      });
      await kv.subscribe('c', (m) => got.push(m));
      await kv.publish('c', 'm1');
      await expect.poll(() => got).toEqual(['m1']);
    });

    it('keeps stores with different prefixes apart', async () => {
      const a = make();
      const b = make();
      await a.set('k', 'from-a');
      expect(await b.get('k')).toBeNull();
      await b.hit('h', 10);
      expect((await a.hit('h', 10)).count).toBe(1);
    });

    it('answers ping', async () => {
      await expect(make().ping()).resolves.toBeUndefined();
    });
  });
}

describe.skipIf(redisUrl === null)(
  `Redis shared by two instances (${redisUrl ?? 'skipped: REDIS_URL is not set'})`,
  () => {
    it('shares values, counters and messages between two clients with the same prefix', async () => {
      const prefix = uniquePrefix();
      const a = createKv({ redisUrl, prefix });
      const b = createKv({ redisUrl, prefix });
      open.push(a, b);
      await a.set('k', 'v');
      expect(await b.get('k')).toBe('v');
      await a.hit('limit', 10);
      expect((await b.hit('limit', 10)).count).toBe(2);
      const got: string[] = [];
      await b.subscribe('events', (m) => got.push(m));
      await a.publish('events', 'hello');
      await expect.poll(() => got).toEqual(['hello']);
    });

    it('ping rejects when Redis is unreachable', async () => {
      const kv = createKv({ redisUrl: 'redis://127.0.0.1:1', prefix: uniquePrefix() });
      open.push(kv);
      await expect(kv.ping()).rejects.toThrow();
    }, 20_000);
  },
);

describe('in-process store limits', () => {
  it('drops the oldest-written entries past maxEntries', async () => {
    const kv = createKv({ redisUrl: null, prefix: uniquePrefix(), maxEntries: 3 });
    open.push(kv);
    await kv.set('a', '1');
    await kv.set('b', '2');
    await kv.set('c', '3');
    await kv.set('a', '1 again'); // rewriting makes it the newest
    await kv.hit('d', 60);
    expect(await kv.get('b')).toBeNull();
    expect(await kv.get('a')).toBe('1 again');
    expect(await kv.get('c')).toBe('3');
    expect(await kv.get('d')).toBe('1');
  });

  it('sweeps expired entries without anyone reading them', async () => {
    vi.useFakeTimers();
    try {
      const kv = createKv({ redisUrl: null, prefix: uniquePrefix(), maxEntries: 3 });
      open.push(kv);
      await kv.set('keep', 'y');
      await kv.set('short-1', 'x', 1);
      await kv.set('short-2', 'x', 1);
      vi.advanceTimersByTime(31_000);
      // Were the expired entries still held, this fourth write would evict the oldest: 'keep'.
      await kv.set('new', 'z');
      expect(await kv.get('keep')).toBe('y');
    } finally {
      vi.useRealTimers();
    }
  });
});
