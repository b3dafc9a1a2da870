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

  it("passes on outcomes that are null or undefined as answers, not as failures", async () => {
    const nothing = createMicroBatcher<number, null>(async (items) => items.map(() => null), { maxBatch: 10, maxConcurrent: 1 });
    expect(await Promise.all([nothing(1), nothing(2)])).toEqual([null, null]);
  });
});
