import { describe, expect, it } from 'vitest';
import { isUuid, newId, timestampOfId } from './ids.js';
import { createManualClock, epochSeconds } from './clock.js';

describe('newId', () => {
  it('makes canonical version-7 UUIDs that sort by creation', () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the current time', () => {
    const before = Date.now();
    const ts = timestampOfId(newId());
    expect(ts).not.toBeNull();
    expect(ts!).toBeGreaterThanOrEqual(before - 1);
    expect(ts!).toBeLessThanOrEqual(Date.now() + 1);
  });

  it.each([
    ['', false],
    ['not-a-uuid', false],
    ['01930f2c-5b7e-7c3a-9d1e-4f6a8b2c0d1e', true],
    ['01930f2c5b7e7c3a9d1e4f6a8b2c0d1e', false],
    ["01930f2c-5b7e-7c3a-9d1e-4f6a8b2c0d1e' or 1=1", false],
  ])('isUuid(%j) is %s', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });

  it('timestampOfId is null for a v4 id', () => {
    expect(timestampOfId('1b4e28ba-2fa1-41d2-883f-0016d3cca427')).toBeNull();
  });
});

describe('clock', () => {
  it('a manual clock moves only when told', () => {
    const clock = createManualClock(10_500);
    expect(epochSeconds(clock)).toBe(10);
    clock.advance(600);
    expect(clock.now()).toBe(11_100);
    expect(epochSeconds(clock)).toBe(11);
  });
});
