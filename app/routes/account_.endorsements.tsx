/**
 * /account/endorsements — "My endorsements": every endorsement the signed-in person made, newest first, each with
 * its declaration and version, how it is listed, its status, its receipt, and (while it stands) a way to withdraw it
 * (the receipt's confirmation step, which says what stays public). Session only; nobody else's.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listOwnEndorsements, type ReceiptStatus } from "../models/endorsements.server";
import type { Translate } from "../i18n/instance";
import { formatDateIn, formatDateTimeIn, isoString } from "../utils/dates";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Trans, useT } from "../i18n/react";
import { requestT, routeStrings } from "../i18n/strings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const t = await requestT(request, context);
  return data(
    { endorsements: await listOwnEndorsements(user.id), title: t("account:endorsements.metaTitle"), i18n: await routeStrings(request, context, ["account"]) },
    { headers: NO_STORE },
  );
}

function statusWords(t: Translate, status: ReceiptStatus): string {
  switch (status) {
    case "listed": return t("account:endorsements.status.listed");
    case "pending": return t("account:endorsements.status.pending");
    case "hidden": return t("account:endorsements.status.hidden");
    case "rejected": return t("account:endorsements.status.rejected");
    case "withdrawn": return t("account:endorsements.status.withdrawn");
  }
}

export default function MyEndorsements() {
  const { t, locale } = useT();
  const { endorsements } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label={t("common:breadcrumbs")}>
        <ol>
          <li><Link to="/account">{t("account:title")}</Link></li>
          <li><span aria-current="page">{t("account:endorsements.title")}</span></li>
        </ol>
      </nav>
      <h1>{t("account:endorsements.title")}</h1>
      {endorsements.length === 0 ? (
        <p className="empty">
          <Trans k="account:endorsements.none" tags={{ go: (c) => <Link to="/declarations">{c}</Link> }} />
        </p>
      ) : (
        <ul className="card-list">
          {endorsements.map((e) => (
            <li key={e.id}>
              <p>
                <strong><Link to={`/d/${e.slug}`}>{e.title}</Link></strong>
                {` — ${t("account:endorsements.version", { number: e.versionNumber })}`}
                {e.currentNumber > e.versionNumber ? <span className="muted">{` ${t("account:endorsements.newer", { number: e.currentNumber })}`}</span> : null}
              </p>
              <p className="small">
                {e.kind === "organisation" ? t("account:endorsements.asOrganisation") : t("account:endorsements.asIndividual")}
                {e.listing ? `: ${e.listing}` : ""}
              </p>
              <p className="small">
                <Trans
                  k="account:endorsements.endorsedOn"
                  values={{ when: formatDateTimeIn(locale, e.createdAt) }}
                  tags={{ time: (c) => <time dateTime={isoString(e.createdAt)}>{c}</time> }}
                />
                {" · "}
                <span className="badge">{statusWords(t, e.status)}</span>
                {e.withdrawnAt ? (
                  <>
                    {" "}
                    <Trans
                      k="account:endorsements.withdrawnOn"
                      values={{ day: formatDateIn(locale, e.withdrawnAt) }}
                      tags={{ time: (c) => <time dateTime={isoString(e.withdrawnAt!)}>{c}</time> }}
                    />
                  </>
                ) : null}
              </p>
              <p className="actions small">
                <Link to={`/e/${e.id}`}>{t("account:endorsements.receipt")}</Link>
                {e.status !== "withdrawn" ? <Link to={`/e/${e.id}?withdraw=1#withdraw`}>{t("account:endorsements.withdraw")}</Link> : null}
                {e.status !== "withdrawn" && e.currentNumber > e.versionNumber ? (
                  <Link to={`/d/${e.slug}/reconfirm`}>{t("account:endorsements.endorseToo", { number: e.currentNumber })}</Link>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
