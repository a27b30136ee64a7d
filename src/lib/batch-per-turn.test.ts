import { describe, expect, it } from 'vitest';
import { batchPerTurn } from './batch-per-turn.js';

/** A store that records each call it gets, and refuses items named 'bad'. */
function store() {
  const calls: string[][] = [];
  const saved: string[] = [];
  const check = (items: readonly string[]) => {
    if (items.includes('bad')) throw new Error('bad item');
  };
  return {
    calls,
    saved,
    writeMany: async (items: readonly string[]) => {
      calls.push(['many', ...items]);
      check(items);
      saved.push(...items);
    },
    writeOne: async (item: string) => {
      calls.push(['one', item]);
      check([item]);
      saved.push(item);
    },
  };
}

describe('batchPerTurn', () => {
  it('sends the calls of one turn in one writeMany, and a lone call to writeOne', async () => {
    const s = store();
    const write = batchPerTurn(s);
    await Promise.all(['a', 'b', 'c'].map((item) => write(item)));
    await write('d');
    expect(s.calls).toEqual([
      ['many', 'a', 'b', 'c'],
      ['one', 'd'],
    ]);
    expect(s.saved).toEqual(['a', 'b', 'c', 'd']);
  });

  it('splits a turn larger than maxBatch', async () => {
    const s = store();
    const write = batchPerTurn({ ...s, maxBatch: 2 });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => write(item)));
    expect(s.calls).toEqual([
      ['many', 'a', 'b'],
      ['many', 'c', 'd'],
      ['one', 'e'],
    ]);
  });

  it('when a batch fails, writes each item alone: only the bad one rejects', async () => {
    const s = store();
    const write = batchPerTurn(s);
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((item) => write(item)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad item'));
    expect(s.saved).toEqual(['a', 'c']);
    expect(s.calls).toEqual([
      ['many', 'a', 'bad', 'c'],
      ['one', 'a'],
      ['one', 'bad'],
      ['one', 'c'],
    ]);
  });

  it('rejects a lone failed item with its error, and keeps working after it', async () => {
    const s = store();
    const write = batchPerTurn(s);
    await expect(write('bad')).rejects.toThrow('bad item');
    await write('after');
    expect(s.saved).toEqual(['after']);
  });
});
