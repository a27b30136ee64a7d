/**
 * One LISTEN connection per process for one NOTIFY channel, shared by every waiter in it: a waiter
 * subscribes to a payload (e.g. an upload id) and is called whenever a notification with that
 * payload arrives. NOTIFY goes through PostgreSQL, so a change made by any process (another API
 * instance, a separate worker) wakes the waiters of every process.
 *
 * Notifications are a hint, never the only signal: while the connection is down (before the first
 * connect, after an error, until the reconnect) nothing arrives, so waiters must keep a fallback
 * poll. After every (re)connect all subscribers are called once, since whatever was sent during
 * the gap is lost.
 */
import type { Logger } from 'pino';
import pg from 'pg';

export interface NotificationListener {
  /**
   * Calls `onNotify` for every notification whose payload is `key` (connecting on first use).
   * Returns the unsubscribe function.
   */
  subscribe(key: string, onNotify: () => void): () => void;
  /** True while the LISTEN connection is up: notifications are arriving. */
  isListening(): boolean;
  /** Ends the connection; later subscribers get no notifications (their fallback poll still runs). */
  close(): Promise<void>;
}

export interface NotificationListenerOptions {
  /** The channel name: a plain lower-case identifier. */
  channel: string;
  /** Connection settings of the dedicated LISTEN client (e.g. the bulk pool's `options`). */
  clientConfig: pg.ClientConfig;
  logger: Logger;
  /** Wait before reconnecting after the connection failed. Default 1000 ms. */
  reconnectMs?: number;
}

export function createNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const { channel, logger } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Invalid channel name "${channel}"`);
  const reconnectMs = options.reconnectMs ?? 1000;
  const subscribers = new Map<string, Set<() => void>>();
  let client: pg.Client | null = null;
  let listening = false;
  let connecting: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let closed = false;

  function notify(key: string): void {
    const set = subscribers.get(key);
    if (set) for (const callback of [...set]) callback();
  }

  function notifyAll(): void {
    for (const key of [...subscribers.keys()]) notify(key);
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer !== null || subscribers.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, reconnectMs);
    retryTimer.unref();
  }

  function drop(current: pg.Client, err: unknown): void {
    if (client !== current) return;
    logger.warn({ err, channel }, 'notification connection failed; waiters poll until it is back');
    client = null;
    listening = false;
    void current.end().catch(() => {});
    scheduleReconnect();
  }

  function connect(): Promise<void> {
    if (closed || client !== null) return Promise.resolve();
    connecting ??= (async () => {
      const current = new pg.Client(options.clientConfig);
      client = current;
      current.on('error', (err) => drop(current, err));
      current.on('end', () => drop(current, new Error('connection ended')));
      current.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined) notify(message.payload);
      });
      try {
        await current.connect();
        await current.query(`LISTEN ${channel}`);
        if (client !== current) return;
        listening = true;
        // Whatever was sent before LISTEN took effect is lost: everyone looks again now.
        notifyAll();
      } catch (err) {
        drop(current, err);
      }
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  return {
    subscribe(key, onNotify) {
      let set = subscribers.get(key);
      if (!set) subscribers.set(key, (set = new Set()));
      set.add(onNotify);
      if (client === null && retryTimer === null) void connect();
      return () => {
        const current = subscribers.get(key);
        if (!current) return;
        current.delete(onNotify);
        if (current.size === 0) subscribers.delete(key);
      };
    },

    isListening: () => listening,

    async close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      await connecting;
      const current = client;
      client = null;
      listening = false;
      await current?.end().catch(() => {});
    },
  };
}
