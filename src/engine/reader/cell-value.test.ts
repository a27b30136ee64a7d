import { describe, expect, it } from 'vitest';
import { parseNumber } from './cell-value.js';

describe('parseNumber', () => {
  const parse = (text: string): number => parseNumber(Buffer.from(text, 'latin1'), 0, text.length);

  it('agrees with Number() on integers, decimals, signs, exponents and long digit strings', () => {
    const samples = [
      '0',
      '7',
      '-3',
      '12345',
      '1234.56',
      '0.1',
      '0.3',
      '-0.0015',
      '12345.678900000001',
      '1.2010000000000001',
      '31001.0',
      '.5',
      '5.',
      '999999999999999',
      '9999999999999999',
      '1.23456789e+22',
      '-1.5E-3',
      '1E3',
      '259103.248642121',
      '10.6320601851852',
      '16071.6230671296',
    ];
    for (const text of samples) expect(parse(text), text).toBe(Number(text));
    // Random decimals with up to 15 significant digits: the fast path must be exact.
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const intDigits = seed % 9;
      const fracDigits = (seed >> 8) % (15 - intDigits);
      const text = `${seed % 2 ? '-' : ''}${String(seed).slice(0, intDigits) || '0'}.${String(seed * 7)
        .padEnd(15, '3')
        .slice(0, fracDigits)}`;
      expect(parse(text), text).toBe(Number(text));
    }
  });

  it('is NaN for empty or non-numeric text', () => {
    for (const text of ['', '-', 'abc', '1.2.3', '--1', '1,5']) expect(parse(text), text).toBeNaN();
  });
});
