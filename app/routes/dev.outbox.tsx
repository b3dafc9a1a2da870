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
import { formatDateTimeIn } from "../i18n/format";
import { useT } from "../i18n/react";
import { requestLocale, routeStrings, tFor } from "../i18n/strings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? "Accord" },
  { name: "robots", content: "noindex" },
];
export const headers = forwardHeaders;

const LIMIT = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!(await mayReadDevOutbox(getConfig(), context.fromThisMachine, context.auth))) throw notFound();
  const mails = await listOutboxForDevelopers(LIMIT);
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  return data(
    {
      title: t("auth:outbox.metaTitle"),
      i18n: await routeStrings(request, context, ["auth"]),
      smtp: Boolean(getConfig().SMTP_URL),
      mails: mails.map((m) => ({
        id: m.id,
        to: m.toAddress,
        subject: m.subject,
        body: m.bodyRemovedAt ? t("auth:outbox.bodyRemoved") : m.textBody,
        createdAt: m.createdAt.toISOString(),
        createdLabel: formatDateTimeIn(locale, m.createdAt),
        status: m.sentAt ? t("auth:outbox.sent") : m.lastError ? t("auth:outbox.failed") : t("auth:outbox.stored"),
      })),
    },
    { headers: NO_STORE },
  );
}

export default function DevOutbox() {
  const { t } = useT();
  const { mails, smtp } = useLoaderData<typeof loader>();
  return (
    <div className="page reading">
      <h1>{t("auth:outbox.title")}</h1>
      <p className="lead">
        {`${t("auth:outbox.lead", { limit: LIMIT })} ${smtp ? t("auth:outbox.smtp") : t("auth:outbox.noSmtp")} ${t("auth:outbox.who")}`}
      </p>
      {mails.length === 0 ? (
        <p className="empty">{t("auth:outbox.empty")}</p>
      ) : (
        <ol className="card-list" aria-label={t("auth:outbox.listLabel")}>
          {mails.map((m) => (
            <li key={m.id}>
              <article aria-labelledby={`mail-${m.id}-subject`}>
                <h2 id={`mail-${m.id}-subject`} className="mail-subject">{m.subject}</h2>
                <dl className="facts">
                  <dt>{t("auth:outbox.to")}</dt>
                  <dd>{m.to}</dd>
                  <dt>{t("auth:outbox.when")}</dt>
                  <dd><time dateTime={m.createdAt}>{m.createdLabel}</time></dd>
                  <dt>{t("auth:outbox.status")}</dt>
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
