/** The sliding-window estimate every rate limit uses (app/auth/request-limits.server.ts). */
import { describe, expect, it } from "vitest";
import { positionOf, secondsToWait } from "../../app/auth/request-limits.server";

const hour = { max: 10, windowSeconds: 3600 };

describe("secondsToWait", () => {
  it("allows attempts up to the limit in a fresh window, and refuses the next", () => {
    for (let position = 1; position <= 10; position++) expect(secondsToWait({ position, previousHits: 0, elapsedSeconds: 100 }, hour)).toBe(0);
    expect(secondsToWait({ position: 11, previousHits: 0, elapsedSeconds: 100 }, hour)).toBeGreaterThan(0);
  });

  it("sends a refused client to the next window, until this window's hits have faded enough", () => {
    // 11 hits at 100 s into the window: the next window starts in 3,500 s; 11 × (1 − s/3600) ≤ 9 when s ≥ 655 s.
    expect(secondsToWait({ position: 11, previousHits: 0, elapsedSeconds: 100 }, hour)).toBe(3500 + 655);
  });

  it("counts the previous window in proportion to how much of it the last hour still covers", () => {
    // 20 hits last window, a quarter into this one: 15 still count, so even the first attempt now is refused…
    expect(secondsToWait({ position: 1, previousHits: 20, elapsedSeconds: 900 }, hour)).toBeGreaterThan(0);
    // …until they fade to 8 (the retry would be the 2nd hit here): 20 × (1 − t/3600) ≤ 8 at t = 2160 s, i.e. 1260 s on.
    expect(secondsToWait({ position: 1, previousHits: 20, elapsedSeconds: 900 }, hour)).toBe(1260);
    // Half-way through, 5 of 10 old hits count: five more are allowed.
    expect(secondsToWait({ position: 5, previousHits: 10, elapsedSeconds: 1800 }, hour)).toBe(0);
    expect(secondsToWait({ position: 6, previousHits: 10, elapsedSeconds: 1800 }, hour)).toBeGreaterThan(0);
  });

  it("never answers less than a second, nor more than two windows", () => {
    for (const [position, previousHits, elapsedSeconds] of [
      [11, 0, 3599.9],
      [1000, 1000, 0],
      [11, 1000, 3600],
      [2, 10, 3599],
    ] as const) {
      const wait = secondsToWait({ position, previousHits, elapsedSeconds }, hour);
      if (wait !== 0) {
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(7200);
      }
    }
  });

  it("places each attempt of a batch after the hits counted before it", () => {
    const counted = { key: "k", hits: 12, previousHits: 3, elapsedSeconds: 60 };
    // 5 of the 12 hits came in this batch: its attempts are the 8th to the 12th.
    expect(positionOf(counted, 1, 5).position).toBe(8);
    expect(positionOf(counted, 5, 5).position).toBe(12);
  });
});
