/**
 * A small key-value store for rate-limit counters, the token denylist and caches: Redis when
 * REDIS_URL is set (shared by every instance), in process otherwise (one instance only).
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Stores a value; without `ttlSeconds` it never expires. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  del(key: string): Promise<void>;
  /**
   * Fixed-window counter: increments `key` and starts its window on the first hit. Returns the
   * count within the window and the milliseconds until the window resets.
   */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetMs: number }>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<void>;
  /** Rejects when the store is unreachable (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'redis' | 'memory';
}

export interface CreateKvOptions {
  /** Redis URL, or null for the in-process store. */
  redisUrl: string | null;
  /** Prepended to every key and channel, so several apps (or test processes) can share a Redis. */
  prefix: string;
  /** Receives Redis connection errors (ioredis reconnects by itself) and subscriber handler errors. */
  logger?: Logger;
  /**
   * In-process store only: the most entries kept. Past it the oldest-written entry is dropped,
   * so a flood of distinct keys (e.g. rate-limit counters for spoofed clients) cannot exhaust
   * memory between sweeps. Default 1,000,000 (roughly 150 MB at worst).
   */
  maxEntries?: number;
}

export function createKv(options: CreateKvOptions): KeyValueStore {
  return options.redisUrl === null
    ? new MemoryKv(options.prefix, options.logger, options.maxEntries ?? 1_000_000)
    : new RedisKv(options.redisUrl, options.prefix, options.logger);
}

function toMs(seconds: number, name: string): number {
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new RangeError(`${name} must be a positive number of seconds`);
  return Math.max(1, Math.ceil(seconds * 1000));
}

interface Entry {
  value: string;
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null;
}

const SWEEP_INTERVAL_MS = 30_000;

class MemoryKv implements KeyValueStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly prefix: string,
    private readonly logger: Logger | undefined,
    private readonly maxEntries: number,
  ) {
    // Expired entries are dropped lazily on read; the sweep bounds memory for keys never read
    // again (e.g. rate-limit counters of one-off clients). unref: it must not keep the process up.
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  private live(key: string, now = Date.now()): Entry | undefined {
    const entry = this.entries.get(this.prefix + key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      this.entries.delete(this.prefix + key);
      return undefined;
    }
    return entry;
  }

  /** Writes an entry as the newest (Map order is insertion order), evicting the oldest past the cap. */
  private store(key: string, entry: Entry): void {
    const name = this.prefix + key;
    this.entries.delete(name);
    this.entries.set(name, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  private sweep(now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    const expiresAt = ttlSeconds === undefined ? null : Date.now() + toMs(ttlSeconds, 'ttlSeconds');
    this.store(key, { value, expiresAt });
  }

  async del(key: string): Promise<void> {
    this.entries.delete(this.prefix + key);
  }

  async hit(key: string, windowSeconds: number): Promise<{ count: number; resetMs: number }> {
    const windowMs = toMs(windowSeconds, 'windowSeconds');
    const now = Date.now();
    const entry = this.live(key, now);
    if (entry === undefined || entry.expiresAt === null) {
      this.store(key, { value: '1', expiresAt: now + windowMs });
      return { count: 1, resetMs: windowMs };
    }
    const count = Number(entry.value) + 1;
    entry.value = String(count);
    return { count, resetMs: entry.expiresAt - now };
  }

  async publish(channel: string, message: string): Promise<void> {
    const handlers = this.channels.get(this.prefix + channel);
    if (handlers === undefined) return;
    // Delivered asynchronously, like Redis: a publisher never runs subscribers inside its own call.
    for (const handler of handlers) {
      queueMicrotask(() => {
        try {
          handler(message);
        } catch (err) {
          this.logger?.error({ err, channel }, 'subscriber handler failed');
        }
      });
    }
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    const name = this.prefix + channel;
    let handlers = this.channels.get(name);
    if (handlers === undefined) {
      handlers = new Set();
      this.channels.set(name, handlers);
    }
    handlers.add(handler);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.channels.clear();
  }
}

/**
 * INCR and the window's expiry in one atomic step. The PTTL check also repairs a counter that lost
 * its expiry, which would otherwise rate-limit its owner forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type HitCommand = { intakeHit(key: string, windowMs: number): Promise<[number, number]> };

class RedisKv implements KeyValueStore {
  readonly kind = 'redis' as const;
  private readonly client: Redis & HitCommand;
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly logger: Logger | undefined,
  ) {
    // Fail a command quickly while Redis is down instead of queueing it for a long time: a rate
    // limiter or /ready waiting on a dead Redis would stall every request.
    const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: false });
    client.on('error', (err: Error) => this.logger?.warn({ err }, 'redis connection error'));
    client.defineCommand('intakeHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client = client as Redis & HitCommand;
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds === undefined) await this.client.set(this.prefix + key, value);
    else await this.client.set(this.prefix + key, value, 'PX', toMs(ttlSeconds, 'ttlSeconds'));
  }

  async del(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async hit(key: string, windowSeconds: number): Promise<{ count: number; resetMs: number }> {
    const [count, resetMs] = await this.client.intakeHit(
      this.prefix + key,
      toMs(windowSeconds, 'windowSeconds'),
    );
    return { count: Number(count), resetMs: Number(resetMs) };
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    // A connection in subscriber mode can run nothing else, hence the second one.
    if (this.subscriber === null) {
      const subscriber = new Redis(this.url, { connectTimeout: 5_000 });
      subscriber.on('error', (err: Error) => this.logger?.warn({ err }, 'redis subscriber connection error'));
      subscriber.on('message', (name: string, message: string) => {
        for (const h of this.handlers.get(name) ?? []) {
          try {
            h(message);
          } catch (err) {
            this.logger?.error({ err, channel: name }, 'subscriber handler failed');
          }
        }
      });
      this.subscriber = subscriber;
    }
    const name = this.prefix + channel;
    let set = this.handlers.get(name);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(name, set);
      await this.subscriber.subscribe(name);
    }
    set.add(handler);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    const clients = [this.client, this.subscriber].filter((c): c is Redis => c !== null);
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
