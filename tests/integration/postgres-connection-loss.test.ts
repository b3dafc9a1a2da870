/**
 * When PostgreSQL drops a connection, postgres.js rejects what was running on it, the process lives on, and the
 * next statement is answered at once. postgres.js 3.4.9 did neither on its own (porsager/postgres#1154, #1208; see
 * docs/decisions/0012-patched-postgres-js.md): a write it buffered for the dead socket threw from a setImmediate
 * and ended the process, or stayed buffered and blocked the reconnection, or its state answered the next statement
 * with the dead one's error. Each scenario runs in a process of its own (tests/support/pg-connection-loss.ts),
 * ten rounds (fewer when one goes wrong), so a crash fails one sentence here instead of the test run.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testDatabaseUrl } from "../support/worker-database";
import type { Round, Scenario } from "../support/pg-connection-loss";

const script = path.join(import.meta.dirname, "../support/pg-connection-loss.ts");

function run(scenario: Scenario): Promise<{ exitCode: number; crash: string; rounds: Round[] }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, scenario, testDatabaseUrl],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        const crash = stderr.split("\n").find((line) => /Error/.test(line)) ?? "";
        const line = stdout.trim().split("\n").pop();
        resolve({ exitCode, crash, rounds: line ? (JSON.parse(line) as Round[]) : [] });
      },
    );
  });
}

/** Every round lost its statement with an error, and the next statement was answered within a second. */
function expectRecovered(result: Awaited<ReturnType<typeof run>>, lostWith: RegExp) {
  expect({ exitCode: result.exitCode, crash: result.crash }).toEqual({ exitCode: 0, crash: "" });
  const wrong = result.rounds.filter((r) => !lostWith.test(r.lost) || r.next !== "ok" || r.nextMs >= 1000);
  expect(wrong).toEqual([]);
  expect(result.rounds).toHaveLength(10);
}

describe("when PostgreSQL drops a connection", () => {
  it("a transaction whose backend is terminated fails, the process lives on, and the next statement is answered", async () => {
    expectRecovered(await run("terminated-transaction"), /^(CONNECTION_CLOSED|57P01)$/);
  }, 60_000);

  it("a statement whose backend is terminated fails, and the next one is answered instead of failing with 57P01 too", async () => {
    expectRecovered(await run("terminated-query"), /^(CONNECTION_CLOSED|57P01)$/);
  }, 60_000);

  it("after a whole pool is cut while a failed statement is retried, every connection reconnects at once", async () => {
    expectRecovered(await run("pool-cut-with-retry"), /^(CONNECTION_CLOSED|ECONNRESET|CONNECT_TIMEOUT|ok)$/);
  }, 60_000);

  it("a transaction whose connection is reset fails, and the statements after it are answered", async () => {
    expectRecovered(await run("reset-transaction"), /^(CONNECTION_CLOSED|ECONNRESET)$/);
  }, 60_000);
});
