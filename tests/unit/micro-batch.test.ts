/** Group commit for request handlers (app/utils/micro-batch.server.ts). */
import { describe, expect, it } from "vitest";
import { createMicroBatcher } from "../../app/utils/micro-batch.server";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("createMicroBatcher", () => {
  it("sends calls made together as one batch, in arrival order, and answers each its own outcome", async () => {
    const batches: number[][] = [];
    const double = createMicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        return items.map((n) => n * 2);
      },
      { maxBatch: 100, maxConcurrent: 1 },
    );
    const answers = await Promise.all([1, 2, 3, 4].map((n) => double(n)));
    expect(answers).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(double.pending()).toBe(0);
  });

  it("keeps calls that arrive during a flush for the next batch, and never runs more flushes than allowed", async () => {
    let running = 0;
    let most = 0;
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const echo = createMicroBatcher<number, number>(
      async (items) => {
        running++;
        most = Math.max(most, running);
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        running--;
        return items;
      },
      { maxBatch: 100, maxConcurrent: 1 },
    );
    const first = echo(1);
    await tick();
    const later = [2, 3, 4].map((n) => echo(n));
    await tick();
    expect(batches).toEqual([[1]]); // 2–4 wait: one flush at a time
    expect(echo.pending()).toBe(4);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(most).toBe(1);
  });

  it("splits a crowd into batches of at most maxBatch", async () => {
    const sizes: number[] = [];
    const echo = createMicroBatcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      { maxBatch: 3, maxConcurrent: 2 },
    );
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => echo(i)));
    expect(answers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it("rejects only the call whose outcome is an Error, and every call of a batch whose flush failed", async () => {
    let fail = false;
    const check = createMicroBatcher<number, string>(
      async (items) => {
        if (fail) throw new Error("database down");
        return items.map((n) => (n < 0 ? new Error(`refused ${n}`) : `ok ${n}`));
      },
      { maxBatch: 10, maxConcurrent: 1 },
    );
    const results = await Promise.allSettled([check(1), check(-1), check(2)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["ok 1", "refused -1", "ok 2"]);
    fail = true;
    const failed = await Promise.allSettled([check(3), check(4)]);
    expect(failed.every((r) => r.status === "rejected" && (r.reason as Error).message === "database down")).toBe(true);
    fail = false;
    expect(await check(5)).toBe("ok 5"); // and it keeps working afterwards
  });

  it("with a minimum interval, flushes a lone call at once but a stream of calls at most once per interval", async () => {
    const flushes: { at: number; items: number[] }[] = [];
    const started = performance.now();
    const mark = createMicroBatcher<number, null>(
      async (items) => {
        flushes.push({ at: performance.now() - started, items });
        return items.map(() => null);
      },
      { maxBatch: 1000, maxConcurrent: 1, minIntervalMs: 200 },
    );
    await mark(0);
    expect(flushes).toEqual([{ at: expect.any(Number), items: [0] }]);
    expect(flushes[0]!.at).toBeLessThan(100); // the first call waits for nothing
    const calls: Promise<null>[] = [];
    for (let i = 1; i <= 30; i++) {
      calls.push(mark(i)); // 30 calls over ~300 ms
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lastCallAt = performance.now() - started;
    await Promise.all(calls);
    expect(flushes.flatMap((f) => f.items)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(flushes.length).toBeLessThanOrEqual(2 + Math.floor(lastCallAt / 200)); // the first, then one per 200 ms
    for (let i = 1; i < flushes.length; i++) expect(flushes[i]!.at - flushes[i - 1]!.at).toBeGreaterThanOrEqual(195);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const quiet = performance.now() - started;
    await mark(99);
    expect(flushes.at(-1)!.items).toEqual([99]);
    expect(flushes.at(-1)!.at - quiet).toBeLessThan(100); // after a quiet spell, at once again
  });

  it("passes on outcomes that are null or undefined as answers, not as failures", async () => {
    const nothing = createMicroBatcher<number, null>(async (items) => items.map(() => null), { maxBatch: 10, maxConcurrent: 1 });
    expect(await Promise.all([nothing(1), nothing(2)])).toEqual([null, null]);
  });
});
