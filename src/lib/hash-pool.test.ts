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

  it('never keeps a process alive: a script that hashes once exits on its own', async () => {
    const script = `
      import { createHashPool } from ${JSON.stringify(fileURLToPath(new URL('./hash-pool.ts', import.meta.url)))};
      const pool = createHashPool(2);
      const phc = await pool.hash('bye', ${JSON.stringify(FAST)});
      console.log(await pool.verify(phc, 'bye'));
    `;
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { timeout: 30_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    expect(out.trim()).toBe('true');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
