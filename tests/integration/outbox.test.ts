/** The outbox: storing mail for many recipients at once, and keeping no body beyond 7 days after sending. */
import { describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { insertOutbox, insertOutboxMany } from "../../db/outbox";
import { sendMails } from "../../app/mail/mailer.server";
import { RETENTION_LOCK, runRetention } from "../../app/models/retention.server";
import { startTestServer } from "../support/http-server";

describe("the outbox", () => {
  it("stores many mails in one go and hands back each mail's own id, in order", async () => {
    const mails = Array.from({ length: 7 }, (_, i) => ({ to: `many-${i}-${Date.now()}@example.org`, subject: `Subject ${i}`, text: `Body ${i}` }));
    const ids = await insertOutboxMany(mails);
    expect(ids).toHaveLength(7);
    const rows = await getSql()<{ id: number; to: string; subject: string }[]>`
      select id, to_address as "to", subject from outbox where id = any(${ids}::bigint[])`;
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    ids.forEach((id, i) => expect(byId.get(id)).toMatchObject({ to: mails[i]!.to, subject: mails[i]!.subject }));
    expect(await insertOutboxMany([])).toEqual([]);
  });

  it("stores more mails than one statement takes, and counts them", async () => {
    const stamp = Date.now();
    const mails = Array.from({ length: 1234 }, (_, i) => ({ to: `bulk-${stamp}-${i}@example.org`, subject: "Bulk", text: "Text" }));
    expect(await sendMails(mails)).toBe(1234);
    const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from outbox where to_address like ${`bulk-${stamp}-%`}`;
    expect(row!.n).toBe(1234);
  });
});

/** A mail stored `createdDaysAgo` days ago, sent `sentDaysAgo` days ago (null: never sent). */
async function mailFrom(createdDaysAgo: number, sentDaysAgo: number | null): Promise<number> {
  const id = await insertOutbox({ to: "kept@example.org", subject: "Reset your Accord password", text: "https://accord.example/reset-password?token=abc.def" });
  await getSql()`
    update outbox set created_at = now() - make_interval(days => ${createdDaysAgo}),
                      sent_at = case when ${sentDaysAgo}::int is null then null else now() - make_interval(days => ${sentDaysAgo}::int) end
    where id = ${id}`;
  return id;
}

/** The retention job's mail-body purge: how many bodies it blanked, or null when another instance holds its lock. */
async function purgeOldMailBodies(): Promise<number | null> {
  return (await runRetention())?.mailBodies ?? null;
}

async function bodyOf(id: number): Promise<{ body: string; removedAt: Date | null; to: string; subject: string }> {
  const [row] = await getSql()<{ body: string; removedAt: Date | null; to: string; subject: string }[]>`
    select text_body as body, body_removed_at as "removedAt", to_address as "to", subject from outbox where id = ${id}`;
  return row!;
}

describe("keeping mail bodies", () => {
  it("blanks the bodies of mails sent more than 7 days ago (and of old mails never sent), keeps the rest, and is idempotent", async () => {
    const oldSent = await mailFrom(9, 8);
    const oldUnsent = await mailFrom(8, null);
    const recentSent = await mailFrom(10, 6); // stored long ago, sent only 6 days ago
    const fresh = await mailFrom(0, 0);
    expect(await purgeOldMailBodies()).toBeGreaterThanOrEqual(2);
    for (const id of [oldSent, oldUnsent]) {
      const row = await bodyOf(id);
      expect(row.body).toBe("");
      expect(row.removedAt).toBeInstanceOf(Date);
      expect(row).toMatchObject({ to: "kept@example.org", subject: "Reset your Accord password" });
    }
    for (const id of [recentSent, fresh]) expect((await bodyOf(id)).body).toContain("reset-password?token=abc.def");
    const removedAt = (await bodyOf(oldSent)).removedAt;
    expect(await purgeOldMailBodies()).toBe(0);
    expect((await bodyOf(oldSent)).removedAt).toEqual(removedAt);
  });

  it("lets one instance purge at a time: another one finds the lock taken and leaves the work to it", async () => {
    const id = await mailFrom(30, 30);
    let purgedMeanwhile: number | null | undefined;
    await getSql().begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${RETENTION_LOCK}))`; // another instance, mid-purge
      purgedMeanwhile = await purgeOldMailBodies();
    });
    expect(purgedMeanwhile).toBeNull();
    expect((await bodyOf(id)).body).not.toBe("");
    expect(await purgeOldMailBodies()).toBe(1);
    expect((await bodyOf(id)).body).toBe("");
  });

  it("is done by the server on its own, from the moment it starts", async () => {
    const id = await mailFrom(20, 20);
    const server = await startTestServer();
    try {
      const deadline = Date.now() + 10_000;
      while ((await bodyOf(id)).body !== "" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await bodyOf(id)).body).toBe("");
    } finally {
      await server.close();
    }
  });
});
