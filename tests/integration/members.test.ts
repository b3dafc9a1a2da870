/**
 * Organisers manage a workshop's members and invitation links, over real HTTP (Express + the Remix build):
 * the rules hold (one organiser always stays, links never downgrade), other people cannot do it, GET changes
 * nothing, cross-origin posts are refused, and every change lands in the audit log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import type { Role } from "../../app/models/roles";
import { createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { auditActions, createMembersScene, inviteAs, roleOf, signedIn as signedInAt, type MembersScene } from "../support/members-scene";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const signedIn = (user: UserRow) => signedInAt(server.url, user);

/** A workshop with an organiser (Olive), an editor (Ed) and a viewer (Vi), Olive signed in. */
let scene: MembersScene;

beforeEach(async () => {
  scene = await createMembersScene(server.url);
});

const invite = (role: Role, days = "7"): Promise<string> => inviteAs(scene.asOlive, scene.membersPath, { role, days });

describe("the members page", () => {
  it("shows an organiser every member with e-mail, role and a labelled role control, and is never cached", async () => {
    const res = await scene.asOlive.get(scene.membersPath);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    for (const person of [scene.olive, scene.ed, scene.vi]) {
      expect(html).toContain(person.email);
      expect(html).toContain(`<label class="visually-hidden" for="role-${person.id}">Role for ${person.name}</label>`);
    }
    expect(html).toContain(">Remove Ed Editor</a>");
  });

  it("lets an organiser change a member's role, and records it", async () => {
    const res = await scene.asOlive.post(scene.membersPath, { intent: "role", userId: scene.ed.id, role: "commenter" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Ed Editor now has the role Commenter.");
    expect(await roleOf(scene.workshop.id, scene.ed.id)).toBe("commenter");
    expect(await auditActions(scene.workshop.id)).toEqual([
      { action: "member.role_changed", actorId: scene.olive.id, details: { userId: scene.ed.id, from: "editor", to: "commenter" } },
    ]);
  });

  it("asks before removing someone (GET changes nothing), then removes them on POST, and records it", async () => {
    const confirm = await scene.asOlive.get(`${scene.membersPath}?remove=${scene.vi.id}`);
    const html = await confirm.text();
    expect(html).toContain("Remove Vi Viewer?");
    expect(html).toContain(">Remove Vi Viewer</button>");
    expect(await roleOf(scene.workshop.id, scene.vi.id)).toBe("viewer");

    const res = await scene.asOlive.post(scene.membersPath, { intent: "remove", userId: scene.vi.id });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Vi Viewer was removed from the workshop.");
    expect(await roleOf(scene.workshop.id, scene.vi.id)).toBeNull();
    expect((await (await signedIn(scene.vi)).get(`/workshops/${scene.workshop.slug}`)).status).toBe(404);
    expect(await auditActions(scene.workshop.id)).toEqual([
      { action: "member.removed", actorId: scene.olive.id, details: { userId: scene.vi.id, role: "viewer" } },
    ]);
  });

  it("never demotes or removes the last organiser, and says why", async () => {
    const forms: Record<string, string>[] = [
      { intent: "role", userId: scene.olive.id, role: "editor" },
      { intent: "remove", userId: scene.olive.id },
    ];
    for (const form of forms) {
      const res = await scene.asOlive.post(scene.membersPath, form);
      expect(res.status).toBe(409);
      expect(await res.text()).toContain("A workshop needs at least one organiser: make someone else an organiser first.");
    }
    expect(await roleOf(scene.workshop.id, scene.olive.id)).toBe("organizer");
    expect(await auditActions(scene.workshop.id)).toEqual([]);
  });

  it("lets an organiser step down once someone else organises, and then shows them the workshop instead", async () => {
    await scene.asOlive.post(scene.membersPath, { intent: "role", userId: scene.ed.id, role: "organizer" });
    const res = await scene.asOlive.post(scene.membersPath, { intent: "role", userId: scene.olive.id, role: "editor" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/workshops/${scene.workshop.slug}`);
    expect(await roleOf(scene.workshop.id, scene.olive.id)).toBe("editor");
    expect((await scene.asOlive.get(scene.membersPath)).status).toBe(403);
  });

  it("answers a member who is not an organiser with 403 in words, and their posts change nothing", async () => {
    const asEd = await signedIn(scene.ed);
    const page = await asEd.get(scene.membersPath);
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain("can see and change its members and invitations. Your role in this workshop is Editor.");
    expect(html).not.toContain(scene.vi.email);

    const attempts: Record<string, string>[] = [
      { intent: "role", userId: scene.ed.id, role: "organizer" },
      { intent: "role", userId: scene.olive.id, role: "viewer" },
      { intent: "remove", userId: scene.olive.id },
      { intent: "invite", role: "organizer", days: "30" },
    ];
    for (const form of attempts) {
      const res = await asEd.post(scene.membersPath, form);
      expect(res.status, JSON.stringify(form)).toBe(403);
      expect(await res.text()).not.toContain("/join/inv_");
    }
    expect(await roleOf(scene.workshop.id, scene.ed.id)).toBe("editor");
    expect(await roleOf(scene.workshop.id, scene.olive.id)).toBe("organizer");
    const [{ n }] = (await getSql()`select count(*)::int as n from invitations where workshop_id = ${scene.workshop.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
    expect(await auditActions(scene.workshop.id)).toEqual([]);
  });

  it("answers someone outside the workshop with 404, as for a workshop that does not exist", async () => {
    const stranger = await signedIn(await createUser());
    expect((await stranger.get(scene.membersPath)).status).toBe(404);
    expect((await stranger.post(scene.membersPath, { intent: "remove", userId: scene.vi.id })).status).toBe(404);
    expect((await stranger.get("/workshops/no-such-workshop/members")).status).toBe(404);
    expect(await roleOf(scene.workshop.id, scene.vi.id)).toBe("viewer");
  });

  it("refuses a cross-origin POST with 403 and changes nothing", async () => {
    const form = { intent: "role", userId: scene.ed.id, role: "organizer" };
    const crossOrigin = await scene.asOlive.post(scene.membersPath, form, { origin: "https://evil.example" });
    expect(crossOrigin.status).toBe(403);
    const crossSite = await scene.asOlive.post(scene.membersPath, form, { origin: "", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(await roleOf(scene.workshop.id, scene.ed.id)).toBe("editor");
    expect(await auditActions(scene.workshop.id)).toEqual([]);
  });

  it("rejects malformed input in words without changing anything", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ intent: "role", userId: scene.ed.id, role: "owner" }, "Choose one of the roles."],
      [{ intent: "role", userId: "'; drop table memberships; --", role: "viewer" }, "Choose a member."],
      [{ intent: "invite", role: "editor", days: "365" }, "Choose how long the link stays valid: 1, 7 or 30 days."],
      [{ intent: "invite", role: "admin", days: "7" }, "Choose one of the roles."],
      [{ intent: "revoke", invitationId: "../../etc" }, "That invitation does not exist."],
      [{ intent: "delete-workshop" }, "That action is not known."],
      [{}, "That action is not known."],
    ];
    for (const [form, message] of cases) {
      const res = await scene.asOlive.post(scene.membersPath, form);
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(await res.text()).toContain(message);
    }
    const stranger = await createUser();
    const res = await scene.asOlive.post(scene.membersPath, { intent: "role", userId: stranger.id, role: "organizer" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("That person is not a member of this workshop.");
    expect(await roleOf(scene.workshop.id, stranger.id)).toBeNull();
    expect(await auditActions(scene.workshop.id)).toEqual([]);
  });
});

describe("invitation links", () => {
  it("shows a new link once, lists it as active, and records its creation", async () => {
    const token = await invite("commenter", "30");
    const page = await (await scene.asOlive.get(scene.membersPath)).text();
    expect(page).not.toContain(token);
    expect(page).not.toContain(token.split(".")[1]);
    expect(page).toMatch(/<td data-label="Role">Commenter<\/td>/);
    const [row] = await getSql()`select role, expires_at - created_at as ttl from invitations where workshop_id = ${scene.workshop.id}`;
    expect(row!.role).toBe("commenter");
    const audit = await auditActions(scene.workshop.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "invitation.created", actorId: scene.olive.id, details: { role: "commenter" } });
  });

  it("joins a signed-in person with the link's role on POST, while GET only asks", async () => {
    const token = await invite("commenter");
    const newcomer = await createUser({ name: "New Comer" });
    const browser = await signedIn(newcomer);

    const page = await browser.get(`/join/${token}`);
    expect(page.status).toBe(200);
    // The token is in the URL: the effective (last) policy must never send it to another site.
    expect(["same-origin", "no-referrer"]).toContain(page.headers.get("referrer-policy")?.split(",").pop()?.trim());
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain(`>Join Workshop ${scene.workshop.slug} as Commenter</button>`);
    expect(await roleOf(scene.workshop.id, newcomer.id)).toBeNull();

    const joined = await browser.post(`/join/${token}`, {});
    expect(joined.status).toBe(302);
    expect(joined.headers.get("location")).toBe(`/workshops/${scene.workshop.slug}`);
    expect(await roleOf(scene.workshop.id, newcomer.id)).toBe("commenter");
    expect((await browser.get(`/workshops/${scene.workshop.slug}`)).status).toBe(200);
    const audit = await auditActions(scene.workshop.id);
    expect(audit.at(-1)).toMatchObject({ action: "member.joined_by_invitation", actorId: newcomer.id, details: { role: "commenter" } });
  });

  it("asks someone who is signed out to sign in, and brings them back; nothing changes", async () => {
    const token = await invite("editor");
    const res = await fetch(`${server.url}/join/${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`href="/login?redirectTo=${encodeURIComponent(`/join/${token}`)}"`);
    expect(html).toContain("Create an account");
    const post = await fetch(`${server.url}/join/${token}`, { method: "POST", redirect: "manual", headers: { origin: server.url } });
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    const [{ n }] = (await getSql()`select count(*)::int as n from memberships where workshop_id = ${scene.workshop.id}`) as unknown as [{ n: number }];
    expect(n).toBe(3);
  });

  it("keeps an existing member's role, whether the link's role is higher or lower", async () => {
    const organiserLink = await invite("organizer");
    const asVi = await signedIn(scene.vi);
    const page = await (await asVi.get(`/join/${organiserLink}`)).text();
    expect(page).toContain("You are already a member of this workshop as <strong>Viewer</strong>");
    expect((await asVi.post(`/join/${organiserLink}`, {})).status).toBe(302);
    expect(await roleOf(scene.workshop.id, scene.vi.id)).toBe("viewer");

    const viewerLink = await invite("viewer");
    expect((await scene.asOlive.post(`/join/${viewerLink}`, {})).status).toBe(302);
    expect(await roleOf(scene.workshop.id, scene.olive.id)).toBe("organizer");
    expect((await auditActions(scene.workshop.id)).map((a) => a.action)).toEqual(["invitation.created", "invitation.created"]);
  });

  it("refuses a revoked link with 410, and records the revocation", async () => {
    const token = await invite("editor");
    const [{ id }] = (await getSql()`select id from invitations where workshop_id = ${scene.workshop.id}`) as unknown as [{ id: string }];
    const revoked = await scene.asOlive.post(scene.membersPath, { intent: "revoke", invitationId: id });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toContain("The invitation link was revoked");
    const again = await scene.asOlive.post(scene.membersPath, { intent: "revoke", invitationId: id });
    expect(again.status).toBe(409);

    const browser = await signedIn(await createUser());
    const page = await browser.get(`/join/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("has expired or was revoked");
    expect((await browser.post(`/join/${token}`, {})).status).toBe(410);
    const [{ n }] = (await getSql()`select count(*)::int as n from memberships where workshop_id = ${scene.workshop.id}`) as unknown as [{ n: number }];
    expect(n).toBe(3);
    expect((await auditActions(scene.workshop.id)).map((a) => a.action)).toEqual(["invitation.created", "invitation.revoked"]);
  });

  it("refuses an expired link with 410", async () => {
    const token = await invite("editor", "1");
    await getSql()`update invitations set expires_at = now() - interval '1 second' where workshop_id = ${scene.workshop.id}`;
    const browser = await signedIn(await createUser());
    expect((await browser.get(`/join/${token}`)).status).toBe(410);
    expect((await browser.post(`/join/${token}`, {})).status).toBe(410);
    expect((await scene.asOlive.get(scene.membersPath).then((r) => r.text()))).toContain("No invitation link is active.");
  });

  it("answers an invalid or tampered link with 404 and the same words", async () => {
    const token = await invite("editor");
    const [id] = token.slice("inv_".length).split(".");
    const browser = await signedIn(await createUser());
    for (const bad of [
      `inv_${id}.${"a".repeat(24)}`,
      token.slice(0, -1),
      `${token}x`,
      "inv_",
      "nonsense",
      encodeURIComponent("../../etc/passwd"),
      encodeURIComponent("<script>alert(1)</script>"),
    ]) {
      const res = await browser.get(`/join/${bad}`);
      expect(res.status, bad).toBe(404);
      const html = await res.text();
      expect(html).toContain("This invitation link is not valid.");
      expect(html).not.toContain(`Workshop ${scene.workshop.slug}`);
      expect((await browser.post(`/join/${bad}`, {})).status).toBe(404);
    }
    const [{ n }] = (await getSql()`select count(*)::int as n from memberships where workshop_id = ${scene.workshop.id}`) as unknown as [{ n: number }];
    expect(n).toBe(3);
  });

  it("refuses a cross-origin POST to a link", async () => {
    const token = await invite("editor");
    const newcomer = await createUser();
    const browser = await signedIn(newcomer);
    const res = await browser.post(`/join/${token}`, {}, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await roleOf(scene.workshop.id, newcomer.id)).toBeNull();
  });
});
