import { describe, expect, test } from "bun:test";
import { mapWithConcurrency } from "../../../src/advisories/online/map-with-concurrency.ts";

describe("mapWithConcurrency", () => {
  test("keeps input order", async () => {
    const results = await mapWithConcurrency([30, 10, 20], 2, async (ms) => {
      await Bun.sleep(ms);
      return ms * 2;
    });
    expect(results).toEqual([60, 20, 40]);
  });

  test("never exceeds the limit", async () => {
    let running = 0;
    let peak = 0;
    await mapWithConcurrency(
      Array.from({ length: 40 }, (_, index) => index),
      16,
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await Bun.sleep(2);
        running -= 1;
      },
    );
    expect(peak).toBe(16);
  });

  test("empty input gives empty output", async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });

  test("rejection rejects the run", async () => {
    const run = mapWithConcurrency([1, 2], 2, async (value) => {
      if (value === 2) throw new Error("task 2 failed");
      return value;
    });
    await expect(run).rejects.toThrow("task 2 failed");
  });
});
