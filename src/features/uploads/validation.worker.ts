/**
 * The validation worker thread's entry point: runs the engine on one file at a time and streams
 * issues, progress and the report summary back to the parent in batches, so a million-row file
 * never blocks the API's event loop and never crosses the thread boundary as one huge message.
 * The thread lives on between tasks (modules loaded, JIT warm); the parent sends one task at a
 * time and the last message of each task is `report`, `rows` or `failed`.
 */
import { parentPort } from 'node:worker_threads';
import {
  cellText,
  isEngineError,
  openSpreadsheet,
  validateFile,
  writeAnnotatedWorkbook,
  type ValidationIssue,
} from '../../engine/index.js';
import type {
  AnnotateTask,
  DataRow,
  HeadersTask,
  ParentMessage,
  RowsTask,
  ThreadMessage,
  ThreadTask,
  ValidateTask,
} from './validation-thread.types.js';
import { issueCopyText } from './upload-errors.copy.js';
import { writeWarmUpFiles } from './warm-up.js';

const ISSUE_BATCH = 2000;

function post(message: ThreadMessage): void {
  parentPort!.postMessage(message);
}

/** Sends a batch of a ValidateTask's issues: as COPY text when the task asks for it. */
function postIssues(task: ValidateTask, issues: ValidationIssue[], firstSeq: number): void {
  if (task.copy === undefined) post({ type: 'issues', issues });
  else
    post({
      type: 'copy',
      text: issueCopyText(task.copy.uploadId, task.copy.attempt, firstSeq, issues),
      count: issues.length,
    });
}

async function runValidate(task: ValidateTask): Promise<void> {
  let batch: ValidationIssue[] = [];
  let sent = 0;
  const started = performance.now();
  const report = await validateFile(task.path, task.schema, {
    sheet: task.sheet ?? undefined,
    limits: task.limits,
    progressIntervalMs: task.progressIntervalMs,
    fileName: task.fileName,
    headerMapping: task.headerMapping,
    maxErrors: 0,
    onIssue: (issue) => {
      if (sent >= task.maxIssues) return;
      batch.push(issue);
      sent++;
      if (batch.length >= ISSUE_BATCH) {
        postIssues(task, batch, sent - batch.length + 1);
        batch = [];
      }
    },
    onProgress: (p) =>
      post({ type: 'progress', rowsRead: p.rowsRead, bytesRead: p.bytesRead, bytesTotal: p.bytesTotal }),
  });
  if (batch.length > 0) postIssues(task, batch, sent - batch.length + 1);
  const { errors: _none, ...summary } = report;
  post({ type: 'report', report: summary, ms: performance.now() - started });
}

async function runRows(task: RowsTask): Promise<void> {
  const rows: DataRow[] = [];
  const controller = new AbortController();
  try {
    await validateFile(task.path, task.schema, {
      sheet: task.sheet ?? undefined,
      limits: task.limits,
      headerMapping: task.headerMapping,
      maxErrors: 0,
      signal: controller.signal,
      onRow: (row) => {
        if (controller.signal.aborted || row.number <= task.afterRow) return;
        if (task.valid !== null && row.valid !== task.valid) return;
        rows.push({ row: row.number, valid: row.valid, values: row.values });
        // One row past the page tells whether there is a next page; then stop reading.
        if (rows.length > task.limit) controller.abort();
      },
    });
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  }
  const more = rows.length > task.limit;
  post({ type: 'rows', rows: rows.slice(0, task.limit), more });
}

/** The header row as the validation sees it: the first row with a non-empty cell. */
async function runHeaders(task: HeadersTask): Promise<void> {
  const sheet = await openSpreadsheet(task.path, { sheet: task.sheet ?? undefined, limits: task.limits });
  let headers: (string | null)[] = [];
  try {
    outer: for await (const batch of sheet.rows()) {
      for (const row of batch) {
        if (row.cells.some((c) => c !== undefined && !(c.t === 's' && c.v === ''))) {
          headers = Array.from(row.cells, (c) => cellText(c)?.trim() || null);
          break outer;
        }
      }
    }
  } finally {
    await sheet.close();
  }
  post({ type: 'headers', headers });
}

/** The issues of the running AnnotateTask, as the parent sends them. */
class Inbox implements AsyncIterable<ValidationIssue> {
  private readonly batches: ValidationIssue[][] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  push(message: ParentMessage): void {
    if (message.type === 'issues') this.batches.push(message.issues);
    else this.ended = true;
    this.wake?.();
    this.wake = null;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ValidationIssue> {
    for (;;) {
      const batch = this.batches.shift();
      if (batch !== undefined) {
        yield* batch;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

let inbox: Inbox | null = null;

async function runAnnotate(task: AnnotateTask): Promise<void> {
  inbox = new Inbox();
  try {
    await writeAnnotatedWorkbook(task.path, inbox, task.out, {
      sheet: task.sheet ?? undefined,
      limits: task.limits,
    });
  } finally {
    inbox = null;
  }
  post({ type: 'annotated' });
}

async function run(task: ThreadTask): Promise<void> {
  try {
    if (task.mode === 'validate') await runValidate(task);
    else if (task.mode === 'rows') await runRows(task);
    else if (task.mode === 'headers') await runHeaders(task);
    else if (task.mode === 'warm-up-files') {
      await writeWarmUpFiles(task.paths, task.rows);
      post({ type: 'written' });
    } else await runAnnotate(task);
  } catch (err) {
    if (isEngineError(err)) post({ type: 'failed', engine: true, code: err.code, message: err.message });
    else
      post({
        type: 'failed',
        engine: false,
        code: 'internal',
        message: err instanceof Error ? err.message : String(err),
      });
  }
}

parentPort!.on('message', (message: ThreadTask | ParentMessage) => {
  if ('mode' in message) void run(message);
  else inbox?.push(message);
});
