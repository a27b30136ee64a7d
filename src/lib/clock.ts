/**
 * Time as a dependency. Services that decide on expiry (tokens, windows) take a Clock so tests can
 * move time instead of sleeping; production uses `systemClock`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the epoch (JWT `iat`/`exp` are in seconds). */
export function epochSeconds(clock: Clock = systemClock): number {
  return Math.floor(clock.now() / 1000);
}

/** A clock for tests that moves only when told to. */
export function createManualClock(
  startMs = Date.UTC(2030, 0, 1),
): Clock & { advance(ms: number): void; set(ms: number): void } {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
    set: (ms: number) => {
      current = ms;
    },
  };
}
