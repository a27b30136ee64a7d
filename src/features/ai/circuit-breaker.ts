/**
 * A circuit breaker for the model service: after `failureThreshold` consecutive failures it opens
 * and refuses calls for `cooldownMs`; then it is half-open and lets one trial call through, which
 * closes it on success or opens it again on failure. Kept in process: each instance learns on its
 * own that the service is down, which costs at most `failureThreshold` failed calls per instance.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls before a trial. Default 30000 ms. */
  readonly cooldownMs?: number;
  /** Clock, for tests. Default Date.now. */
  readonly now?: () => number;
  /** Told about every state change (metrics, logs). */
  readonly onChange?: (state: BreakerState) => void;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly onChange: (state: BreakerState) => void;
  private last: BreakerState = 'closed';

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.onChange = options.onChange ?? (() => undefined);
  }

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half_open' : 'open';
  }

  /** Milliseconds until an open circuit lets a trial through (0 when not open). */
  retryAfterMs(): number {
    if (this.openedAt === null) return 0;
    return Math.max(0, this.cooldownMs - (this.now() - this.openedAt));
  }

  /** Whether a call may go out now; a half-open circuit admits one trial at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
    this.notify();
  }

  onFailure(): void {
    this.failures++;
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    if (wasTrial || this.failures >= this.threshold) this.openedAt = this.now();
    this.notify();
  }

  /** A call that ended without telling us about the service (e.g. our own budget refusal). */
  release(): void {
    this.trialInFlight = false;
  }

  private notify(): void {
    const state = this.state;
    if (state !== this.last) {
      this.last = state;
      this.onChange(state);
    }
  }
}
