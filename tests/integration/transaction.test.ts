import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import type { Sql } from "../../db/client";
import { RolledBackAtCommit, transaction } from "../../db/transaction";
import { testDatabaseUrl } from "../support/worker-database";

// One connection, so that a transaction left open would show in the next statement; every statement is written down
// as it is handed to the connection (postgres.js's `debug`), beside the answers the test notes.
let sql: Sql;
const seen: string[] = [];

beforeAll(async () => {
  sql = postgres(testDatabaseUrl, {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query) => seen.push(`sent ${query.replace(/\s+/g, " ").trim()}`),
  }) as unknown as Sql;
  await sql`create table pipelined (id int primary key, note text)`;
});

afterAll(async () => {
  await sql`drop table pipelined`;
  await sql.end({ timeout: 5 });
});

async function rows(): Promise<number[]> {
  return (await sql<{ id: number }[]>`select id from pipelined order by id`).map((r) => r.id);
}

/** Whether the connection is inside a transaction that has written something (a transaction left open would be). */
async function writingTransactionLeftOpen(): Promise<boolean> {
  const [row] = await sql<{ open: boolean }[]>`select pg_current_xact_id_if_assigned() is not null as open`;
  return row!.open;
}

describe("a transaction whose COMMIT leaves with its last statements", () => {
  it("hands COMMIT to the connection behind the statements, before their answers, and writes them all", async () => {
    // Twice: postgres.js describes a statement new to the connection first (a round trip of its own, before which it
    // sends nothing more); the second time the statements are prepared, as on a server that has been running.
    for (const round of [1, 2]) {
      await sql`truncate pipelined`;
      seen.length = 0;
      await transaction(async (tx, commitWith) => {
        await tx`insert into pipelined values (1, 'first')`;
        // As query functions start them: awaited inside an async function (postgres.js starts a query on `then`).
        const second = (async () => {
          await tx`insert into pipelined values (2, ${"second"})`;
          seen.push("answer 2");
        })();
        const third = (async () => void (await tx`insert into pipelined values (3, ${"third"})`))();
        await commitWith([second, third]);
      }, sql);
      expect(await rows()).toEqual([1, 2, 3]);
      expect(await writingTransactionLeftOpen()).toBe(false);
      if (round === 1) continue;
      expect(seen.indexOf("sent commit")).toBeGreaterThan(seen.indexOf("sent insert into pipelined values (3, $1)"));
      expect(seen.indexOf("sent commit")).toBeLessThan(seen.indexOf("answer 2"));
    }
  });

  it("writes nothing when a statement sent with the COMMIT fails, and throws that statement's error", async () => {
    await sql`truncate pipelined`;
    const attempt = transaction(async (tx, commitWith) => {
      await tx`insert into pipelined values (1, 'kept?')`;
      const clash = (async () => void (await tx`insert into pipelined values (1, ${"the same id again"})`))();
      const after = (async () => void (await tx`insert into pipelined values (2, ${"after the failure"})`))();
      await commitWith([clash, after]);
    }, sql);
    await expect(attempt).rejects.toMatchObject({ code: "23505" });
    expect(await rows()).toEqual([]);
    expect(await writingTransactionLeftOpen()).toBe(false);
  });

  it("says so when PostgreSQL answered the COMMIT with a ROLLBACK (a statement failed, unawaited, before it)", async () => {
    await sql`truncate pipelined`;
    const attempt = transaction(async (tx, commitWith) => {
      await tx`insert into pipelined values (1, 'kept?')`;
      await tx`select 1 / 0`.execute().catch(() => null);
      await commitWith([]);
    }, sql);
    await expect(attempt).rejects.toBeInstanceOf(RolledBackAtCommit);
    expect(await rows()).toEqual([]);
  });

  it("rolls back when the work fails before its COMMIT, and gives the connection back outside any transaction", async () => {
    await sql`truncate pipelined`;
    const attempt = transaction(async (tx) => {
      await tx`insert into pipelined values (1, 'kept?')`;
      throw new Error("changed my mind");
    }, sql);
    await expect(attempt).rejects.toThrow("changed my mind");
    expect(await writingTransactionLeftOpen()).toBe(false);
    expect(await rows()).toEqual([]);
  });

  it("commits at the end, as sql.begin does, when the work never called commitWith", async () => {
    await sql`truncate pipelined`;
    const answer = await transaction(async (tx) => {
      await tx`insert into pipelined values (7, 'plain')`;
      return "done";
    }, sql);
    expect(answer).toBe("done");
    expect(await rows()).toEqual([7]);
    expect(await writingTransactionLeftOpen()).toBe(false);
  });

  it("refuses a second COMMIT", async () => {
    await sql`truncate pipelined`;
    const attempt = transaction(async (_tx, commitWith) => {
      await commitWith([]);
      await commitWith([]);
    }, sql);
    await expect(attempt).rejects.toThrow("COMMIT sent twice");
  });
});
