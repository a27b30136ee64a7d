import { describe, expect, it } from 'vitest';
import { FirstSeen } from './first-seen.js';

describe('FirstSeen', () => {
  it('returns the first row of a repeated value, dense integers and others alike', () => {
    const seen = new FirstSeen();
    expect(seen.firstOrAdd(7, 2)).toBeUndefined();
    expect(seen.firstOrAdd(5_000_000, 3)).toBeUndefined();
    expect(seen.firstOrAdd('7', 4)).toBeUndefined();
    expect(seen.firstOrAdd(-1, 5)).toBeUndefined();
    expect(seen.firstOrAdd(1.5, 6)).toBeUndefined();
    expect(seen.firstOrAdd(100_000, 7)).toBeUndefined();
    expect(seen.firstOrAdd(7, 8)).toBe(2);
    expect(seen.firstOrAdd(5_000_000, 9)).toBe(3);
    expect(seen.firstOrAdd('7', 10)).toBe(4);
    expect(seen.firstOrAdd(-1, 11)).toBe(5);
    expect(seen.firstOrAdd(1.5, 12)).toBe(6);
    expect(seen.firstOrAdd(100_000, 13)).toBe(7);
    expect(seen.firstOrAdd(0, 14)).toBeUndefined();
    expect(seen.firstOrAdd(-0, 15)).toBe(14);
  });
});
