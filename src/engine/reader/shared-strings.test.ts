import { describe, expect, it } from 'vitest';
import { SharedStrings } from './shared-strings.js';

describe('SharedStrings (the compact table)', () => {
  it('returns every string across page boundaries, including empty and page-sized ones', () => {
    const table = new SharedStrings(64 * 1024 * 1024);
    const written: string[] = [];
    const add = (s: string, asBytes: boolean): void => {
      if (asBytes) {
        const bytes = Buffer.from(`<t>${s}</t>`);
        table.addBytes(bytes, 3, bytes.length - 4);
      } else {
        table.addString(s);
      }
      written.push(s);
    };
    for (let i = 0; i < 60_000; i++) {
      // ~40 bytes each: several 1 MiB pages, with strings cut at every kind of page end.
      add(i % 97 === 0 ? '' : `value ${i} ${'ü'.repeat(i % 13)} 😀 ${'x'.repeat(i % 17)}`, i % 2 === 0);
      if (i === 20_000) add('y'.repeat(3 * 1024 * 1024), true); // larger than a page
      if (i === 20_001) add('€'.repeat(400_000), false); // 1.2 MB of UTF-8 from a string
    }
    table.compact();
    expect(table.count).toBe(written.length);
    expect(table.byteLength).toBe(written.reduce((n, s) => n + Buffer.byteLength(s), 0));
    // Read twice, in two orders, so the lookup cache is exercised and then bypassed.
    for (let i = 0; i < written.length; i++) expect(table.get(i)).toBe(written[i]);
    for (let i = written.length - 1; i >= 0; i -= 7) expect(table.get(i)).toBe(written[i]);
    expect(table.get(-1)).toBeUndefined();
    expect(table.get(written.length)).toBeUndefined();
  });

  it('refuses to grow past its byte cap with limit_exceeded', () => {
    const table = new SharedStrings(1000);
    table.addString('a'.repeat(600));
    expect(() => table.addString('b'.repeat(401))).toThrow(
      expect.objectContaining({ code: 'limit_exceeded' }),
    );
    expect(table.get(0)).toBe('a'.repeat(600));
  });
});
