/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * GET /declarations — every published declaration: its current version, date and honest counts. Public (no
 * account, no JavaScript needed).
 */
import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { countsSentence, kindsSentence } from "../declarations/public-view";
import { loadPublicDeclarations } from "../models/publishing.server";
import { formatDate, isoString } from "../utils/dates";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const meta: MetaFunction = () => [
  { title: "Declarations — Accord" },
  { name: "description", content: "Published declarations, their exact texts and who endorses them." },
  { property: "og:title", content: "Declarations — Accord" },
  { property: "og:type", content: "website" },
];

export async function loader() {
  const declarations = await loadPublicDeclarations();
  return {
    declarations: declarations.map((d) => ({
      slug: d.slug,
      title: d.title,
      number: d.number,
      publishedAt: d.publishedAt,
      endorsementsOpen: d.endorsementsOpen,
      countsText: countsSentence(d.counts, d.number),
      kindsText: kindsSentence(d.counts.individuals, d.counts.organisations),
    })),
  };
}

export default function DeclarationsPage() {
  const { declarations } = useLoaderData<typeof loader>();
  return (
    <div className="page reading">
      <h1>Declarations</h1>
      <p className="lead">
        Texts published by their drafting groups. Each version is sealed with a SHA-256 fingerprint, and every
        endorsement is bound to the exact version it signed.
      </p>
      {declarations.length === 0 ? (
        <p className="empty">Nothing has been published yet.</p>
      ) : (
        <ul className="card-list">
          {declarations.map((d) => (
            <li key={d.slug}>
              <Link to={`/d/${d.slug}`} className="title">{d.title}</Link>
              <div className="meta">
                <span>{`Version ${d.number}`}</span>
                <span>
                  Published <time dateTime={isoString(d.publishedAt)}>{formatDate(d.publishedAt)}</time>
                </span>
                <span>{d.endorsementsOpen ? "Open for endorsement" : "Endorsements closed"}</span>
              </div>
              <p className="small">{`${d.countsText} (version ${d.number}: ${d.kindsText}).`}</p>
            </li>
          ))}
        </ul>
      )}
      <p className="small">
        Also as JSON: <a href="/api/declarations">/api/declarations</a>
      </p>
    </div>
  );
}
