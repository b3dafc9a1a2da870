/**
 * The members page's form posts: change a role, remove a member, create a link, invite by e-mail, revoke a link;
 * the second-factor setting and resets (second-factor-action.server.ts).
 * Input is checked here with zod; the rules live in app/models (memberships, invitations, invitation-mail). Every
 * answer is in the organiser's language (`t`).
 */
import { redirect } from "@remix-run/node";
import type { Translate } from "../i18n/instance";
import { z } from "zod";
import type { UserRow } from "../../db/users";
import { emailField } from "../auth/fields";
import type { Locale } from "../i18n/locales";
import { inviteByEmail } from "../models/invitation-mail.server";
import { cancelInvitation, createInvitation } from "../models/invitations.server";
import { changeMemberRole, listMembers, MembershipError, removeMember } from "../models/memberships.server";
import { canManageMembers, INVITATION_DAYS, INVITATION_USES, isRole, MAX_INVITATION_ADDRESSES, type Role } from "../models/roles";
import { roleName } from "../workshops/words";
import { findWorkshopForUser } from "../models/workshops.server";
import { parseWith, readFormFields } from "../utils/forms.server";
import { membersResult } from "./members-result.server";
import { handleSecondFactorIntent, secondFactorIntents } from "./second-factor-action.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form's schema, its messages in the organiser's language. */
function schemaIn(t: Translate) {
  const chooseMember = t("workshop:members.errors.chooseMember");
  const roleField = z.custom<Role>((v) => isRole(v), { message: t("workshop:members.errors.chooseRole") });
  const userIdField = z.string({ message: chooseMember }).regex(UUID, chooseMember);
  const daysField = z.coerce
    .number({ message: t("workshop:members.errors.chooseDays") })
    .refine((d) => (INVITATION_DAYS as readonly number[]).includes(d), t("workshop:members.errors.chooseDaysFrom"));
  const usesField = z
    .string()
    .optional()
    .transform((v) => Number(v ?? "1"))
    .refine((n) => (INVITATION_USES as readonly number[]).includes(n), t("workshop:members.errors.chooseUses"));

  /** One or more addresses, separated by commas, semicolons, spaces or new lines; each checked, duplicates dropped. */
  const emailsField = z
    .string({ message: t("workshop:members.errors.noEmail") })
    .max(20_000, t("workshop:members.errors.tooMuchText", { max: MAX_INVITATION_ADDRESSES }))
    .transform((text, ctx) => {
      const pieces = text.split(/[\s,;]+/).filter((p) => p !== "");
      if (pieces.length === 0) ctx.addIssue({ code: "custom", message: t("workshop:members.errors.noEmail") });
      if (pieces.length > MAX_INVITATION_ADDRESSES) {
        ctx.addIssue({ code: "custom", message: t("workshop:members.errors.tooManyEmails", { max: MAX_INVITATION_ADDRESSES }) });
      }
      const emails: string[] = [];
      for (const piece of pieces.slice(0, MAX_INVITATION_ADDRESSES)) {
        const parsed = emailField.safeParse(piece);
        if (parsed.success) emails.push(parsed.data);
        else ctx.addIssue({ code: "custom", message: t("workshop:members.errors.notAnEmail", { text: piece.length > 60 ? `${piece.slice(0, 60)}…` : piece }) });
      }
      return [...new Set(emails)];
    });

  return z.discriminatedUnion(
    "intent",
    [
      z.object({ intent: z.literal("role"), userId: userIdField, role: roleField }),
      z.object({ intent: z.literal("remove"), userId: userIdField }),
      z.object({ intent: z.literal("invite"), role: roleField, days: daysField, uses: usesField }),
      z.object({ intent: z.literal("invite-email"), emails: emailsField, role: roleField, days: daysField }),
      z.object({ intent: z.literal("revoke"), invitationId: z.string().regex(/^[a-z2-9]{24}$/, t("workshop:members.errors.noInvitation")) }),
      ...secondFactorIntents(t),
    ],
    { message: t("workshop:members.errors.unknownAction") },
  );
}
type Input = z.infer<ReturnType<typeof schemaIn>>;

export { membersResult };

type Actor = Pick<UserRow, "id" | "name"> & { /** proved a second factor (app/auth/second-factor-gate.server.ts) */ secondFactor: boolean };
type Workshop = { id: string; slug: string; title: string };

