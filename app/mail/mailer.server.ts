/**
 * Outgoing e-mail. Every message is first stored in the outbox table. With SMTP_URL it is then sent through
 * nodemailer (in the background, so the time a request takes does not reveal whether a mail was sent);
 * without it the outbox row is the delivery: readable at /dev/outbox from this machine, and its body (which carries
 * reset and verification links) printed to the log only when the server listens on loopback alone
 * (app/deployment.server.ts). SMTP errors lose every e-mail address before they are logged or stored.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { Queryable } from "../../db/client";
import { insertOutbox, insertOutboxMany, markOutboxFailed, markOutboxSent } from "../../db/outbox";
import { getConfig } from "../config.server";
import { mayLogMailBodies } from "../deployment.server";
import { log } from "../utils/log.server";
import { metrics } from "../utils/metrics.server";
import { withoutEmailAddresses } from "../utils/redact";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

let transporter: Transporter | null = null;
function smtp(): Transporter | null {
  const url = getConfig().SMTP_URL;
  if (!url) return null;
  transporter ??= nodemailer.createTransport(url);
  return transporter;
}

const pending = new Set<Promise<void>>();

export async function sendMail(mail: Mail): Promise<void> {
  const id = await insertOutbox(mail);
  deliver(id, mail);
}

/**
 * Store many mails in the outbox at once (one statement per 500), then hand them to SMTP in the background.
 * Returns how many were stored; a chunk that cannot be stored is logged (without addresses) and skipped.
 */
export async function sendMails(mails: Mail[]): Promise<number> {
  let stored = 0;
  for (let i = 0; i < mails.length; i += 500) {
    const chunk = mails.slice(i, i + 500);
    try {
      const ids = await insertOutboxMany(chunk);
      chunk.forEach((mail, j) => deliver(ids[j]!, mail));
      stored += ids.length;
    } catch (error) {
      log.error(`${chunk.length} mail(s) ("${chunk[0]!.subject}") could not be stored: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return stored;
}

/**
 * Store mails in the outbox inside the caller's transaction (they exist exactly when its other rows do); call the
 * returned function after COMMIT to hand them to SMTP.
 */
export async function queueMailsIn(tx: Queryable, mails: Mail[]): Promise<() => void> {
  const ids = await insertOutboxMany(mails, tx);
  return () => mails.forEach((mail, j) => deliver(ids[j]!, mail));
}

function deliver(id: number, mail: Mail): void {
  metrics().mails.inc({ outcome: "queued" });
  const transport = smtp();
  if (!transport) {
    const body = mayLogMailBodies(getConfig()) ? `\n${mail.text}` : "";
    log.info(`mail #${id} stored in the outbox (no SMTP_URL): "${mail.subject}" — read it at /dev/outbox from this machine${body}`);
    return;
  }
  const job = transport
    .sendMail({ from: getConfig().MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text })
    .then(() => {
      metrics().mails.inc({ outcome: "sent" });
      return markOutboxSent(id);
    })
    .catch(async (error: unknown) => {
      metrics().mails.inc({ outcome: "failed" });
      const reason = withoutEmailAddresses(error instanceof Error ? error.message : String(error));
      log.warn(`mail #${id} could not be sent: ${reason}`);
      await markOutboxFailed(id, reason).catch(() => {});
    })
    .finally(() => pending.delete(job));
  pending.add(job);
}

/** Wait for mails still being handed to SMTP (shutdown, tests). */
export async function flushMail(): Promise<void> {
  await Promise.all([...pending]);
}
