import { describe, expect, it } from 'vitest';
import { valueShape } from './explain.service.js';

describe('valueShape', () => {
  it.each([
    ['2024-13-45', '9999-99-99'],
    ['SKU-12ab', 'aaa-99aa'],
    ['Zürich 8001', 'aaaaaa 9999'],
    ['١٢٣', '999'],
    ['', ''],
    [null, '(empty)'],
  ])('%j → %j', (value, shape) => {
    expect(valueShape(value)).toBe(shape);
  });

  it('cuts long values, so a long text cannot leak through its punctuation', () => {
    expect(valueShape('a'.repeat(100))).toBe(`${'a'.repeat(40)}…`);
  });
});
