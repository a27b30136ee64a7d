import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.js';
import { newId } from '../../lib/ids.js';
import { RELAXED_LIMITS, registerUser } from '../identity/identity.test-support.js';
import { dispatchPendingEvents, recordEvent, type OutboxEvent } from './index.js';

let t: TestApp;

async function dispatchJobsFor(eventId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pgboss.job where name = 'dispatch-events' and data->>'eventId' = ${eventId}
  `.execute(t.deps.db);
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  t = await buildTestApp(RELAXED_LIMITS);
});

afterAll(async () => {
  await t?.close();
});

describe('recordEvent (transactional outbox)', () => {
  it('writes the event and its dispatch job only if the transaction commits', async () => {
    const userId = newId();
    let rolledBack = '';
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        rolledBack = await recordEvent(trx, {
          type: 'upload.received',
          userId,
          subjectId: 'u1',
          data: { n: 1 },
        });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const gone = await t.deps.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('id', '=', rolledBack)
      .execute();
    expect(gone).toEqual([]);
    expect(await dispatchJobsFor(rolledBack)).toBe(0);

    const kept = await t.deps.db
      .transaction()
      .execute((trx) =>
        recordEvent(trx, { type: 'upload.received', userId, subjectId: 'u1', data: { n: 2 } }),
      );
    const row = await t.deps.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('id', '=', kept)
      .executeTakeFirst();
    expect(row).toMatchObject({ type: 'upload.received', user_id: userId, subject_id: 'u1', data: { n: 2 } });
    expect(await dispatchJobsFor(kept)).toBe(1);
  });

  it('refuses an unknown event type', async () => {
    await expect(
      recordEvent(t.deps.db, {
        type: 'nope' as 'upload.received',
        userId: newId(),
        subjectId: 'x',
        data: {},
      }),
    ).rejects.toThrow(/Unknown event type/);
  });

  it('records user.created in the registration transaction', async () => {
    const session = await registerUser(t.app);
    const events = await t.deps.db
      .selectFrom('outbox_events')
      .selectAll()
      .where('subject_id', '=', session.userId)
      .execute();
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['user.created', { user_id: session.userId, email: session.email, role: 'user' }],
    ]);
  });

  it('dispatches every pending event once, oldest first, and marks them dispatched', async () => {
    // Drain what earlier tests left, then record three events.
    await dispatchPendingEvents(t.deps.db, async () => {});
    const userId = newId();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(
        await recordEvent(t.deps.db, { type: 'validation.completed', userId, subjectId: 's', data: { i } }),
      );
    }
    const seen: OutboxEvent[] = [];
    expect(await dispatchPendingEvents(t.deps.db, async (_trx, event) => void seen.push(event))).toBe(3);
    expect(seen.map((e) => e.id)).toEqual(ids);
    expect(seen[0]).toMatchObject({ type: 'validation.completed', userId, subjectId: 's', data: { i: 0 } });
    expect(await dispatchPendingEvents(t.deps.db, async (_trx, event) => void seen.push(event))).toBe(0);
  });

  it('leaves events undispatched when the fan-out fails, so a retry sends them', async () => {
    await dispatchPendingEvents(t.deps.db, async () => {});
    const id = await recordEvent(t.deps.db, {
      type: 'validation.failed',
      userId: newId(),
      subjectId: 's2',
      data: {},
    });
    await expect(
      dispatchPendingEvents(t.deps.db, async () => {
        throw new Error('fan-out broke');
      }),
    ).rejects.toThrow('fan-out broke');
    const row = await t.deps.db
      .selectFrom('outbox_events')
      .select('dispatched_at')
      .where('id', '=', id)
      .executeTakeFirst();
    expect(row?.dispatched_at).toBeNull();
    const seen: string[] = [];
    await dispatchPendingEvents(t.deps.db, async (_trx, event) => void seen.push(event.id));
    expect(seen).toEqual([id]);
  });
});
