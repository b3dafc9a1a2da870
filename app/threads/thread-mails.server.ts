/**
 * Mention and reply e-mails of the discussion (issue 13). A comment (a new thread's, a reply, a proposal's) may
 * mention members of the document's workshop as `@Name`: names are matched as plain text, case-insensitively, the
 * longest name first, and only when the `@` does not follow a letter or digit (an e-mail address mentions nobody);
 * a name that is not a member's mentions nobody. A reply also tells the thread's earlier participants (its author
 * and commenters). Nobody is mailed about their own comment, nor without the account setting on, nor unless they
 * are a member now with a confirmed address; each person gets at most one e-mail per thread per 10 minutes.
 *
 * The mails are stored in the outbox in the comment's own transaction (a comment that is not stored mails nobody)
 * and handed to SMTP after COMMIT by the function `queueThreadMails` returns. Each mail is in its recipient's language
 * (their account's, else English; issue 14).
 */
import {
  claimThreadMailSlots,
  findThreadEmailsSetting,
  findThreadMailContext,
  listMentionableMembers,
  listThreadMailRecipients,
  listThreadParticipants,
  updateThreadEmailsSetting,
  type MailRecipient,
  type MentionableMember,
} from "../../db/thread-mails";
import type { Queryable } from "../../db/client";
import { getConfig } from "../config.server";
import { tFor } from "../i18n/strings.server";
import { queueMailsIn, type Mail } from "../mail/mailer.server";
import { recipientLocale } from "../mail/recipient-locale";

/** At most one e-mail per member and thread in this many minutes. */
export const THREAD_MAIL_MINUTES = 10;

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The members `body` mentions, by id. Names are compared as text (never as patterns), longest first, so "Ann Lee"
 * wins over "Ann"; a name must end at the end of the body or before a character that is not a letter or digit.
 */
export function findMentions(body: string, members: MentionableMember[]): string[] {
  const names = members
    .map((m) => ({ id: m.id, length: m.name.length, name: m.name.toLocaleLowerCase("en") }))
    .filter((m) => m.length > 0)
    .sort((a, b) => b.length - a.length);
  const found = new Set<string>();
  for (let at = body.indexOf("@"); at !== -1; at = body.indexOf("@", at + 1)) {
    if (at > 0 && WORD_CHAR.test(body[at - 1]!)) continue;
    for (const m of names) {
      const words = body.slice(at + 1, at + 1 + m.length);
      if (words.length !== m.length || words.toLocaleLowerCase("en") !== m.name) continue;
      const next = body[at + 1 + m.length];
      if (next !== undefined && WORD_CHAR.test(next)) continue;
      found.add(m.id);
      break;
    }
  }
  return [...found];
}

const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
const indented = (text: string) =>
  text
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ")
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");

type Reason = "mention" | "reply";

function threadMail(
  to: MailRecipient,
  reason: Reason,
  context: { documentId: string; documentTitle: string; workshopTitle: string; quote: string; authorName: string },
  body: string,
): Mail {
  // The recipient's language (their account's, else English): the comment's author may read another one.
  const t = tFor(recipientLocale(to.language));
  const author = oneLine(context.authorName) || t("mail:thread.someone");
  const title = oneLine(context.documentTitle);
  const workshop = oneLine(context.workshopTitle);
  const url = `${getConfig().publicUrl}/documents/${context.documentId}`;
  const what = reason === "mention" ? t("mail:thread.mention.what", { author, title, workshop }) : t("mail:thread.reply.what", { author, title, workshop });
  return {
    to: to.email,
    subject: reason === "mention" ? t("mail:thread.mention.subject", { author, title }) : t("mail:thread.reply.subject", { author, title }),
    text: t("mail:thread.body", {
      greeting: t("mail:greeting.named", { name: oneLine(to.name) }),
      what,
      quote: indented(t("mail:thread.quoted", { text: context.quote })),
      author,
      comment: indented(body),
      url,
      limit: t("mail:thread.limit", { count: THREAD_MAIL_MINUTES }),
      setting: t("mail:thread.setting"),
      settings: `${getConfig().publicUrl}/account#notifications`,
    }),
  };
}

/**
 * Store the e-mails a new comment causes, in the comment's transaction `tx` (after the comment row). `reply`: the
 * comment answers an existing thread (its participants are told too). `mentionedBefore`: the body an edited comment
 * had, whose mentions are not told again (only the members the edit adds). Returns what to run after COMMIT.
 */
export async function queueThreadMails(
  tx: Queryable,
  input: { documentId: string; threadId: string; authorId: string; body: string; reply: boolean; mentionedBefore?: string },
): Promise<() => void> {
  let mentioned: string[] = [];
  if (input.body.includes("@")) {
    const members = await listMentionableMembers(input.documentId, tx);
    mentioned = findMentions(input.body, members);
    if (input.mentionedBefore !== undefined) {
      const before = new Set(findMentions(input.mentionedBefore, members));
      mentioned = mentioned.filter((id) => !before.has(id));
    }
  }
  const participants = input.reply ? await listThreadParticipants(input.threadId, tx) : [];
  const reasons = new Map<string, Reason>();
  for (const id of participants) reasons.set(id, "reply");
  for (const id of mentioned) reasons.set(id, "mention");
  if (reasons.size === 0) return () => {};
  const recipients = await listThreadMailRecipients({ documentId: input.documentId, userIds: [...reasons.keys()], exceptUserId: input.authorId }, tx);
  if (recipients.length === 0) return () => {};
  const slots = new Set(await claimThreadMailSlots({ threadId: input.threadId, userIds: recipients.map((r) => r.id), minutes: THREAD_MAIL_MINUTES }, tx));
  const context = await findThreadMailContext({ threadId: input.threadId, authorId: input.authorId }, tx);
  if (!context || slots.size === 0) return () => {};
  const mails = recipients.filter((r) => slots.has(r.id)).map((r) => threadMail(r, reasons.get(r.id)!, context, input.body));
  return queueMailsIn(tx, mails);
}

/**
 * The names the comment fields offer after `@` to `viewerId` (a member who may comment): the other members of the
 * document's workshop, by name only (never an address), alphabetically.
 */
export async function mentionableNames(documentId: string, viewerId: string): Promise<string[]> {
  const members = await listMentionableMembers(documentId);
  return [...new Set(members.filter((m) => m.id !== viewerId).map((m) => m.name))].sort((a, b) => a.localeCompare(b, "en"));
}

/** The account setting "E-mail me when I am mentioned or someone replies in my threads" (on by default). */
export function threadEmailsOn(userId: string): Promise<boolean> {
  return findThreadEmailsSetting(userId);
}

export function setThreadEmails(userId: string, on: boolean): Promise<void> {
  return updateThreadEmailsSetting(userId, on);
}
