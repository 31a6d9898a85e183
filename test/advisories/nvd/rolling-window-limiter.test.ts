import { describe, expect, test } from "bun:test";
import { RollingWindowLimiter } from "../../../src/advisories/nvd/rolling-window-limiter.ts";

function limiterAt(maxRequests: number, windowMs: number) {
  const clock = { now: 0 };
  const limiter = new RollingWindowLimiter(maxRequests, windowMs, () => clock.now);
  return { clock, limiter };
}

describe("RollingWindowLimiter", () => {
  test("allows the first requests at once", () => {
    const { limiter } = limiterAt(5, 30_000);
    for (let index = 0; index < 5; index += 1) {
      expect(limiter.delayBeforeNext()).toBe(0);
      limiter.record();
    }
  });

  test("sixth request waits for the window", () => {
    const { clock, limiter } = limiterAt(5, 30_000);
    for (let index = 0; index < 5; index += 1) limiter.record();
    expect(limiter.delayBeforeNext()).toBe(30_000);
    clock.now = 10_000;
    expect(limiter.delayBeforeNext()).toBe(20_000);
    clock.now = 30_000;
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test("window rolls with each start", () => {
    const { clock, limiter } = limiterAt(5, 30_000);
    // Starts at 0, 1, 2, 3 and 4 seconds: the sixth may start when the first leaves.
    for (let second = 0; second < 5; second += 1) {
      clock.now = second * 1000;
      limiter.record();
    }
    expect(limiter.delayBeforeNext()).toBe(26_000);
    clock.now = 30_000;
    limiter.record();
    // The window (0 s, 30 s] now contains the starts at 1, 2, 3, 4 and 30 s.
    expect(limiter.delayBeforeNext()).toBe(1000);
    clock.now = 31_000;
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test("start exactly one window ago no longer counts", () => {
    const { clock, limiter } = limiterAt(1, 30_000);
    limiter.record();
    clock.now = 29_999;
    expect(limiter.delayBeforeNext()).toBe(1);
    clock.now = 30_000;
    expect(limiter.delayBeforeNext()).toBe(0);
  });

  test("50 per window with an API key", () => {
    const { clock, limiter } = limiterAt(50, 30_000);
    for (let index = 0; index < 50; index += 1) {
      clock.now = index * 100;
      expect(limiter.delayBeforeNext()).toBe(0);
      limiter.record();
    }
    expect(limiter.delayBeforeNext()).toBe(30_000 - 4900);
  });

  test("over-recorded starts wait for the right one", () => {
    const { limiter } = limiterAt(2, 1000);
    // A retry can start although the limiter returned a wait. The delay then counts
    // from the second-newest start, so the window still ends with at most two starts.
    limiter.record();
    limiter.record();
    limiter.record();
    expect(limiter.delayBeforeNext()).toBe(1000);
  });

  test("rejects a zero limit", () => {
    expect(() => new RollingWindowLimiter(0, 1000, () => 0)).toThrow(RangeError);
  });
});