/** `locale`: the organiser's interface language (`t`'s), in which invitation mails to new addresses are written. */
export async function handleMembersAction(request: Request, user: Actor, workshop: Workshop, t: Translate, locale: Locale) {
  const fields = await readFormFields(request);
  if (!fields) return membersResult({ error: t("workshop:members.errors.unreadable") }, 400);
  const parsed = parseWith(schemaIn(t), fields);
  if (!parsed.ok) {
    const first = Object.values(parsed.fieldErrors)[0] ?? t("workshop:members.errors.checkForm");
    const intent = typeof fields.intent === "string" ? fields.intent : null;
    return membersResult({ error: first, fieldErrors: parsed.fieldErrors, intent, values: { emails: fields.emails ?? "" } }, 400);
  }
  const input = parsed.data;
  if (input.intent === "invite") {
    const invitation = await createInvitation({ workshopId: workshop.id, actorId: user.id, role: input.role, days: input.days, maxUses: input.uses });
    return membersResult({ intent: "invite", notice: t("workshop:members.notices.linkCreated", { role: roleName(t, input.role) }), invitation });
  }
  if (input.intent === "invite-email") return inviteEmails(input, user, workshop, t, locale);
  if (input.intent === "second-factor-rule" || input.intent === "reset-second-factor") return handleSecondFactorIntent(input, user, workshop, t);
  if (input.intent === "revoke") {
    const done = await cancelInvitation(workshop.id, user.id, input.invitationId);
    return done
      ? membersResult({ intent: "revoke", notice: t("workshop:members.notices.revoked") })
      : membersResult({ intent: "revoke", error: t("workshop:members.errors.cannotRevoke") }, 409);
  }
  return changeMember(input, user, workshop, t);
}

async function inviteEmails(input: Extract<Input, { intent: "invite-email" }>, user: Actor, workshop: Workshop, t: Translate, locale: Locale) {
  const outcome = await inviteByEmail({ workshop, inviter: user, locale, role: input.role, days: input.days, emails: input.emails });
  const values = { emails: input.emails.join("\n") };
  if (!outcome.ok) {
    const minutes = Math.ceil(outcome.retryAfterSeconds / 60);
    const error = t("workshop:members.errors.mailLimit", { count: minutes });
    return membersResult({ intent: "invite-email", error, values }, { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } });
  }
  const parts: string[] = [];
  if (outcome.sent.length > 0) {
    parts.push(t("workshop:members.notices.sent", { emails: outcome.sent.join(", "), role: roleName(t, input.role) }));
  }
  if (outcome.alreadyMembers.length > 0) parts.push(t("workshop:members.notices.alreadyMembers", { emails: outcome.alreadyMembers.join(", ") }));
  return membersResult({ intent: "invite-email", notice: parts.join(" ") });
}

async function changeMember(input: Extract<Input, { intent: "role" | "remove" }>, user: Actor, workshop: Workshop, t: Translate) {
  const member = (await listMembers(workshop.id)).find((m) => m.userId === input.userId);
  if (!member) return membersResult({ intent: input.intent, error: t("workshop:members.errors.notMember") }, 409);
  let revoked = 0;
  try {
    if (input.intent === "role") {
      if (member.role === input.role) return membersResult({ intent: "role", notice: t("workshop:members.notices.sameRole", { name: member.name, role: roleName(t, input.role) }) });
      await changeMemberRole(workshop.id, user.id, member.userId, input.role);
    } else {
      revoked = (await removeMember(workshop.id, user.id, member.userId)).revokedInvitations;
    }
  } catch (error) {
    if (error instanceof MembershipError) {
      const message = error.code === "last_organizer" ? t("workshop:members.errors.lastOrganiser") : error.code === "not_member" ? t("workshop:members.errors.notMember") : error.message;
      return membersResult({ intent: input.intent, error: message }, 409);
    }
    throw error;
  }
  // Someone who just gave up their own organiser role (or left) can no longer see this page.
  if (member.userId === user.id) {
    const now = await findWorkshopForUser(workshop.slug, user.id);
    if (!now) throw redirect("/workshops");
    if (!canManageMembers(now.role)) throw redirect(`/workshops/${workshop.slug}`);
  }
  if (input.intent === "role") return membersResult({ intent: "role", notice: t("workshop:members.notices.roleChanged", { name: member.name, role: roleName(t, input.role) }) });
  const removed = t("workshop:members.notices.removed", { name: member.name });
  return membersResult({ intent: "remove", notice: revoked === 0 ? removed : `${removed} ${t("workshop:members.notices.linksRevoked", { count: revoked })}` });
}
