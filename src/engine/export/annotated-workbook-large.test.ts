import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Row } from '../reader/types.js';
import type { ValidationIssue } from '../validate/types.js';
import { writeAnnotatedWorkbookFromRows } from './annotated-rows.writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intake-annotated-large-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ROWS = 100_000;

async function* generatedRows(): AsyncGenerator<readonly Row[]> {
  yield [
    {
      number: 1,
      cells: ['id', 'name', 'email', 'amount', 'joined', 'note'].map((v) => ({ t: 's' as const, v })),
    },
  ];
  for (let start = 2; start <= ROWS + 1; start += 500) {
    const batch: Row[] = [];
    for (let r = start; r < Math.min(start + 500, ROWS + 2); r++) {
      batch.push({
        number: r,
        cells: [
          { t: 'n', v: r - 1 },
          { t: 's', v: `Person number ${r} with a reasonably long name` },
          { t: 's', v: `person${r}@example.org` },
          { t: 'n', v: r * 1.25 },
          { t: 'n', v: 40000 + (r % 3000), date: true },
          { t: 's', v: 'x'.repeat(40) },
        ],
      });
    }
    yield batch;
  }
}

function* generatedIssues(): Generator<ValidationIssue> {
  for (let r = 2; r <= ROWS + 1; r += 5) {
    yield {
      row: r,
      column: 'amount',
      cell: `D${r}`,
      code: 'maximum',
      message: `amount must be at most 10; got ${r * 1.25}`,
      value: String(r * 1.25),
    };
  }
}

it('streams a 100k-row annotated workbook with bounded memory', async () => {
  const out = join(dir, 'large.xlsx');
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await writeAnnotatedWorkbookFromRows(
      { sheetName: 'Big', textOnly: false, rows: generatedRows() },
      generatedIssues(),
      out,
    );
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `annotated 100k rows: peak RSS ${(peak / 2 ** 20).toFixed(0)} MB, file ${((await stat(out)).size / 2 ** 20).toFixed(1)} MB`,
  );
  expect(peak).toBeLessThan(300 * 2 ** 20);

  const parts = unzipSync(await readFile(out));
  const sheet = strFromU8(parts['xl/worksheets/sheet1.xml']);
  expect(sheet.match(/<row /g)).toHaveLength(ROWS + 1);
  expect(sheet).toContain(`<row r="${ROWS + 1}">`);
  const comments = strFromU8(parts['xl/comments1.xml']);
  expect(comments.match(/<comment /g)).toHaveLength(ROWS / 5);
  const errors = strFromU8(parts['xl/worksheets/sheet2.xml']);
  expect(errors.match(/<row /g)).toHaveLength(ROWS / 5 + 1);
});
