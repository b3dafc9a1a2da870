/** A workshop with an organiser (Olive, signed in), an editor (Ed) and a viewer (Vi), and helpers to look at it. */
import { expect } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import type { Role } from "../../app/models/roles";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "./factories";
import { Browserish } from "./http-server";

export const INVITATION_TOKEN = /\/join\/(inv_[a-z2-9]{24}\.[a-z2-9]{24})/;

export async function signedIn(baseUrl: string, user: UserRow): Promise<Browserish> {
  const browser = new Browserish(baseUrl);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.status, "login should redirect").toBe(302);
  return browser;
}

export async function roleOf(workshopId: string, userId: string): Promise<Role | null> {
  const [row] = await getSql()`select role from memberships where workshop_id = ${workshopId} and user_id = ${userId}`;
  return (row?.role as Role | undefined) ?? null;
}

export async function auditActions(workshopId: string): Promise<{ action: string; actorId: string | null; details: Record<string, unknown> }[]> {
  return getSql()`
    select action, actor_id as "actorId", details from audit_log where workshop_id = ${workshopId} order by id`;
}

export interface MembersScene {
  workshop: { id: string; slug: string };
  olive: UserRow;
  ed: UserRow;
  vi: UserRow;
  asOlive: Browserish;
  membersPath: string;
}

export async function createMembersScene(baseUrl: string): Promise<MembersScene> {
  const workshop = await createWorkshop();
  const olive = await createUser({ name: "Olive Organiser" });
  const ed = await createUser({ name: "Ed Editor" });
  const vi = await createUser({ name: "Vi Viewer" });
  await addMember(workshop.id, olive.id, "organizer");
  await addMember(workshop.id, ed.id, "editor");
  await addMember(workshop.id, vi.id, "viewer");
  return { workshop, olive, ed, vi, asOlive: await signedIn(baseUrl, olive), membersPath: `/workshops/${workshop.slug}/members` };
}

/** Create a link on the members page as `as` (an organiser) and return its token, read from the page shown once. */
export async function inviteAs(as: Browserish, membersPath: string, form: { role: Role; days?: string; uses?: string }): Promise<string> {
  const res = await as.post(membersPath, { intent: "invite", days: "7", ...form });
  expect(res.status).toBe(200);
  const token = INVITATION_TOKEN.exec(await res.text())?.[1];
  expect(token, "the new link is shown").toBeTruthy();
  return token!;
}
