/**
 * The members page's form posts: change a role, remove a member, create a link, invite by e-mail, revoke a link;
 * the second-factor setting and resets (second-factor-action.server.ts).
 * Input is checked here with zod; the rules live in app/models (memberships, invitations, invitation-mail).
 */
import { redirect } from "@remix-run/node";
import { z } from "zod";
import type { UserRow } from "../../db/users";
import { emailField } from "../auth/fields";
import { inviteByEmail } from "../models/invitation-mail.server";
import { cancelInvitation, createInvitation } from "../models/invitations.server";
import { changeMemberRole, listMembers, MembershipError, removeMember } from "../models/memberships.server";
import { canManageMembers, INVITATION_DAYS, INVITATION_USES, isRole, MAX_INVITATION_ADDRESSES, ROLE_LABELS, type Role } from "../models/roles";
import { findWorkshopForUser } from "../models/workshops.server";
import { parseWith, readFormFields } from "../utils/forms.server";
import { membersResult } from "./members-result.server";
import { handleSecondFactorIntent, secondFactorIntents } from "./second-factor-action.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const roleField = z.custom<Role>((v) => isRole(v), { message: "Choose one of the roles." });
const userIdField = z.string({ message: "Choose a member." }).regex(UUID, "Choose a member.");
const daysField = z.coerce
  .number({ message: "Choose how long the link stays valid." })
  .refine((d) => (INVITATION_DAYS as readonly number[]).includes(d), "Choose how long the link stays valid: 1, 7 or 30 days.");
const usesField = z
  .string()
  .optional()
  .transform((v) => Number(v ?? "1"))
  .refine((n) => (INVITATION_USES as readonly number[]).includes(n), "Choose how many people can join with the link: 1, 5, 25 or 100.");

/** One or more addresses, separated by commas, semicolons, spaces or new lines; each checked, duplicates dropped. */
const emailsField = z
  .string({ message: "Enter at least one e-mail address." })
  .max(20_000, "That is too much text: enter at most 20 addresses.")
  .transform((text, ctx) => {
    const pieces = text.split(/[\s,;]+/).filter((p) => p !== "");
    if (pieces.length === 0) ctx.addIssue({ code: "custom", message: "Enter at least one e-mail address." });
    if (pieces.length > MAX_INVITATION_ADDRESSES) {
      ctx.addIssue({ code: "custom", message: `Enter at most ${MAX_INVITATION_ADDRESSES} addresses at a time.` });
    }
    const emails: string[] = [];
    for (const piece of pieces.slice(0, MAX_INVITATION_ADDRESSES)) {
      const parsed = emailField.safeParse(piece);
      if (parsed.success) emails.push(parsed.data);
      else ctx.addIssue({ code: "custom", message: `“${piece.length > 60 ? `${piece.slice(0, 60)}…` : piece}” is not an e-mail address.` });
    }
    return [...new Set(emails)];
  });

const schema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("role"), userId: userIdField, role: roleField }),
    z.object({ intent: z.literal("remove"), userId: userIdField }),
    z.object({ intent: z.literal("invite"), role: roleField, days: daysField, uses: usesField }),
    z.object({ intent: z.literal("invite-email"), emails: emailsField, role: roleField, days: daysField }),
    z.object({ intent: z.literal("revoke"), invitationId: z.string().regex(/^[a-z2-9]{24}$/, "That invitation does not exist.") }),
    ...secondFactorIntents,
  ],
  { message: "That action is not known." },
);
type Input = z.infer<typeof schema>;

export { membersResult };

type Actor = Pick<UserRow, "id" | "name"> & { /** proved a second factor (app/auth/second-factor-gate.server.ts) */ secondFactor: boolean };
type Workshop = { id: string; slug: string; title: string };

