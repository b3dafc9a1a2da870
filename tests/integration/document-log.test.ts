import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createSql, getSql, type Sql } from "../../db/client";
import {
  appendAfterTail,
  appendPlanned,
  DOCUMENT_UPDATES_CHANNEL,
  notifyDocumentUpdated,
  planAppend,
  readLogTails,
  type LogTail,
} from "../../db/document-log";
import { findDocumentForUser } from "../../db/access";
import { createUser, createWorkshop } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";
import { waitFor } from "../support/collab-client";
import { expectIntactChain, paragraphUpdate, storedLog } from "../support/document-log";

let workshopId: string;
/** One connection: statements given to it run in the order given, pipelined (as a collaboration commit lane). */
let lane: Sql;

beforeAll(async () => {
  workshopId = (await createWorkshop()).id;
  lane = createSql(testDatabaseUrl, { max: 1, applicationName: "accord-test-lane" });
});

afterAll(async () => {
  await lane.end({ timeout: 5 });
});

async function newDocument(): Promise<string> {
  const [doc] = await getSql()<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshopId}, ${`log-${randomBytes(4).toString("hex")}`}, 'Log', 'guidance') returning id`;
  return doc!.id;
}

function paragraph(text: string): { update: Uint8Array; userId: null } {
  return { update: paragraphUpdate(text), userId: null };
}

describe("the document log's chained appends", () => {
  it("commits plans chained after ones that have not returned yet, in order, on one connection", async () => {
    const id = await newDocument();
    const first = planAppend(id, { seq: 0, hash: null }, [paragraph("one")]);
    const second = planAppend(id, first.tail, [paragraph("two"), paragraph("three")]);
    const third = planAppend(id, second.tail, [paragraph("four")]);
    // All three are sent before the first answer comes back.
    const outcomes = await Promise.all([first, second, third].map((plan) => appendPlanned(id, plan, lane)));
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(await expectIntactChain(id)).toBe(4);
    expect(outcomes[2]).toEqual({ ok: true, tail: third.tail });
  });

  it("writes nothing for a plan whose place was taken or whose predecessor was refused", async () => {
    const id = await newDocument();
    const start = await appendAfterTail(id, { seq: 0, hash: null }, [paragraph("agreed")]);
    if (!start.ok) throw new Error("the first append must succeed");
    // Another instance appends after the same tail first.
    const other = await appendAfterTail(id, start.tail, [paragraph("another instance")]);
    expect(other.ok).toBe(true);
    // Ours: a batch after the old tail, and one chained after that batch, sent together.
    const mine = planAppend(id, start.tail, [paragraph("mine")]);
    const chained = planAppend(id, mine.tail, [paragraph("mine, later")]);
    const outcomes = await Promise.all([appendPlanned(id, mine, lane), appendPlanned(id, chained, lane)]);
    expect(outcomes).toEqual([
      { ok: false, conflict: true },
      { ok: false, conflict: true },
    ]);
    expect(await expectIntactChain(id)).toBe(2);
  });

  it("commits without announcing: the NOTIFY to other instances is the caller's, after the commit", async () => {
    const id = await newDocument();
    const heard: string[] = [];
    const listener = await getSql().listen(DOCUMENT_UPDATES_CHANNEL, (payload) => {
      if (payload.startsWith(id)) heard.push(payload);
    });
    try {
      const appended = await appendAfterTail(id, { seq: 0, hash: null }, [paragraph("quiet")], lane);
      expect(appended.ok).toBe(true);
      await notifyDocumentUpdated(lane, id, 1, "this-instance");
      await waitFor(() => heard.length >= 1, "the NOTIFY sent after the commit");
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([expect.stringMatching(new RegExp(`^${id} 1 this-instance \\d+$`))]); // the last part: when it was sent (ms)
    } finally {
      await listener.unlisten();
    }
  });

  it("reads every document's last log position in one query (0 for an empty log)", async () => {
    const [written, empty] = [await newDocument(), await newDocument()];
    const first = planAppend(written, { seq: 0, hash: null }, [paragraph("one"), paragraph("two")]);
    expect((await appendPlanned(written, first, lane)).ok).toBe(true);
    const tails = await readLogTails([written, empty]);
    expect(tails).toEqual(new Map([[written, 2], [empty, 0]]));
  });

  it("refuses a plan whose tail row carries another hash (a forged or stale tail)", async () => {
    const id = await newDocument();
    const start = await appendAfterTail(id, { seq: 0, hash: null }, [paragraph("first")]);
    if (!start.ok) throw new Error("the first append must succeed");
    const stale: LogTail = { seq: start.tail.seq, hash: Buffer.alloc(32, 7) };
    // One row (the usual edit) and several (a group commit) are written by different statements: both check it.
    expect(await appendAfterTail(id, stale, [paragraph("after a tail that is not there")], lane)).toEqual({ ok: false, conflict: true });
    expect(await appendAfterTail(id, stale, [paragraph("a batch"), paragraph("after it")], lane)).toEqual({ ok: false, conflict: true });
    expect(await storedLog(id)).toHaveLength(1);
    const second = await appendAfterTail(id, start.tail, [paragraph("second")], lane);
    if (!second.ok) throw new Error("an append after the real tail must succeed");
    expect((await appendAfterTail(id, second.tail, [paragraph("third"), paragraph("fourth")], lane)).ok).toBe(true);
    expect(await expectIntactChain(id)).toBe(4);
  });

  it("shows a document as last updated when its newest log row was committed, and not by refused appends", async () => {
    const admin = await createUser({ isAdmin: true });
    const id = await newDocument();
    const lastUpdated = async () => (await findDocumentForUser(id, admin.id))!.updatedAt.getTime();
    const created = await lastUpdated();
    await new Promise((r) => setTimeout(r, 20));
    const first = await appendAfterTail(id, { seq: 0, hash: null }, [paragraph("first")], lane);
    if (!first.ok) throw new Error("the first append must succeed");
    const [row] = await getSql()<{ at: Date }[]>`select created_at as at from document_updates where document_id = ${id} and seq = 1`;
    expect(await lastUpdated()).toBe(row!.at.getTime());
    expect(row!.at.getTime()).toBeGreaterThan(created);
    await new Promise((r) => setTimeout(r, 20));
    expect((await appendAfterTail(id, { seq: 0, hash: null }, [paragraph("refused")], lane)).ok).toBe(false);
    expect(await lastUpdated(), "a refused append changes nothing").toBe(row!.at.getTime());
    // A change of the document's own row (a rename, publishing) counts too.
    await getSql()`update documents set title = 'Renamed', updated_at = now() where id = ${id}`;
    expect(await lastUpdated()).toBeGreaterThan(row!.at.getTime());
  });
});
