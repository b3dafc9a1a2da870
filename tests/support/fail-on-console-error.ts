/** An unexpected console.error fails the test that caused it. */
import { afterEach, beforeEach, expect, vi } from "vitest";

let calls: unknown[][] = [];
beforeEach(() => {
  calls = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    calls.push(args);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  expect(calls.map((c) => c.map(String).join(" ")), "unexpected console.error").toEqual([]);
});
