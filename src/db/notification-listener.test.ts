/**
 * The shared LISTEN connection against a real PostgreSQL: a NOTIFY from another connection reaches
 * the subscribers of its payload only, and after the connection is killed the listener reconnects,
 * calls every subscriber once (what was sent meanwhile is lost) and delivers notifications again.
 */
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDatabase } from '../../test/db.js';
import { createNotificationListener, type NotificationListener } from './notification-listener.js';

const CHANNEL = 'intake_listener_test';

let database: { url: string; drop(): Promise<void> };
let sender: pg.Client;
let listener: NotificationListener;

/** Resolves with the next call of a subscription to `key`. */
function nextCall(key: string): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = listener.subscribe(key, () => {
      unsubscribe();
      resolve();
    });
  });
}

async function untilListening(): Promise<void> {
  while (!listener.isListening()) await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeAll(async () => {
  database = await createEmptyTestDatabase();
  sender = new pg.Client({ connectionString: database.url });
  await sender.connect();
  listener = createNotificationListener({
    channel: CHANNEL,
    clientConfig: { connectionString: database.url, application_name: 'listener-under-test' },
    logger: pino({ level: 'silent' }),
    reconnectMs: 50,
  });
});

afterAll(async () => {
  await listener?.close();
  await sender?.end();
  await database?.drop();
});

describe('createNotificationListener', () => {
  it('calls the subscribers of a notification payload, and only those', async () => {
    // The first subscriber connects; once LISTEN is up, only NOTIFYs call subscribers.
    const connected = nextCall('first');
    await untilListening();
    await connected;
    const calls: string[] = [];
    const unsubscribeA = listener.subscribe('a', () => calls.push('a'));
    const unsubscribeB = listener.subscribe('b', () => calls.push('b'));
    await sender.query('select pg_notify($1, $2)', [CHANNEL, 'a']);
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toEqual(['a']);
    unsubscribeA();
    await sender.query('select pg_notify($1, $2)', [CHANNEL, 'a']);
    await sender.query('select pg_notify($1, $2)', [CHANNEL, 'b']);
    while (calls.length === 1) await new Promise((resolve) => setTimeout(resolve, 10));
    // One connection delivers in order: the second 'a' came (to no one) before 'b'.
    expect(calls).toEqual(['a', 'b']);
    unsubscribeB();
  });

  it('reconnects after its connection is killed, wakes everyone, and listens again', async () => {
    await untilListening();
    const woken = nextCall('c');
    await sender.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'listener-under-test' and datname = current_database()`,
    );
    // Woken by the reconnect itself, with no NOTIFY for 'c' sent at all.
    await woken;
    expect(listener.isListening()).toBe(true);
    const again = nextCall('d');
    await sender.query('select pg_notify($1, $2)', [CHANNEL, 'd']);
    await again;
  });
});
