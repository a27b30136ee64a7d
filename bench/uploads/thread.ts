/**
 * The engine on one file in this process's main thread vs in a worker thread, in isolation (no
 * server, no database): does the thread itself, or its V8 heap settings, make the engine slower?
 *
 *   npx tsx bench/uploads/thread.ts [--file bench/out/orders-1000000-sst.xlsx] [--repeat 3]
 *     [--young 0,32,64] [--runs 2] [--issues]
 *
 * Every configuration runs in a fresh child process, `--runs` validations in a row (the first is
 * cold, as the engine-alone baseline's first run; the best of them is reported), and the
 * configurations take turns `--repeat` times so drift in the machine's speed hits them alike.
 * `main` is `validateFile` in the child's main thread (what bench/uploads/run.ts measures as
 * "engine alone"); `thread:N` the same call in a worker thread started as the server starts its
 * validation threads, with `resourceLimits.maxYoungGenerationSizeMb: N` (0: V8's default).
 * `--issues` makes the threads run the real validation worker (validation.worker.ts: issues
 * collected, turned into COPY text and posted to this thread, which drops them), which is the
 * work the server's thread does beyond the engine alone. Peak RSS is the child's whole process.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { validateFile, type TableSchema } from '../../src/engine/index.js';
import { BENCH_SCHEMA } from '../engine/bench-schema.js';

const { values: args } = parseArgs({
  options: {
    file: { type: 'string', default: 'bench/out/orders-1000000-sst.xlsx' },
    repeat: { type: 'string', default: '3' },
    runs: { type: 'string', default: '2' },
    young: { type: 'string', default: '0,32,64' },
    issues: { type: 'boolean', default: false },
    /** Internal: run one configuration in this process and print its figures as JSON. */
    child: { type: 'string' },
  },
});
const SCHEMA = BENCH_SCHEMA as TableSchema;
const RUNS = Number(args.runs);

/** Started exactly as validation-thread.ts starts a thread under tsx. */
function spawnThread(entry: URL, young: number): Worker {
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, {
    eval: true,
    ...(young > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: young } } : {}),
  });
}

/** One validation on `worker`, which runs validation.worker.ts; resolves with the thread's own ms. */
function validateOnWorker(worker: Worker, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string; ms?: number; message?: string }): void => {
      if (message.type === 'report') {
        worker.off('message', onMessage);
        resolve(message.ms!);
      } else if (message.type === 'failed') reject(new Error(message.message));
    };
    worker.on('message', onMessage);
    worker.postMessage({
      mode: 'validate',
      path,
      schema: SCHEMA,
      sheet: null,
      fileName: 'bench.xlsx',
      maxIssues: 100_000,
      progressIntervalMs: 250,
      copy: { uploadId: '00000000-0000-0000-0000-000000000000', attempt: 1 },
    });
  });
}

async function child(config: string): Promise<void> {
  const times: number[] = [];
  if (config === 'main') {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await validateFile(args.file, SCHEMA, { maxErrors: 0 });
      times.push(performance.now() - t0);
    }
  } else {
    const young = Number(config.split(':')[1]);
    if (args.issues) {
      const worker = spawnThread(
        new URL('../../src/features/uploads/validation.worker.ts', import.meta.url),
        young,
      );
      for (let i = 0; i < RUNS; i++) times.push(await validateOnWorker(worker, args.file));
      await worker.terminate();
    } else {
      const worker = spawnThread(new URL('./thread-engine.ts', import.meta.url), young);
      for (let i = 0; i < RUNS; i++) {
        times.push(
          await new Promise<number>((resolve, reject) => {
            worker.once('message', (m: { ms: number }) => resolve(m.ms));
            worker.once('error', reject);
            worker.postMessage({ path: args.file });
          }),
        );
      }
      await worker.terminate();
    }
  }
  console.log(JSON.stringify({ times, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

if (args.child !== undefined) {
  await child(args.child);
} else {
  const configs = ['main', ...args.young.split(',').map((y) => `thread:${Number(y)}`)];
  const seen = new Map<string, { best: number[]; all: number[]; rss: number[] }>();
  for (let round = 0; round < Number(args.repeat); round++) {
    for (const config of configs) {
      const out = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/uploads/thread.ts', ...process.argv.slice(2), '--child', config],
        { encoding: 'utf8' },
      );
      if (out.status !== 0) throw new Error(`${config}: ${out.stderr}`);
      const { times, maxRssMb } = JSON.parse(out.stdout.trim().split('\n').pop()!) as {
        times: number[];
        maxRssMb: number;
      };
      const s = seen.get(config) ?? { best: [], all: [], rss: [] };
      s.best.push(Math.min(...times));
      s.all.push(...times);
      s.rss.push(maxRssMb);
      seen.set(config, s);
      console.error(
        `${config}: ${times.map((t) => (t / 1000).toFixed(2)).join(' ')} s, peak RSS ${maxRssMb.toFixed(0)} MB`,
      );
    }
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  console.log(
    `${args.file}, ${args.issues ? 'validation.worker.ts (issues as COPY text)' : 'validateFile'} in threads`,
  );
  for (const [config, s] of seen) {
    console.log(
      `${config.padEnd(10)} best-of-${RUNS} median ${(median(s.best) / 1000).toFixed(2)} s ` +
        `(${s.best.map((t) => (t / 1000).toFixed(2)).join(', ')}), peak RSS median ${median(s.rss).toFixed(0)} MB`,
    );
  }
}
