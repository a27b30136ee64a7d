/**
 * Where the server's log lines go: stdout, written asynchronously (a synchronous write per line
 * was a syscall per request on the hot path), with every line of one event-loop iteration joined
 * into one write at its end (src/lib/end-of-turn.ts). Order is kept; nothing is lost on exit:
 * `process.exit`, a signal's shutdown or a crash write what is pending synchronously.
 *
 * Why not hand each line to pino's asynchronous destination (sonic-boom) directly: while one write
 * is in flight, it appends every new line to the text still waiting and measures that whole text
 * again (`Buffer.byteLength`), which flattens it: at 60 lines per iteration (wrk, 64 connections
 * on GET /api/v1/users/me) that allocated 8.7 KB per 400-byte line, a quarter of all the request's
 * allocation. Joined first, each line costs its own bytes once.
 */
import { writeSync } from 'node:fs';
import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import { createEndOfTurnBatch } from '../lib/end-of-turn.js';

/** What the joined lines are written to. */
export interface LineTarget {
  /** Writes `text` (asynchronously is fine): called once per iteration with its lines. */
  write(text: string): void;
  /** Writes `text` before returning, after everything given to `write` so far (on exit). */
  writeSync(text: string): void;
  /** Calls back once everything given to `write` is written (pino's `logger.flush(cb)`). */
  flush?(callback: (error?: Error) => void): void;
}

export interface BatchedLines extends DestinationStream {
  /** Hands the pending lines to the target now; `callback` once the target has written them. */
  flush(callback?: (error?: Error) => void): void;
}

/** The pending lines of every batched destination, written synchronously when the process exits. */
const flushOnExit = new Set<() => void>();

function flushAllOnExit(): void {
  for (const flush of flushOnExit) {
    try {
      flush();
    } catch {
      // Exiting: a stdout that cannot take the lines (closed pipe) must not hide the exit's cause.
    }
  }
}

/** Lines written to the result reach `target` joined, once per event-loop iteration. */
export function batchLines(target: LineTarget): BatchedLines {
  const join = (lines: string[]) => (lines.length === 1 ? lines[0] : lines.join(''));
  let exiting = false;
  const pending = createEndOfTurnBatch((lines: string[]) => {
    if (exiting) target.writeSync(join(lines));
    else target.write(join(lines));
  });
  if (flushOnExit.size === 0) process.on('exit', flushAllOnExit);
  flushOnExit.add(() => {
    exiting = true;
    pending.flush();
  });
  return {
    write(line: string) {
      pending.push(line);
    },
    flush(callback) {
      pending.flush();
      if (target.flush) target.flush(callback ?? (() => undefined));
      else callback?.();
    },
  };
}

/** The server's stdout: asynchronous writes (pino's sonic-boom), one per event-loop iteration. */
export function stdoutLines(): BatchedLines {
  const stream = pino.destination({ dest: 1, sync: false });
  return batchLines({
    write: (text) => void stream.write(text),
    flush: (callback) => stream.flush(callback),
    writeSync: (text) => {
      stream.flushSync();
      writeAllSync(1, text);
    },
  });
}

/** `fs.writeSync` until every byte is written (stdout may be a non-blocking pipe: EAGAIN). */
function writeAllSync(fd: number, text: string): void {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
