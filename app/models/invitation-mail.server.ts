/**
 * Invite people by e-mail: each address gets a single-use link of its own (made by createInvitation, so every link
 * rule holds) and a mail with the workshop, the role, the expiry and the link, through the outbox (and SMTP when
 * configured). Addresses of current members get nothing. Each mail counts against the organiser's hourly limit
 * (LIMITS.invitationMailsPerOrganiser); a batch over the limit sends nothing.
 */
import { getSql } from "../../db/client";
import { listMemberEmailsAmong } from "../../db/memberships";
import { LIMITS, spendRequest } from "../auth/request-limits.server";
import { sendMails, type Mail } from "../mail/mailer.server";
import { formatDateTime } from "../utils/dates";
import { createInvitation, type CreatedInvitation } from "./invitations.server";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, type Role } from "./roles";

export type InviteByEmailResult =
  | { ok: true; sent: string[]; alreadyMembers: string[]; expiresAt: Date | null }
  | { ok: false; retryAfterSeconds: number };

const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, " ");

export function invitationMail(to: string, workshopTitle: string, inviterName: string, invitation: CreatedInvitation): Mail {
  const title = oneLine(workshopTitle);
  const role = `${ROLE_LABELS[invitation.role]} (${ROLE_DESCRIPTIONS[invitation.role].toLowerCase()})`;
  return {
    to,
    subject: `Invitation to join “${title}” on Accord`,
    text:
      `Hello,\n\n${oneLine(inviterName)} invites you to join the workshop “${title}” on Accord as ${role}.\n\n` +
      `Open this link to join. It works once, until ${formatDateTime(invitation.expiresAt)}:\n\n${invitation.url}\n\n` +
      `You join with an Accord account whose e-mail address is confirmed; the page explains how to create one. ` +
      `The link is meant for you alone: please do not forward it.\n\nIf you did not expect this invitation, you can ignore this message.\n`,
  };
}

export async function inviteByEmail(input: {
  workshop: { id: string; title: string };
  inviter: { id: string; name: string };
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
  const mails = created.map(({ to, invitation }) => invitationMail(to, input.workshop.title, input.inviter.name, invitation));
  const stored = await sendMails(mails);
  if (stored < mails.length) throw new Error(`${mails.length - stored} invitation mail(s) could not be stored in the outbox`);
  return { ok: true, sent: toInvite, alreadyMembers, expiresAt: created[0]!.invitation.expiresAt };
}
