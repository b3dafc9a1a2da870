/** Storing mail for many recipients at once (new-version notices to every earlier signer). */
import { describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { insertOutboxMany } from "../../db/outbox";
import { sendMails } from "../../app/mail/mailer.server";

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
