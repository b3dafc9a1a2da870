/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /dev/outbox: the newest e-mails Accord stored, so sign-up and reset work on a machine without a mail server.
 * Outside production, and only for requests from this machine while no SMTP_URL is set, or for a signed-in
 * administrator (app/deployment.server.ts); 404 for everyone else, as if it did not exist. Read-only. Links in bodies
 * are made clickable, http(s) only, built as React elements (never as HTML), so a hostile body cannot inject markup or
 * javascript: links.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { linkify } from "../components/linkify";
import { listOutboxForDevelopers } from "../mail/dev-outbox.server";
import { getConfig } from "../config.server";
import { mayReadDevOutbox } from "../deployment.server";
import { notFound } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { formatDateTime } from "../utils/when";

export const meta: MetaFunction = () => [
  { title: "Development outbox — Accord" },
  { name: "robots", content: "noindex" },
];
export const headers = forwardHeaders;

const LIMIT = 50;

export async function loader({ context }: LoaderFunctionArgs) {
  if (!(await mayReadDevOutbox(getConfig(), context.fromThisMachine, context.auth))) throw notFound();
  const mails = await listOutboxForDevelopers(LIMIT);
  return data(
    {
      smtp: Boolean(getConfig().SMTP_URL),
      mails: mails.map((m) => ({
        id: m.id,
        to: m.toAddress,
        subject: m.subject,
        body: m.bodyRemovedAt ? "(The body was removed 7 days after the mail was sent.)" : m.textBody,
        createdAt: m.createdAt.toISOString(),
        createdLabel: formatDateTime(m.createdAt),
        status: m.sentAt ? "sent" : m.lastError ? "failed" : "stored",
      })),
    },
    { headers: NO_STORE },
  );
}

export default function DevOutbox() {
  const { mails, smtp } = useLoaderData<typeof loader>();
  return (
    <div className="page reading">
      <h1>Development outbox</h1>
      <p className="lead">
        The {LIMIT} newest e-mails Accord stored, newest first. {smtp ? "A mail server is configured, so they were also sent." : "No mail server is configured (SMTP_URL), so this page is their only delivery."}{" "}
        Only this machine (and signed-in administrators) can read this page; it does not exist in production.
      </p>
      {mails.length === 0 ? (
        <p className="empty">No e-mail yet. Create an account or ask for a password reset, then reload this page.</p>
      ) : (
        <ol className="card-list" aria-label="E-mails, newest first">
          {mails.map((m) => (
            <li key={m.id}>
              <article aria-labelledby={`mail-${m.id}-subject`}>
                <h2 id={`mail-${m.id}-subject`} className="mail-subject">{m.subject}</h2>
                <dl className="facts">
                  <dt>To</dt>
                  <dd>{m.to}</dd>
                  <dt>When</dt>
                  <dd><time dateTime={m.createdAt}>{m.createdLabel}</time></dd>
                  <dt>Status</dt>
                  <dd>{m.status}</dd>
                </dl>
                <pre className="mail">{linkify(m.body)}</pre>
              </article>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
