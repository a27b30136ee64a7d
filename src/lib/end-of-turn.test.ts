/** Work deferred to the end of the event-loop iteration, run in one go. */
import { describe, expect, it } from 'vitest';
import { createEndOfTurnBatch, createEndOfTurnQueue } from './end-of-turn.js';

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('end-of-turn queue', () => {
  it('runs the items pushed in one iteration together at its end, in push order', async () => {
    const ran: string[][] = [];
    let batch: string[] = [];
    const queue = createEndOfTurnQueue((item: string) => batch.push(item));
    const flushed = async () => {
      await endOfTurn();
      ran.push(batch);
      batch = [];
    };

    queue.push('a');
    await Promise.resolve(); // microtasks of the same iteration still join the batch
    queue.push('b');
    queue.push('c');
    expect(batch).toEqual([]);
    expect(queue.size).toBe(3);
    await flushed();
    queue.push('d');
    await flushed();
    await flushed(); // nothing pending: nothing runs

    expect(ran).toEqual([['a', 'b', 'c'], ['d'], []]);
    expect(queue.size).toBe(0);
  });

  it('flush() runs the pending items at once, and they do not run again at the end of the iteration', async () => {
    const ran: number[] = [];
    const queue = createEndOfTurnQueue((item: number) => ran.push(item));
    queue.push(1);
    queue.push(2);
    queue.flush();
    expect(ran).toEqual([1, 2]);
    await endOfTurn();
    expect(ran).toEqual([1, 2]);
    queue.push(3); // and the queue keeps working after a flush
    await endOfTurn();
    expect(ran).toEqual([1, 2, 3]);
  });

  it('runs every item when one throws, then rethrows the first error', () => {
    const ran: number[] = [];
    const queue = createEndOfTurnQueue((item: number) => {
      if (item % 2 === 0) throw new Error(`bad ${item}`);
      ran.push(item);
    });
    for (const item of [1, 2, 3, 4, 5]) queue.push(item);
    expect(() => queue.flush()).toThrow('bad 2');
    expect(ran).toEqual([1, 3, 5]);
    expect(queue.size).toBe(0);
  });
});

describe('end-of-turn batch', () => {
  it('hands the items of one iteration to run together, in push order, and skips empty iterations', async () => {
    const batches: string[][] = [];
    const batch = createEndOfTurnBatch((items: string[]) => batches.push(items));
    batch.push('a');
    await Promise.resolve();
    batch.push('b');
    expect(batches).toEqual([]);
    await endOfTurn();
    await endOfTurn();
    batch.push('c');
    batch.flush();
    batch.flush();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });
});
