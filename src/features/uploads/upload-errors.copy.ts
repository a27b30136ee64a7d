/**
 * Bulk storage of an attempt's issues with `COPY upload_errors FROM STDIN` (pg-copy-streams), not
 * one INSERT each. Issues are written while the engine still runs, in COPY statements of a few
 * thousand lines, each committed on its own: the per-row work at a statement's end then overlaps
 * validation instead of trailing it, and only the last few lines are left when the engine finishes.
 *
 * No orphans without a foreign key (migration 0062 dropped it: its per-row check cost ~4 µs a
 * row): each chunk transaction first locks the upload row `FOR KEY SHARE`, once, as the key did
 * for every row. A delete of the upload waits for an open chunk, and its trigger then deletes the
 * chunk's rows too; a chunk that starts after the delete finds no row and fails the copy, so no
 * issue is ever committed for an upload that is gone.
 *
 * Idempotent across attempts: rows carry their attempt number, results are read by the upload's
 * `result_attempt`, and finishAttempt/failRun drop every other attempt's rows. So the chunks a
 * killed worker committed are invisible and cleared by the attempt that finishes; `abort` (a
 * failure or a shutdown in this process) removes its own chunks at once.
 *
 * The chunks commit with `synchronous_commit = off`: they need no flush of their own, because the
 * result transaction (finishAttempt, a normal commit) flushes the WAL up to its commit record,
 * which comes after every chunk; a crash before that is retried as a new attempt anyway.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ValidationIssue } from '../../engine/index.js';

const COPY_SQL =
  'COPY upload_errors (upload_id, attempt, seq, "row", "column", cell, code, message, value) FROM STDIN';

/** Characters a COPY text field cannot hold as they are. */
const SPECIAL = /[\0\\\t\n\r]/;

/** A field in COPY's text format: backslash escapes, \N for null; NUL cannot be stored in text. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
  // Almost every field needs no escaping: one test instead of two replaces (this runs on the
  // engine's thread, five times per issue).
  if (!SPECIAL.test(value)) return value;
  return value
    .replace(/\0/g, '')
    .replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * COPY text-format lines for `issues`, numbered from `firstSeq`. Pure, so the validation thread
 * can build them and send one string instead of structured-cloning thousands of objects.
 */
export function issueCopyText(
  uploadId: string,
  attempt: number,
  firstSeq: number,
  issues: readonly ValidationIssue[],
): string {
  const prefix = `${uploadId}\t${attempt}\t`;
  let seq = firstSeq;
  let text = '';
  for (const issue of issues) {
    text += `${prefix}${seq++}\t${issue.row}\t${copyField(issue.column)}\t${copyField(issue.cell)}\t${copyField(issue.code)}\t${copyField(issue.message)}\t${copyField(issue.value)}\n`;
  }
  return text;
}

/** The upload was deleted while its issues were being stored: nothing more may be written for it. */
export class UploadGoneError extends Error {
  constructor(uploadId: string) {
    super(`upload ${uploadId} no longer exists; its issues are not stored`);
    this.name = 'UploadGoneError';
  }
}

/** Lines per COPY statement (see the module comment): a statement ends after the batch that reaches it. */
export const COPY_CHUNK_LINES = 4000;

export interface IssueCopy {
  /** Appends issues, numbered on from the last; waits when the connection is behind. */
  write(issues: readonly ValidationIssue[]): Promise<void>;
  /** Appends `count` lines already built by issueCopyText, numbered on from the last. */
  writeText(text: string, count: number): Promise<void>;
  /** Commits what is left and returns how many lines were written in all. */
  finish(): Promise<number>;
  /** Abandons the copy: the open statement is rolled back and committed chunks deleted. Safe after finish/abort. */
  abort(): Promise<void>;
}

/** Opens a connection lazily, on the first issue, so clean files hold none. */
export function openIssueCopy(pool: pg.Pool, uploadId: string, attempt: number): IssueCopy {
  let client: pg.PoolClient | null = null;
  let stream: ReturnType<typeof copyFrom> | null = null;
  let seq = 0;
  let chunkLines = 0;
  let committed = 0;
  let state: 'open' | 'finished' | 'failed' | 'aborted' = 'open';
  // An error between writes (the server went away) is kept and thrown by the next write or finish.
  let failure: Error | null = null;

  // A checked-out client has no error listener of the pool's: without one a dropped connection
  // would crash the process instead of failing this copy. Removed on release (clients are reused).
  const onClientError = (err: Error): void => {
    failure ??= err;
  };
  const release = (destroy: boolean): void => {
    client?.off('error', onClientError);
    client?.release(destroy);
    client = null;
    stream = null;
  };

  async function begin(): Promise<ReturnType<typeof copyFrom>> {
    if (client === null) {
      client = await pool.connect();
      client.on('error', onClientError);
    }
    await client.query('BEGIN; SET LOCAL synchronous_commit = off');
    const upload = await client.query('SELECT 1 FROM uploads WHERE id = $1 FOR KEY SHARE', [uploadId]);
    if (upload.rowCount === 0) {
      await client.query('ROLLBACK');
      throw new UploadGoneError(uploadId);
    }
    const opened = client.query(copyFrom(COPY_SQL));
    opened.on('error', (err) => (failure ??= err));
    chunkLines = 0;
    return opened;
  }

  /** Ends the open COPY statement and commits it. */
  async function commitChunk(): Promise<void> {
    if (stream === null || client === null) return;
    const open = stream;
    stream = null;
    open.end();
    await finished(open);
    await client.query('COMMIT');
    committed = seq;
  }

  async function writeText(text: string, count: number): Promise<void> {
    if (state !== 'open') throw new Error(`issue copy already ${state}`);
    if (count === 0) return;
    if (failure !== null) throw failure;
    stream ??= await begin();
    seq += count;
    chunkLines += count;
    if (!stream.write(text)) await once(stream, 'drain');
    if (chunkLines >= COPY_CHUNK_LINES) await commitChunk();
  }

  return {
    async write(issues) {
      if (issues.length === 0) return;
      await writeText(issueCopyText(uploadId, attempt, seq + 1, issues), issues.length);
    },
    writeText,
    async finish() {
      if (state !== 'open') return seq;
      try {
        if (failure !== null) throw failure;
        await commitChunk();
        state = 'finished';
        release(false);
      } catch (err) {
        state = 'failed';
        release(true);
        throw err;
      }
      return seq;
    },
    async abort() {
      if (state === 'finished' || state === 'aborted') return;
      state = 'aborted';
      stream?.destroy(new Error('issue copy aborted'));
      // A connection mid-COPY cannot be reused: destroying it makes the server roll the statement back.
      release(true);
      if (committed === 0) return;
      await pool
        .query('DELETE FROM upload_errors WHERE upload_id = $1 AND attempt = $2', [uploadId, attempt])
        .catch(() => {
          // Left for finishAttempt/failRun: rows of an attempt that is not the result are never read.
        });
    },
  };
}
