/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /account/endorsements — "My endorsements": every endorsement the signed-in person made, newest first, each with
 * its declaration and version, how it is listed, its status, its receipt, and (while it stands) a way to withdraw it
 * (the receipt's confirmation step, which says what stays public). Session only; nobody else's.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listOwnEndorsements, type ReceiptStatus } from "../models/endorsements.server";
import { formatDate, formatDateTime, isoString } from "../utils/dates";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";

export const meta: MetaFunction = () => [{ title: "My endorsements — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  return data({ endorsements: await listOwnEndorsements(user.id) }, { headers: NO_STORE });
}

const STATUS_WORDS: Record<ReceiptStatus, string> = {
  listed: "Listed",
  pending: "Waiting for the organisers to verify it",
  hidden: "Hidden by the organisers",
  rejected: "Not accepted by the organisers",
  withdrawn: "Withdrawn",
};

export default function MyEndorsements() {
  const { endorsements } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <ol>
          <li><Link to="/account">Your account</Link></li>
          <li><span aria-current="page">My endorsements</span></li>
        </ol>
      </nav>
      <h1>My endorsements</h1>
      {endorsements.length === 0 ? (
        <p className="empty">
          You have not endorsed anything yet. <Link to="/declarations">See the published declarations</Link>.
        </p>
      ) : (
        <ul className="card-list">
          {endorsements.map((e) => (
            <li key={e.id}>
              <p>
                <strong><Link to={`/d/${e.slug}`}>{e.title}</Link></strong>
                {` — version ${e.versionNumber}`}
                {e.currentNumber > e.versionNumber ? <span className="muted">{` (version ${e.currentNumber} has been published since)`}</span> : null}
              </p>
              <p className="small">
                {e.kind === "organisation" ? "On behalf of an organisation" : "As an individual"}
                {e.listing ? `: ${e.listing}` : ""}
              </p>
              <p className="small">
                {`Endorsed `}
                <time dateTime={isoString(e.createdAt)}>{formatDateTime(e.createdAt)}</time>
                {" · "}
                <span className="badge">{STATUS_WORDS[e.status]}</span>
                {e.withdrawnAt ? (
                  <>
                    {" on "}
                    <time dateTime={isoString(e.withdrawnAt)}>{formatDate(e.withdrawnAt)}</time>
                  </>
                ) : null}
              </p>
              <p className="actions small">
                <Link to={`/e/${e.id}`}>Receipt</Link>
                {e.status !== "withdrawn" ? <Link to={`/e/${e.id}?withdraw=1#withdraw`}>Withdraw…</Link> : null}
                {e.status !== "withdrawn" && e.currentNumber > e.versionNumber ? (
                  <Link to={`/d/${e.slug}/reconfirm`}>{`Endorse version ${e.currentNumber} too`}</Link>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
