/**
 * Ways PostgreSQL loses a connection under postgres.js, each run in a process of its own, since the failure they
 * guard against (porsager/postgres#1154, #1208, patched in patches/postgres+3.4.9.patch) is an exception thrown from
 * a setImmediate that ends the process. Run as `node --import tsx tests/support/pg-connection-loss.ts <scenario> <url>`;
 * prints one JSON line: what each round's statements answered (`ok`, an error code, or `no answer`) and how long the
 * statements after the loss took.
 */
import postgres from "postgres";
import { startCutProxy } from "./pg-cut-proxy";

export type Scenario = "terminated-transaction" | "terminated-query" | "pool-cut-with-retry" | "reset-transaction";
export interface Round {
  /** What the statement that lost its connection answered. */
  lost: string;
  /** What the statements after it on the same client answered (the first that was not `ok`), and in how many ms. */
  next: string;
  nextMs: number;
}

const ROUNDS = 10;
/** A statement that gets no answer within this is reported as `no answer`. */
const ANSWER_MS = 4000;

type Client = ReturnType<typeof postgres>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(url: string, max: number): Client {
  return postgres(url, { max, connect_timeout: 3, onnotice: () => {} });
}

function outcome(p: Promise<unknown>): Promise<string> {
  return Promise.race([
    p.then(
      () => "ok",
      (e: { code?: string }) => e.code ?? String(e),
    ),
    new Promise<string>((resolve) => setTimeout(resolve, ANSWER_MS, "no answer")),
  ]);
}

/** Three statements, one after the other (a connection left in a wrong state may answer the first one only). */
async function next(sql: Client): Promise<Pick<Round, "next" | "nextMs">> {
  const started = Date.now();
  let answer = "ok";
  for (let i = 0; i < 3 && answer === "ok"; i += 1) answer = await outcome(sql`select ${i}::int`);
  return { next: answer, nextMs: Date.now() - started };
}

/** Whether `condition` came true within ANSWER_MS. */
async function came(condition: () => boolean): Promise<boolean> {
  const until = Date.now() + ANSWER_MS;
  while (!condition() && Date.now() < until) await pause(5);
  return condition();
}

/** Waits for clients and proxies to close, 2 s at most: one left in a wrong state may never close. */
async function closing(...closes: Promise<unknown>[]): Promise<void> {
  await Promise.race([Promise.all(closes), pause(2000)]);
}

const stuck: Round = { lost: "no answer", next: "no answer", nextMs: ANSWER_MS };

/** Ten rounds, or fewer: a round whose next statement was not answered ends the scenario (the rest would wait too). */
function goOn(rounds: Round[]): boolean {
  return rounds.length < ROUNDS && rounds.every((round) => round.next === "ok");
}

/** The backend running a transaction's statement is terminated (as a fast shutdown does); sql.begin then rolls back. */
async function terminatedTransaction(url: string, admin: Client): Promise<Round[]> {
  const sql = open(url, 1);
  const rounds: Round[] = [];
  while (goOn(rounds)) {
    let pid: number | null = null;
    const lost = outcome(
      sql.begin(async (t) => {
        [{ pid }] = await t<{ pid: number }[]>`select pg_backend_pid() as pid`;
        await t`select pg_sleep(5)`;
      }),
    );
    if (!(await came(() => pid !== null))) {
      rounds.push(stuck);
      break;
    }
    await admin`select pg_terminate_backend(${pid})`;
    rounds.push({ lost: await lost, ...(await next(sql)) });
  }
  await closing(sql.end({ timeout: 1 }));
  return rounds;
}

/** The backend running a plain statement is terminated: PostgreSQL says FATAL 57P01, then closes. */
async function terminatedQuery(url: string, admin: Client): Promise<Round[]> {
  const sql = open(url, 1);
  const rounds: Round[] = [];
  while (goOn(rounds)) {
    const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
    const lost = outcome(sql`select pg_sleep(5)`);
    await pause(50);
    await admin`select pg_terminate_backend(${pid})`;
    rounds.push({ lost: await lost, ...(await next(sql)) });
  }
  await closing(sql.end({ timeout: 1 }));
  return rounds;
}

/** Every connection of a pool is cut at once, and a statement that failed is retried at once, on a sibling connection. */
async function poolCutWithRetry(url: string): Promise<Round[]> {
  const proxy = await startCutProxy(url);
  const sql = open(proxy.url, 2);
  const rounds: Round[] = [];
  while (goOn(rounds)) {
    await Promise.all([sql`select 1`, sql`select 2`]); // both connections open
    const lost = outcome(sql`select pg_sleep(5)`.catch(() => sql`select 'retried'`));
    await pause(50);
    proxy.cut();
    await pause(100);
    proxy.restore();
    const answered = await lost;
    const started = Date.now();
    const answers = await Promise.all([outcome(sql`select 1`), outcome(sql`select 2`)]);
    const worst = answers.find((a) => a !== "ok") ?? "ok";
    rounds.push({ lost: answered, next: worst, nextMs: Date.now() - started });
  }
  await closing(sql.end({ timeout: 1 }), proxy.close());
  return rounds;
}

/** The connection of a transaction is reset (ECONNRESET) mid-statement; sql.begin then rolls back. */
async function resetTransaction(url: string): Promise<Round[]> {
  const proxy = await startCutProxy(url);
  const sql = open(proxy.url, 1);
  const rounds: Round[] = [];
  while (goOn(rounds)) {
    let running = false;
    const lost = outcome(
      sql.begin(async (t) => {
        await t`select 1`;
        running = true;
        await t`select pg_sleep(5)`;
      }),
    );
    if (!(await came(() => running))) {
      rounds.push(stuck);
      break;
    }
    await pause(50);
    proxy.reset();
    rounds.push({ lost: await lost, ...(await next(sql)) });
  }
  await closing(sql.end({ timeout: 1 }), proxy.close());
  return rounds;
}

async function main(scenario: Scenario, url: string): Promise<Round[]> {
  const admin = open(url, 1);
  try {
    switch (scenario) {
      case "terminated-transaction":
        return await terminatedTransaction(url, admin);
      case "terminated-query":
        return await terminatedQuery(url, admin);
      case "pool-cut-with-retry":
        return await poolCutWithRetry(url);
      case "reset-transaction":
        return await resetTransaction(url);
    }
  } finally {
    await closing(admin.end({ timeout: 1 }));
  }
}

const [scenario, url] = process.argv.slice(2) as [Scenario, string];
process.stdout.write(JSON.stringify(await main(scenario, url)) + "\n");
// A client whose connection was poisoned may never end on its own: what matters was measured above.
process.exit(0);
