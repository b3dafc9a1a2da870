/**
 * Invite people by e-mail: each address gets a single-use link of its own (made by createInvitation, so every link
 * rule holds) and a mail with the workshop, the role, the expiry and the link, through the outbox (and SMTP when
 * configured). Addresses of current members get nothing. Each mail counts against the organiser's hourly limit
 * (LIMITS.invitationMailsPerOrganiser); a batch over the limit sends nothing. Each mail is in the language of the
 * address's account when it chose one, else in the inviter's (the page they invited from; issue 14).
 */
import { getSql } from "../../db/client";
import { listMemberEmailsAmong } from "../../db/memberships";
import { findAccountLanguages } from "../../db/users";
import { LIMITS, spendRequest } from "../auth/request-limits.server";
import type { Locale } from "../i18n/locales";
import { tFor } from "../i18n/strings.server";
import { sendMails, type Mail } from "../mail/mailer.server";
import { recipientLocale } from "../mail/recipient-locale";
import { dateTimeIn, roleDescription, roleName } from "../workshops/words";
import { createInvitation, type CreatedInvitation } from "./invitations.server";
import type { Role } from "./roles";

export type InviteByEmailResult =
  | { ok: true; sent: string[]; alreadyMembers: string[]; expiresAt: Date | null }
  | { ok: false; retryAfterSeconds: number };

const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, " ");

export function invitationMail(to: string, workshopTitle: string, inviterName: string, invitation: CreatedInvitation, locale: Locale): Mail {
  const t = tFor(locale);
  const workshop = oneLine(workshopTitle);
  const role = t("mail:invitation.role", { role: roleName(t, invitation.role), does: roleDescription(t, invitation.role).toLocaleLowerCase(locale) });
  return {
    to,
    subject: t("mail:invitation.subject", { workshop }),
    text: t("mail:invitation.body", {
      greeting: t("mail:greeting.plain"),
      inviter: oneLine(inviterName),
      workshop,
      role,
      until: dateTimeIn(locale, invitation.expiresAt),
      link: invitation.url,
    }),
  };
}

export async function inviteByEmail(input: {
  workshop: { id: string; title: string };
  inviter: { id: string; name: string };
  /** The inviter's interface language (the request's). */
  locale: Locale;
  role: Role;
  days: number;
  emails: string[];
}): Promise<InviteByEmailResult> {
  const emails = [...new Set(input.emails)];
  const alreadyMembers = await listMemberEmailsAmong(input.workshop.id, emails);
  const toInvite = emails.filter((e) => !alreadyMembers.includes(e));
  if (toInvite.length === 0) return { ok: true, sent: [], alreadyMembers, expiresAt: null };
  const wait = await spendRequest([{ key: `invitation-mail:${input.inviter.id}`, limit: LIMITS.invitationMailsPerOrganiser, n: toInvite.length }]);
  if (wait > 0) return { ok: false, retryAfterSeconds: wait };
  const created = await getSql().begin(async (tx) => {
    const links: { to: string; invitation: CreatedInvitation }[] = [];
    for (const to of toInvite) {
      const base = { workshopId: input.workshop.id, actorId: input.inviter.id, role: input.role, days: input.days };
      links.push({ to, invitation: await createInvitation({ ...base, maxUses: 1, sentTo: to }, tx) });
    }
    return links;
  });
  const languages = await findAccountLanguages(created.map((c) => c.to));
  const mails = created.map(({ to, invitation }) =>
    invitationMail(to, input.workshop.title, input.inviter.name, invitation, recipientLocale(languages.get(to), input.locale)),
  );
  const stored = await sendMails(mails);
  if (stored < mails.length) throw new Error(`${mails.length - stored} invitation mail(s) could not be stored in the outbox`);
  return { ok: true, sent: toInvite, alreadyMembers, expiresAt: created[0]!.invitation.expiresAt };
}
