import { describe, expect, it } from 'vitest';
import { cellRef, columnLetters, parseCellRef } from './cell-ref.js';
import { isoToSerial, serialTo1900 } from './date-serial.js';
import { IssueIndex } from './issue-index.js';
import { cellTextXml, escapeXml, MAX_CELL_CHARS, textElement } from './xml-text.js';

describe('xml text', () => {
  it.each([
    ['plain', 'plain'],
    ['a & b < c > d "e"', 'a &amp; b &lt; c &gt; d &quot;e&quot;'],
    ['line\r\nbreak', 'line&#13;\nbreak'],
    ['bell\u0007 nul\u0000 vt\u000B', 'bell nul vt'],
    ['tab\tok', 'tab\tok'],
    ['lone \uD800 high, lone \uDC00 low', 'lone  high, lone  low'],
    ['pair 😀 kept', 'pair 😀 kept'],
    ['\uFFFE\uFFFF', ''],
    ['_x000D_ literal', '_x005F_x000D_ literal'],
    ['_x00 not an escape', '_x00 not an escape'],
  ])('cellTextXml(%j) = %j', (input, expected) => {
    expect(cellTextXml(input)).toBe(expected);
  });

  it('cuts text at Excel’s cell limit', () => {
    expect(cellTextXml('x'.repeat(MAX_CELL_CHARS + 10))).toHaveLength(MAX_CELL_CHARS);
  });

  it('marks whitespace significant only where Excel would drop it', () => {
    expect(textElement('a b')).toBe('<t>a b</t>');
    expect(textElement(' a')).toBe('<t xml:space="preserve"> a</t>');
    expect(textElement('a\nb')).toBe('<t xml:space="preserve">a\nb</t>');
  });

  it('escapes attributes', () => {
    expect(escapeXml('say "<hi>"')).toBe('say &quot;&lt;hi&gt;&quot;');
  });
});

describe('cell references', () => {
  it.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('column %i is %s', (index, letters) => {
    expect(columnLetters(index)).toBe(letters);
    expect(parseCellRef(`${letters}7`)).toEqual({ row: 7, column: index });
  });

  it('refuses references outside the grid or malformed', () => {
    expect(cellRef(17, 4)).toBe('E17');
    expect(parseCellRef('$E$17')).toEqual({ row: 17, column: 4 });
    for (const bad of ['XFE1', 'A0', 'A1048577', '17', 'A-1', '', 'A1:B2'])
      expect(parseCellRef(bad)).toBeNull();
  });
});

describe('date serials', () => {
  it.each([
    ['1900-01-01', 1],
    ['1900-02-28', 59],
    ['1900-03-01', 61],
    ['2023-03-15', 45000],
    ['2024-02-29T12:00:00', 45351.5],
    ['2024-02-29T12:00:00.000Z', 45351.5],
    ['2024-02-29T12:00:00+05:00', 45351.5],
    ['18:00', 0.75],
    ['2023-02-29', null],
    ['2024-01-01T25:00:00', null],
    ['yesterday', null],
    ['', null],
  ])('isoToSerial(%j) = %j', (iso, serial) => {
    expect(isoToSerial(iso)).toBe(serial);
  });

  it('moves 1904-system serials into the 1900 system', () => {
    expect(serialTo1900(0, true)).toBe(1462);
    expect(serialTo1900(45000, false)).toBe(45000);
  });
});

describe('IssueIndex', () => {
  const issue = (cell: string | null, message = 'bad') => ({
    row: 1,
    column: 'x',
    cell,
    code: 'type',
    message,
    value: null,
  });

  it('joins messages per cell and caps comments, then highlights', () => {
    const index = new IssueIndex({ maxCommentedCells: 2, maxHighlightedCells: 3, maxCommentChars: 20 });
    index.add(issue('B2', 'first'));
    index.add(issue('B2', 'second'));
    index.add(issue('A2'));
    index.add(issue('C9'));
    index.add(issue('D9'));
    index.add(issue(null));
    index.add(issue('not a cell'));
    expect(index.rows()).toEqual([2, 9]);
    expect([...index.comments()]).toEqual([
      { row: 2, column: 0, text: 'bad' },
      { row: 2, column: 1, text: 'first\nsecond' },
    ]);
    expect(index.cellsOf(9)).toEqual(new Map([[2, null]]));
    expect(index.notHighlighted).toBe(1);
  });

  it('clips long comments', () => {
    const index = new IssueIndex({ maxCommentedCells: 5, maxHighlightedCells: 5, maxCommentChars: 10 });
    index.add(issue('A1', 'x'.repeat(50)));
    expect([...index.comments()][0].text).toBe('xxxxxxxxx…');
  });
});
