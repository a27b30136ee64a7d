/**
 * Writes that arrive in the same event-loop turn, sent together: `write(item)` resolves once its
 * item is written; all calls made before the turn's pending callbacks have run go to one
 * `writeMany` (one statement, one round trip, one commit), a lone call to `writeOne`. When
 * `writeMany` fails, each of its items is written again with `writeOne`, so one bad item fails
 * only its own call. Built on DataLoader's per-turn batching (caching off).
 */
import DataLoader from 'dataloader';

export interface BatchPerTurnOptions<T> {
  /** Writes two or more items at once, all or none. */
  writeMany(items: readonly T[]): Promise<void>;
  /** Writes one item. */
  writeOne(item: T): Promise<void>;
  /** Most items per `writeMany` call; more in one turn are split. Default 100. */
  maxBatch?: number;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

export function batchPerTurn<T>({
  writeMany,
  writeOne,
  maxBatch = 100,
}: BatchPerTurnOptions<T>): (item: T) => Promise<void> {
  const loader = new DataLoader<T, null>(
    async (items) => {
      const alone = (item: T): Promise<null | Error> => writeOne(item).then(() => null, asError);
      if (items.length === 1) return [await alone(items[0])];
      try {
        await writeMany(items);
        return items.map(() => null);
      } catch {
        return Promise.all(items.map(alone));
      }
    },
    { cache: false, maxBatchSize: maxBatch },
  );
  return async (item) => {
    await loader.load(item);
  };
}
