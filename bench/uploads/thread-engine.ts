/**
 * Worker thread for bench/uploads/thread.ts: validates the file it is sent with the engine alone
 * (`validateFile`, as bench/uploads/run.ts's baseline) and posts back its own time in ms.
 */
import { parentPort } from 'node:worker_threads';
import { validateFile, type TableSchema } from '../../src/engine/index.js';
import { BENCH_SCHEMA } from '../engine/bench-schema.js';

parentPort!.on('message', (task: { path: string }) => {
  const t0 = performance.now();
  void validateFile(task.path, BENCH_SCHEMA as TableSchema, { maxErrors: 0 }).then(() =>
    parentPort!.postMessage({ ms: performance.now() - t0 }),
  );
});