export async function handleMembersAction(request: Request, user: Actor, workshop: Workshop) {
  const fields = await readFormFields(request);
  if (!fields) return membersResult({ error: "The form could not be read. Please try again." }, 400);
  const parsed = parseWith(schema, fields);
  if (!parsed.ok) {
    const first = Object.values(parsed.fieldErrors)[0] ?? "Please check the form.";
    const intent = typeof fields.intent === "string" ? fields.intent : null;
    return membersResult({ error: first, fieldErrors: parsed.fieldErrors, intent, values: { emails: fields.emails ?? "" } }, 400);
  }
  const input = parsed.data;
  if (input.intent === "invite") {
    const invitation = await createInvitation({ workshopId: workshop.id, actorId: user.id, role: input.role, days: input.days, maxUses: input.uses });
    return membersResult({ intent: "invite", notice: `Invitation link created for the role ${ROLE_LABELS[input.role]}.`, invitation });
  }
  if (input.intent === "invite-email") return inviteEmails(input, user, workshop);
  if (input.intent === "second-factor-rule" || input.intent === "reset-second-factor") return handleSecondFactorIntent(input, user, workshop);
  if (input.intent === "revoke") {
    const done = await cancelInvitation(workshop.id, user.id, input.invitationId);
    return done
      ? membersResult({ intent: "revoke", notice: "The invitation link was revoked: it no longer works." })
      : membersResult({ intent: "revoke", error: "That invitation link was already revoked, has expired or is used up." }, 409);
  }
  return changeMember(input, user, workshop);
}

async function inviteEmails(input: Extract<Input, { intent: "invite-email" }>, user: Actor, workshop: Workshop) {
  const outcome = await inviteByEmail({ workshop, inviter: user, role: input.role, days: input.days, emails: input.emails });
  const values = { emails: input.emails.join("\n") };
  if (!outcome.ok) {
    const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
    const error = `You have sent many invitations in the last hour. Please wait ${minutes === 1 ? "a minute" : `${minutes} minutes`} before sending more; nothing was sent.`;
    return membersResult({ intent: "invite-email", error, values }, { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } });
  }
  const parts: string[] = [];
  if (outcome.sent.length > 0) {
    parts.push(`Invitation sent to ${outcome.sent.join(", ")} for the role ${ROLE_LABELS[input.role]}: each address got a link of its own that works once.`);
  }
  if (outcome.alreadyMembers.length > 0) parts.push(`Not sent to ${outcome.alreadyMembers.join(", ")}: already a member.`);
  return membersResult({ intent: "invite-email", notice: parts.join(" ") });
}

async function changeMember(input: Extract<Input, { intent: "role" | "remove" }>, user: Actor, workshop: Workshop) {
  const member = (await listMembers(workshop.id)).find((m) => m.userId === input.userId);
  if (!member) return membersResult({ intent: input.intent, error: "That person is not a member of this workshop." }, 409);
  let revoked = 0;
  try {
    if (input.intent === "role") {
      if (member.role === input.role) return membersResult({ intent: "role", notice: `${member.name} already has the role ${ROLE_LABELS[input.role]}.` });
      await changeMemberRole(workshop.id, user.id, member.userId, input.role);
    } else {
      revoked = (await removeMember(workshop.id, user.id, member.userId)).revokedInvitations;
    }
  } catch (error) {
    if (error instanceof MembershipError) return membersResult({ intent: input.intent, error: error.message }, 409);
    throw error;
  }
  // Someone who just gave up their own organiser role (or left) can no longer see this page.
  if (member.userId === user.id) {
    const now = await findWorkshopForUser(workshop.slug, user.id);
    if (!now) throw redirect("/workshops");
    if (!canManageMembers(now.role)) throw redirect(`/workshops/${workshop.slug}`);
  }
  if (input.intent === "role") return membersResult({ intent: "role", notice: `${member.name} now has the role ${ROLE_LABELS[input.role]}.` });
  const links = revoked === 0 ? "" : revoked === 1 ? " The invitation link they created was revoked." : ` The ${revoked} invitation links they created were revoked.`;
  return membersResult({ intent: "remove", notice: `${member.name} was removed from the workshop.${links}` });
}
