/**
 * Invitation links over real HTTP: a link admits as many people as its organiser chose (one by default), the last
 * use goes to exactly one of two people racing for it, organisers see every link with who joined by it, a removed
 * member's links stop working and no older link lets them back, unconfirmed accounts are told to confirm first,
 * and organisers can invite by e-mail (one single-use link per address, rate-limited per organiser).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import type { Role } from "../../app/models/roles";
import { addMember, createUser } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { auditActions, createMembersScene, INVITATION_TOKEN, inviteAs, roleOf, signedIn as signedInAt, type MembersScene } from "../support/members-scene";

let server: TestServer;
let scene: MembersScene;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  scene = await createMembersScene(server.url);
});

const signedIn = (user: UserRow) => signedInAt(server.url, user);
const invite = (role: Role, form: { days?: string; uses?: string } = {}) => inviteAs(scene.asOlive, scene.membersPath, { role, ...form });
const newcomers = (n: number, label = "Newcomer") => Promise.all(Array.from({ length: n }, (_, i) => createUser({ name: `${label} ${i + 1}` })));

async function memberCount(): Promise<number> {
  const [row] = await getSql()`select count(*)::int as n from memberships where workshop_id = ${scene.workshop.id}`;
  return row!.n as number;
}

async function invitationRow(token: string): Promise<{ uses: number; maxUses: number; revokedAt: Date | null }> {
  const id = token.slice("inv_".length).split(".")[0]!;
  const [row] = await getSql()`select uses, max_uses as "maxUses", revoked_at as "revokedAt" from invitations where id = ${id}`;
  return row as { uses: number; maxUses: number; revokedAt: Date | null };
}

async function membersPage(): Promise<string> {
  const res = await scene.asOlive.get(scene.membersPath);
  expect(res.status).toBe(200);
  return res.text();
}

describe("a link's use limit", () => {
  it("admits one person by default; the next is told the link is used up, and nothing changes for them", async () => {
    const token = await invite("editor");
    const [first, second] = await newcomers(2);
    expect((await (await signedIn(first!)).post(`/join/${token}`, {})).status).toBe(302);
    const asSecond = await signedIn(second!);
    const page = await asSecond.get(`/join/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("has already been used as many times as it allows");
    expect((await asSecond.post(`/join/${token}`, {})).status).toBe(410);
    expect(await roleOf(scene.workshop.id, first!.id)).toBe("editor");
    expect(await roleOf(scene.workshop.id, second!.id)).toBeNull();
    expect(await invitationRow(token)).toMatchObject({ uses: 1, maxUses: 1 });
  });

  it("admits as many people as the organiser chose (5), then refuses", async () => {
    const token = await invite("commenter", { uses: "5" });
    const people = await newcomers(6);
    const answers: number[] = [];
    for (const person of people) answers.push((await (await signedIn(person)).post(`/join/${token}`, {})).status);
    expect(answers).toEqual([302, 302, 302, 302, 302, 410]);
    expect(await memberCount()).toBe(3 + 5);
  });

  it("gives the last use to exactly one of the people who use it at the same moment", async () => {
    const single = await invite("editor");
    const racers = await Promise.all((await newcomers(2, "Racer")).map(signedIn));
    const raced = await Promise.all(racers.map((b) => b.post(`/join/${single}`, {})));
    expect(raced.map((r) => r.status).sort()).toEqual([302, 410]);

    const five = await invite("viewer", { uses: "5" });
    const crowd = await Promise.all((await newcomers(12, "Crowd")).map(signedIn));
    const rushed = await Promise.all(crowd.map((b) => b.post(`/join/${five}`, {})));
    expect(rushed.filter((r) => r.status === 302)).toHaveLength(5);
    expect(rushed.filter((r) => r.status === 410)).toHaveLength(7);

    expect(await memberCount()).toBe(3 + 1 + 5);
    expect(await invitationRow(single)).toMatchObject({ uses: 1 });
    expect(await invitationRow(five)).toMatchObject({ uses: 5 });
    const ids = [single, five].map((t) => t.slice("inv_".length).split(".")[0]!);
    const [{ n }] = (await getSql()`select count(*)::int as n from invitation_joins where invitation_id = any(${ids})`) as unknown as [{ n: number }];
    expect(n).toBe(6);
  });

  it("refuses a use limit other than the choices, in words, and creates nothing", async () => {
    for (const uses of ["0", "-1", "2", "101", "1000000", "abc", "1; drop table invitations"]) {
      const res = await scene.asOlive.post(scene.membersPath, { intent: "invite", role: "editor", days: "7", uses });
      expect(res.status, uses).toBe(400);
      expect(await res.text()).toContain("Choose how many people can join with the link: 1, 5, 25 or 100.");
    }
    const [{ n }] = (await getSql()`select count(*)::int as n from invitations where workshop_id = ${scene.workshop.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("never changes an existing member's role and takes no use; the page says how to get the role", async () => {
    const token = await invite("organizer");
    const asVi = await signedIn(scene.vi);
    const page = await (await asVi.get(`/join/${token}`)).text();
    expect(page).toContain("This link does not change your role: to become Organiser, ask one of the workshop");
    expect((await asVi.post(`/join/${token}`, {})).status).toBe(302);
    expect(await roleOf(scene.workshop.id, scene.vi.id)).toBe("viewer");
    expect(await invitationRow(token)).toMatchObject({ uses: 0 });
    const stranger = await createUser();
    expect((await (await signedIn(stranger)).post(`/join/${token}`, {})).status).toBe(302);
    expect(await roleOf(scene.workshop.id, stranger.id)).toBe("organizer");
  });
});

describe("the organisers' list of links", () => {
  it("shows each link's role, creator, creation, expiry and uses, who joined by it and when, and past links with their state", async () => {
    const shared = await invite("commenter", { uses: "5", days: "30" });
    const once = await invite("viewer");
    const ann = await createUser({ name: "Ann Arrival" });
    await (await signedIn(ann)).post(`/join/${shared}`, {});
    await scene.asOlive.post(scene.membersPath, { intent: "revoke", invitationId: once.slice("inv_".length).split(".")[0]! });

    const html = await membersPage();
    const active = html.slice(html.indexOf("Active invitation links"), html.indexOf("Past invitation links"));
    const past = html.slice(html.indexOf("Past invitation links"));
    expect(active).toMatch(/<td data-label="Role">Commenter<\/td>/);
    expect(active).toContain("by Olive Organiser");
    expect(active).toContain("1 of 5 used, 4 left");
    expect(active).toMatch(/Ann Arrival, <time dateTime="[^"]+">[^<]+ UTC<\/time>/);
    expect(past).toMatch(/<td data-label="Role">Viewer<\/td>/);
    expect(past).toMatch(/Revoked <time/);
    expect(past).toContain("0 of 1 used");
    expect(past).toContain("Nobody yet");
    expect(html).not.toContain(shared.split(".")[1]);
    expect(html).not.toContain(once.split(".")[1]);
  });

  it("records creation, revocation and joins in the audit log", async () => {
    const token = await invite("editor", { uses: "5" });
    const joiner = await createUser();
    await (await signedIn(joiner)).post(`/join/${token}`, {});
    const id = token.slice("inv_".length).split(".")[0]!;
    await scene.asOlive.post(scene.membersPath, { intent: "revoke", invitationId: id });
    expect(await auditActions(scene.workshop.id)).toMatchObject([
      { action: "invitation.created", actorId: scene.olive.id, details: { invitationId: id, role: "editor", maxUses: 5 } },
      { action: "member.joined_by_invitation", actorId: joiner.id, details: { invitationId: id, role: "editor" } },
      { action: "invitation.revoked", actorId: scene.olive.id, details: { invitationId: id, reason: "organiser" } },
    ]);
  });
});

describe("removing a member", () => {
  it("revokes the links they created and keeps them out of every link made before, until a new invitation", async () => {
    // The review's M1: an organiser about to be removed keeps an organiser link, and a link someone else made.
    await addMember(scene.workshop.id, scene.ed.id, "organizer");
    const asEd = await signedIn(scene.ed);
    const edsLink = await inviteAs(asEd, scene.membersPath, { role: "organizer", uses: "25" });
    const olivesLink = await invite("organizer", { uses: "25" });

    const removed = await scene.asOlive.post(scene.membersPath, { intent: "remove", userId: scene.ed.id });
    expect(removed.status).toBe(200);
    expect(await removed.text()).toContain("Ed Editor was removed from the workshop. The invitation link they created was revoked.");
    expect((await invitationRow(edsLink)).revokedAt).not.toBeNull();
    expect((await invitationRow(olivesLink)).revokedAt).toBeNull();

    for (const token of [edsLink, olivesLink]) {
      const page = await asEd.get(`/join/${token}`);
      expect(page.status, token).toBe(token === edsLink ? 410 : 403);
      expect((await asEd.post(`/join/${token}`, {})).status).toBe(token === edsLink ? 410 : 403);
    }
    expect(await (await asEd.get(`/join/${olivesLink}`)).text()).toContain("You were removed from this workshop after this link was made");
    expect(await roleOf(scene.workshop.id, scene.ed.id)).toBeNull();
    expect(await invitationRow(olivesLink)).toMatchObject({ uses: 0 });
    // Others still use Olive's link.
    expect((await (await signedIn(await createUser())).post(`/join/${olivesLink}`, {})).status).toBe(302);

    const fresh = await invite("viewer");
    expect((await asEd.post(`/join/${fresh}`, {})).status).toBe(302);
    expect(await roleOf(scene.workshop.id, scene.ed.id)).toBe("viewer");

    const edsId = edsLink.slice("inv_".length).split(".")[0]!;
    expect((await auditActions(scene.workshop.id)).filter((a) => a.action !== "invitation.created").slice(0, 2)).toMatchObject([
      { action: "member.removed", actorId: scene.olive.id, details: { userId: scene.ed.id, role: "organizer" } },
      { action: "invitation.revoked", actorId: scene.olive.id, details: { invitationId: edsId, reason: "creator_removed" } },
    ]);
  });

  it("bars someone who leaves by themselves from the links made before too", async () => {
    const link = await invite("editor", { uses: "5" });
    await addMember(scene.workshop.id, scene.vi.id, "organizer");
    const asVi = await signedIn(scene.vi);
    expect((await asVi.post(scene.membersPath, { intent: "remove", userId: scene.vi.id })).status).toBe(302);
    expect((await asVi.post(`/join/${link}`, {})).status).toBe(403);
    expect(await roleOf(scene.workshop.id, scene.vi.id)).toBeNull();
  });
});

describe("an account whose e-mail address is not confirmed", () => {
  it("is told to confirm first, with the link to send a new confirmation, and does not join", async () => {
    const token = await invite("editor");
    const unconfirmed = await createUser({ name: "Una Unconfirmed", verified: false });
    const browser = await signedIn(unconfirmed);
    for (const res of [await browser.get(`/join/${token}`), await browser.post(`/join/${token}`, {})]) {
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain("Confirm your e-mail address first");
      expect(html).toContain(unconfirmed.email);
      expect(html).toContain('href="/verify-email/resend"');
      expect(html).not.toContain(">Join Workshop");
    }
    expect(await roleOf(scene.workshop.id, unconfirmed.id)).toBeNull();
    expect(await invitationRow(token)).toMatchObject({ uses: 0 });
  });
});

describe("inviting by e-mail", () => {
  async function outbox(to: string): Promise<{ subject: string; text: string }[]> {
    return getSql()`select subject, text_body as text from outbox where to_address = ${to} order by id`;
  }

  it("mails each address the workshop, the role, the expiry and a single-use link of its own; members get nothing", async () => {
    const a = `Invitee-A-${Date.now()}@Example.org`;
    const b = `invitee-b-${Date.now()}@example.org`;
    const res = await scene.asOlive.post(scene.membersPath, { intent: "invite-email", emails: `${a}, ${b}\n${scene.vi.email}; ${a}`, role: "commenter", days: "30" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`Invitation sent to ${a.toLowerCase()}, ${b} for the role Commenter`);
    expect(html).toContain(`Not sent to ${scene.vi.email}: already a member.`);
    expect(await outbox(scene.vi.email)).toEqual([]);

    const tokens: string[] = [];
    for (const address of [a.toLowerCase(), b]) {
      const mails = await outbox(address);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe(`Invitation to join “Workshop ${scene.workshop.slug}” on Accord`);
      expect(mails[0]!.text).toContain("Olive Organiser invites you to join the workshop");
      expect(mails[0]!.text).toContain("as Commenter (reads documents, comments on them and proposes changes)");
      expect(mails[0]!.text).toMatch(/It works once, until \d{1,2} \w+ \d{4}, \d\d:\d\d UTC/);
      tokens.push(INVITATION_TOKEN.exec(mails[0]!.text)![1]!);
    }
    expect(new Set(tokens).size).toBe(2);
    expect(html).not.toContain(tokens[0]!.split(".")[1]);

    const [first, second] = await newcomers(2);
    expect((await (await signedIn(first!)).post(`/join/${tokens[0]!}`, {})).status).toBe(302);
    expect((await (await signedIn(second!)).post(`/join/${tokens[0]!}`, {})).status).toBe(410);
    expect(await roleOf(scene.workshop.id, first!.id)).toBe("commenter");

    const list = await membersPage();
    expect(list).toContain(`mailed to ${b}`);
    const created = (await auditActions(scene.workshop.id)).filter((e) => e.action === "invitation.created");
    expect(created).toHaveLength(2);
    expect(created[0]).toMatchObject({ actorId: scene.olive.id, details: { role: "commenter", maxUses: 1, byEmail: true } });
  });

  it("refuses bad addresses in words, sends nothing, and gives the typed text back", async () => {
    const typed = "good@example.org, not-an-address, <script>x</script>";
    const cases: [Record<string, string>, string][] = [
      [{ emails: typed, role: "editor", days: "7" }, "“not-an-address” is not an e-mail address."],
      [{ emails: " ,\n ", role: "editor", days: "7" }, "Enter at least one e-mail address."],
      [{ emails: Array.from({ length: 21 }, (_, i) => `p${i}@example.org`).join(","), role: "editor", days: "7" }, "Enter at most 20 addresses at a time."],
      [{ emails: "a@example.org", role: "owner", days: "7" }, "Choose one of the roles."],
      [{ emails: "a@example.org", role: "editor", days: "365" }, "Choose how long the link stays valid: 1, 7 or 30 days."],
    ];
    for (const [form, message] of cases) {
      const res = await scene.asOlive.post(scene.membersPath, { intent: "invite-email", ...form });
      expect(res.status, message).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).not.toContain("<script>x</script>");
    }
    const again = await (await scene.asOlive.post(scene.membersPath, { intent: "invite-email", emails: typed, role: "editor", days: "7" })).text();
    expect(again).toContain(">good@example.org, not-an-address, &lt;script&gt;x&lt;/script&gt;</textarea>");
    expect(await outbox("good@example.org")).toEqual([]);
    const [{ n }] = (await getSql()`select count(*)::int as n from invitations where workshop_id = ${scene.workshop.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("limits the mails one organiser sends in an hour: over the limit nothing is sent, and other organisers are not affected", async () => {
    const batch = (label: string) => Array.from({ length: 20 }, (_, i) => `${label}-${i}-${Date.now()}@example.org`).join("\n");
    for (const label of ["one", "two"]) {
      const res = await scene.asOlive.post(scene.membersPath, { intent: "invite-email", emails: batch(label), role: "viewer", days: "1" });
      expect(res.status).toBe(200);
    }
    const third = batch("three");
    const refused = await scene.asOlive.post(scene.membersPath, { intent: "invite-email", emails: third, role: "viewer", days: "1" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const html = await refused.text();
    expect(html).toContain("You have sent many invitations in the last hour. Please wait");
    expect(html).toContain("nothing was sent");
    expect(html).toContain(third.split("\n")[19]);
    const [{ n }] = (await getSql()`select count(*)::int as n from outbox where to_address like 'three-%'`) as unknown as [{ n: number }];
    expect(n).toBe(0);

    await addMember(scene.workshop.id, scene.ed.id, "organizer");
    const asEd = await signedIn(scene.ed);
    expect((await asEd.post(scene.membersPath, { intent: "invite-email", emails: "ed-guest@example.org", role: "viewer", days: "1" })).status).toBe(200);
  });

  it("is for organisers only", async () => {
    const asEd = await signedIn(scene.ed);
    const res = await asEd.post(scene.membersPath, { intent: "invite-email", emails: "victim@example.org", role: "organizer", days: "30" });
    expect(res.status).toBe(403);
    expect(await outbox("victim@example.org")).toEqual([]);
    const outsider = new Browserish(server.url);
    expect((await outsider.post(scene.membersPath, { intent: "invite-email", emails: "victim@example.org", role: "viewer", days: "1" })).status).toBe(302);
    expect(await outbox("victim@example.org")).toEqual([]);
  });
});
