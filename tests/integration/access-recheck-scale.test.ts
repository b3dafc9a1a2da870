/**
 * The collaboration server re-checks every open socket's role every 2 s with one query (findRolesOnDocuments), a
 * prepared statement that PostgreSQL plans generically after its fifth run. With thousands of sockets of one
 * workshop's members (bench:scale's 2,000 documents × 4 clients), that query must stay one index probe per socket.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createSql, getSql, type Sql } from "../../db/client";
import { findRolesOnDocuments } from "../../db/access";
import { createUser, createWorkshop } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";

const MEMBERS = 3000;

let workshopId: string;
let documentId: string;
let pairs: { documentId: string; userId: string }[];
let outsiderPair: { documentId: string; userId: string };
let adminPair: { documentId: string; userId: string };
/** One connection, so that its prepared statement is run often enough to get the generic plan. */
let one: Sql;

beforeAll(async () => {
  workshopId = (await createWorkshop()).id;
  const sql = getSql();
  const [doc] = await sql<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshopId}, ${`roles-${randomBytes(4).toString("hex")}`}, 'Roles', 'guidance') returning id`;
  documentId = doc!.id;
  // Many members at once (createUser one by one would take most of the test's time).
  const run = randomBytes(4).toString("hex");
  const users = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash, email_verified_at)
    select 'member-' || ${run} || '-' || i || '@example.org', 'Member ' || i, 'not a password hash: nobody signs in', now() from generate_series(1, ${MEMBERS}) as i
    returning id`;
  await sql`
    insert into memberships (workshop_id, user_id, role)
    select ${workshopId}, id, case when n % 2 = 0 then 'editor' else 'viewer' end
    from unnest(${users.map((u) => u.id)}::uuid[]) with ordinality as t(id, n)`;
  pairs = users.map((u) => ({ documentId, userId: u.id }));
  outsiderPair = { documentId, userId: (await createUser()).id };
  adminPair = { documentId, userId: (await createUser({ isAdmin: true })).id };
  one = createSql(testDatabaseUrl, { max: 1, applicationName: "accord-test-roles" });
}, 60_000);

afterAll(async () => {
  await one?.end({ timeout: 5 });
});

describe("re-checking the roles of thousands of open sockets", () => {
  it("answers every pair with its role: a member's, organizer for an admin, none for an outsider", async () => {
    const roles = await findRolesOnDocuments([...pairs.slice(0, 4), outsiderPair, adminPair], one);
    expect(pairs.slice(0, 4).map((p) => roles.get(`${p.documentId} ${p.userId}`))).toEqual(["viewer", "editor", "viewer", "editor"]);
    expect(roles.get(`${documentId} ${outsiderPair.userId}`)).toBeNull();
    expect(roles.get(`${documentId} ${adminPair.userId}`)).toBe("organizer");
  });

  it(`takes well under a second for ${MEMBERS} members of one workshop, also once PostgreSQL plans the statement generically`, async () => {
    // PostgreSQL plans a prepared statement for its parameters five times, then may keep a generic plan (as a
    // long-running instance does): run it past that, and time each run.
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = performance.now();
      const roles = await findRolesOnDocuments(pairs, one);
      times.push(performance.now() - started);
      expect(roles.size).toBe(MEMBERS);
      expect([...roles.values()].every((r) => r === "editor" || r === "viewer")).toBe(true);
    }
    // One index probe per pair is ~50–150 ms here; probing the workshop's every membership per pair was seconds.
    expect(Math.max(...times)).toBeLessThan(1500);
  }, 120_000);
});
