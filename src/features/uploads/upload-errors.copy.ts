/**
 * Bulk storage of an attempt's issues with `COPY upload_errors FROM STDIN` (pg-copy-streams): one
 * statement streams every issue, instead of one INSERT each. The COPY is a single statement, so a
 * worker killed mid-file leaves no rows behind; and rows carry their attempt number, so a retry
 * never mixes with an earlier attempt (finishAttempt drops the others).
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ValidationIssue } from '../../engine/index.js';

const COPY_SQL =
  'COPY upload_errors (upload_id, attempt, seq, "row", "column", cell, code, message, value) FROM STDIN';

/** A field in COPY's text format: backslash escapes, \N for null; NUL cannot be stored in text. */
function copyField(value: string | null): string {
  if (value === null) return '\\N';
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
    text +=
      prefix +
      [
        String(seq++),
        String(issue.row),
        copyField(issue.column),
        copyField(issue.cell),
        copyField(issue.code),
        copyField(issue.message),
        copyField(issue.value),
      ].join('\t') +
      '\n';
  }
  return text;
}

export interface IssueCopy {
  /** Appends issues, numbered on from the last; waits when the connection is behind. */
  write(issues: readonly ValidationIssue[]): Promise<void>;
  /** Appends `count` lines already built by issueCopyText, numbered on from the last. */
  writeText(text: string, count: number): Promise<void>;
  /** Ends the COPY (its rows become visible) and returns how many were written. */
  finish(): Promise<number>;
  /** Abandons the COPY: the server rolls the statement back. Safe after finish/abort. */
  abort(): Promise<void>;
}

/** Opens a COPY lazily, on the first issue, so clean files hold no connection. */
export function openIssueCopy(pool: pg.Pool, uploadId: string, attempt: number): IssueCopy {
  let client: pg.PoolClient | null = null;
  let stream: ReturnType<typeof copyFrom> | null = null;
  let seq = 0;
  let done = false;
  // An error between writes (the server went away) is kept and thrown by the next write or finish.
  let failure: Error | null = null;

  const release = (destroy: boolean): void => {
    client?.release(destroy);
    client = null;
  };

  async function writeText(text: string, count: number): Promise<void> {
    if (done) throw new Error('issue copy already finished');
    if (count === 0) return;
    if (stream === null) {
      client = await pool.connect();
      // A checked-out client has no error listener of the pool's: without one a dropped
      // connection would crash the process instead of failing this copy.
      client.on('error', (err) => (failure ??= err));
      stream = client.query(copyFrom(COPY_SQL));
      stream.on('error', (err) => (failure ??= err));
    }
    if (failure !== null) throw failure;
    seq += count;
    if (!stream.write(text)) await once(stream, 'drain');
  }

  return {
    async write(issues) {
      if (done) throw new Error('issue copy already finished');
      if (issues.length === 0) return;
      await writeText(issueCopyText(uploadId, attempt, seq + 1, issues), issues.length);
    },
    writeText,
    async finish() {
      if (done) return seq;
      done = true;
      if (stream === null) return 0;
      try {
        if (failure !== null) throw failure;
        stream.end();
        await finished(stream);
        release(false);
      } catch (err) {
        release(true);
        throw err;
      }
      return seq;
    },
    async abort() {
      if (done) return;
      done = true;
      if (stream !== null) stream.destroy(new Error('issue copy aborted'));
      // A connection mid-COPY cannot be reused: destroying it makes the server abort the statement.
      release(true);
    },
  };
}
