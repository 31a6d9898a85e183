/**
 * Limits requests to `maxRequests` starts in any rolling window of `windowMs`
 * milliseconds, as the NVD API counts them.
 */
export class RollingWindowLimiter {
  /** Start times inside the current window, oldest first. */
  private readonly starts: number[] = [];

  constructor(
    readonly maxRequests: number,
    readonly windowMs: number,
    /** Milliseconds on a clock that only moves forward. */
    private readonly clock: () => number,
  ) {
    if (!Number.isInteger(maxRequests) || maxRequests < 1) {
      throw new RangeError(`maxRequests must be a positive integer, got ${maxRequests}`);
    }
  }

  /**
   * Milliseconds until one more request may start: 0 while fewer than `maxRequests`
   * started in the last `windowMs`, else the time until the oldest of the last
   * `maxRequests` starts leaves the window.
   */
  delayBeforeNext(): number {
    const now = this.clock();
    this.forgetBefore(now - this.windowMs);
    if (this.starts.length < this.maxRequests) return 0;
    const oldestCounted = this.starts[this.starts.length - this.maxRequests] as number;
    return Math.max(0, oldestCounted + this.windowMs - now);
  }

  /** Records that a request starts now. */
  record(): void {
    this.starts.push(this.clock());
  }

  /** Drops starts at or before `time`: a start exactly `windowMs` ago no longer counts. */
  private forgetBefore(time: number): void {
    while (this.starts.length > 0 && (this.starts[0] as number) <= time) this.starts.shift();
  }
}
