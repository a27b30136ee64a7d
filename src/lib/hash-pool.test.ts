/** The password hash pool: real Argon2 on real threads (small parameters keep the tests quick). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createHashPool, HashThreadError } from './hash-pool.js';
import { createPasswordHasher } from './password-hasher.js';

const FAST = { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 };

describe('hash pool', () => {
  const pool = createHashPool(2);
  afterAll(() => pool.close());

  it('hashes and verifies on its threads, right and wrong passwords alike', async () => {
    const phc = await pool.hash('correct horse', FAST);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await pool.verify(phc, 'correct horse')).toBe(true);
    expect(await pool.verify(phc, 'correct horsf')).toBe(false);
  });

  it('answers 50 concurrent jobs, each with its own result', async () => {
    const passwords = Array.from({ length: 50 }, (_, i) => `password-${i}`);
    const hashes = await Promise.all(passwords.map((p) => pool.hash(p, FAST)));
    const checks = await Promise.all(hashes.map((h, i) => pool.verify(h, passwords[(i + i) % 50])));
    expect(checks).toEqual(passwords.map((_, i) => (i + i) % 50 === i));
  });

  it('starts one thread for jobs that come one at a time, and more only when all are busy', async () => {
    const own = createHashPool(3);
    for (let i = 0; i < 3; i++) await own.hash(`one at a time ${i}`, FAST);
    expect(own.threadCount).toBe(1);
    await Promise.all(Array.from({ length: 6 }, (_, i) => own.hash(`together ${i}`, FAST)));
    expect(own.threadCount).toBe(3);
    await own.close();
    expect(own.threadCount).toBe(0);
  });

  it('rejects a malformed hash with the library message, and keeps working after it', async () => {
    await expect(pool.verify('not-a-phc-string', 'x')).rejects.toThrow(/./);
    await expect(pool.verify('not-a-phc-string', 'x')).rejects.not.toBeInstanceOf(HashThreadError);
    const phc = await pool.hash('still fine', FAST);
    expect(await pool.verify(phc, 'still fine')).toBe(true);
  });

  it('fails queued jobs with HashThreadError when closed, and starts new threads on the next job', async () => {
    const other = createHashPool(1);
    const slow = { ...FAST, memoryCost: 65536, timeCost: 3 };
    const queued = Array.from({ length: 4 }, (_, i) => other.hash(`p${i}`, slow));
    const settled = Promise.allSettled(queued); // handlers attached before the rejections happen
    await other.close();
    const results = await settled;
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof HashThreadError)).toBe(true);
    const phc = await other.hash('after close', FAST);
    expect(await other.verify(phc, 'after close')).toBe(true);
    await other.close();
  });

  it('the hasher turns a malformed stored hash into false, but a dead thread into an error', async () => {
    const own = createHashPool(1);
    const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }, own);
    expect(await hasher.verify('garbage', 'x')).toBe(false);
    const pending = hasher.verify(await own.hash('x', { ...FAST, memoryCost: 65536, timeCost: 3 }), 'x');
    const busy = hasher.verify(await own.hash('y', FAST), 'y');
    const outcome = Promise.allSettled([pending, busy]);
    await own.close();
    const settled = await outcome;
    expect(settled.some((r) => r.status === 'rejected' && r.reason instanceof HashThreadError)).toBe(true);
  });

  describe('in a flood, finished jobs settle together', () => {
    const DEFAULT = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

    /** Counts event-loop turns, so "settled together" means "in the same turn", not a timing. */
    function turnCounter(): { now(): number; stop(): void } {
      let turn = 0;
      let running = true;
      const next = (): void => {
        turn++;
        if (running) setImmediate(next);
      };
      setImmediate(next);
      return { now: () => turn, stop: () => (running = false) };
    }

    async function settleTurns(
      own: ReturnType<typeof createHashPool>,
      jobs: number,
      options = DEFAULT,
    ): Promise<number[]> {
      await own.hash('warm', FAST); // the thread is up before the timed part
      const turns = turnCounter();
      try {
        const settled = Array.from({ length: jobs }, (_, i) =>
          own.hash(`flood ${i}`, options).then((phc) => {
            expect(phc).toMatch(/^\$argon2id\$/);
            return turns.now();
          }),
        );
        return await Promise.all(settled);
      } finally {
        turns.stop();
        await own.close();
      }
    }

    it('holds results while the thread has a backlog, and lets them all go when it runs low', async () => {
      // One thread, four jobs: the first two finish with work still queued behind the running one
      // and are held; the third finds only the last job left and settles with them.
      const turns = await settleTurns(createHashPool(1, { batchMs: 60_000 }), 4);
      expect(turns[0]).toBe(turns[2]);
      expect(turns[1]).toBe(turns[2]);
      expect(turns[3]).toBeGreaterThan(turns[2]);
    });

    it('holds a result no longer than batchMs', async () => {
      // Six jobs on one thread, each far longer than the 30 ms hold (64 MiB, 3 passes: ~75 ms on a
      // fast machine): the first is let go while the second still runs, where a long hold (test
      // above) would keep it until the fifth finished.
      const heavy = { ...DEFAULT, memoryCost: 65536, timeCost: 3 };
      const turns = await settleTurns(createHashPool(1, { batchMs: 30 }), 6, heavy);
      expect(turns[0]).toBeLessThan(turns[4]);
    });

    it('settles every result in its own turn with batchMs 0', async () => {
      const turns = await settleTurns(createHashPool(1, { batchMs: 0 }), 4);
      expect(new Set(turns).size).toBe(4);
    });

    it('never holds a job that had no backlog behind it', async () => {
      const own = createHashPool(2, { batchMs: 60_000 });
      const phc = await own.hash('alone', FAST); // would time out if held for a minute
      expect(await own.verify(phc, 'alone')).toBe(true);
      await own.close();
    });

    it('answers held results when closed, and fails only the jobs not yet done', async () => {
      const own = createHashPool(1, { batchMs: 60_000 });
      await own.hash('warm', FAST);
      // 128 MiB, 16 passes: well over a second here, ~0.8 s on a fast machine.
      const slow = { ...FAST, memoryCost: 131072, timeCost: 16 };
      const quick = own.hash('quick', FAST);
      const rest = [own.hash('slow 1', slow), own.hash('slow 2', slow)];
      const restSettled = Promise.allSettled(rest);
      // 'quick' (a millisecond) is done and held behind two jobs; 'slow 1' runs, 'slow 2' waits.
      await new Promise((r) => setTimeout(r, 100));
      await own.close();
      // Answered, not failed, and not left waiting for the minute-long hold.
      await expect(quick).resolves.toMatch(/^\$argon2id\$/);
      const [slow1, slow2] = await restSettled;
      // 'slow 1' ran during close (its thread finishes the hash it is in): a hash or a closed error.
      if (slow1.status === 'fulfilled') expect(slow1.value).toMatch(/^\$argon2id\$/);
      else expect(slow1.reason).toBeInstanceOf(HashThreadError);
      expect(slow2.status === 'rejected' && slow2.reason instanceof HashThreadError).toBe(true);
    });

    it('rejects a negative or non-numeric batchMs', () => {
      expect(() => createHashPool(1, { batchMs: -1 })).toThrow(RangeError);
      expect(() => createHashPool(1, { batchMs: Number.NaN })).toThrow(RangeError);
    });
  });

  it('never keeps a process alive: a script that hashes once exits on its own', async () => {
    const out = await runScript(`
      const pool = createHashPool(2);
      const phc = await pool.hash('bye', ${JSON.stringify(FAST)});
      console.log(await pool.verify(phc, 'bye'));
    `);
    expect(out.trim()).toBe('true');
  });

  // Linux keeps a nice value per thread (/proc/<pid>/task/<tid>/stat, field 19).
  it.skipIf(process.platform !== 'linux')(
    "lowers its threads' priority, and only theirs: the event loop keeps the normal one",
    async () => {
      const niceOfEachThread = (threadNice: number) =>
        runScript(`
          import { readdirSync, readFileSync } from 'node:fs';
          const pool = createHashPool(2, { threadNice: ${threadNice} });
          await Promise.all([1, 2, 3, 4].map((i) => pool.hash('nice ' + i, ${JSON.stringify(FAST)})));
          const nice = {};
          for (const tid of readdirSync('/proc/self/task')) {
            const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
            nice[tid === String(process.pid) ? 'main' : tid] = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
          }
          console.log(JSON.stringify(nice));
          await pool.close();
        `).then((out) => JSON.parse(out) as Record<string, number>);

      const lowered = await niceOfEachThread(7);
      expect(lowered.main).toBe(0);
      // Two hash threads at 7; every other thread of the process (libuv, V8) untouched.
      expect(Object.values(lowered).filter((n) => n === 7)).toHaveLength(2);
      expect(Object.values(lowered).filter((n) => n !== 7 && n !== 0)).toEqual([]);

      const normal = await niceOfEachThread(0);
      expect(Object.values(normal).every((n) => n === 0)).toBe(true);
    },
  );

  it('rejects a threadNice outside 0-19', () => {
    expect(() => createHashPool(1, { threadNice: -1 })).toThrow(RangeError);
    expect(() => createHashPool(1, { threadNice: 20 })).toThrow(RangeError);
    expect(() => createHashPool(1, { threadNice: 1.5 })).toThrow(RangeError);
  });
});

/** Runs `body` as an ES module in a fresh Node process with createHashPool imported; its stdout. */
function runScript(body: string): Promise<string> {
  const script = `
    import { createHashPool } from ${JSON.stringify(fileURLToPath(new URL('./hash-pool.ts', import.meta.url)))};
    ${body}
  `;
  return new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}
