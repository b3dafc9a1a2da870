/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * GET /d/:slug/v/:number — one published version of a declaration, public and permanent (a citable address):
 * its text, date and SHA-256, and links to the changes before and after it, to the current version and to its PDF.
 * Unknown slug or number: 404. (`$slug_`: a page of its own, outside /d/:slug's layout.)
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getConfig } from "../config.server";
import { loadPublicDeclaration, loadPublishedVersion, previewText } from "../models/publishing.server";
import { formatDate, formatDateTime, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { Breadcrumbs, declarationTrail } from "../components/breadcrumbs";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Not found — Accord" }];
  const title = `${data.version.title} — version ${data.version.number}`;
  return [
    { title: `${title} — Accord` },
    { name: "description", content: data.description },
    { property: "og:type", content: "article" },
    { property: "og:site_name", content: "Accord" },
    { property: "og:title", content: title },
    { property: "og:description", content: data.description },
    { property: "og:url", content: data.url },
    { name: "twitter:card", content: "summary" },
    { name: "twitter:title", content: title },
    { name: "twitter:description", content: data.description },
  ];
};

export async function loader({ params }: LoaderFunctionArgs) {
  const number = /^[1-9][0-9]{0,8}$/.test(params.number ?? "") ? Number(params.number) : NaN;
  if (!Number.isSafeInteger(number)) throw notFound();
  const declaration = await loadPublicDeclaration(params.slug ?? "");
  if (!declaration) throw notFound();
  const version = await loadPublishedVersion(declaration.documentId, number);
  if (!version) throw notFound();
  return {
    slug: declaration.slug,
    url: `${getConfig().publicUrl}/d/${declaration.slug}/v/${version.number}`,
    currentNumber: declaration.current.number,
    currentTitle: declaration.current.title,
    version: { number: version.number, title: version.title, sha256: version.sha256, publishedAt: version.publishedAt, html: version.html },
    description: previewText(version.canonicalText, version.title),
  };
}

export default function PublishedVersionPage() {
  const { slug, version: v, currentNumber, currentTitle, url } = useLoaderData<typeof loader>();
  const isCurrent = v.number === currentNumber;
  return (
    <div className="page reading declaration-page">
      <Breadcrumbs trail={declarationTrail({ slug, title: currentTitle })} current={`Version ${v.number}`} />
      <div className="print-only print-head">
        <p>{url}</p>
        <p>{`Version ${v.number}, published ${formatDateTime(v.publishedAt)}`}</p>
        <p>{`SHA-256 of the canonical text: ${v.sha256}`}</p>
      </div>
      <div className={isCurrent ? "alert info" : "alert warning"} role="note">
        {isCurrent ? (
          <p>This is the current version. <Link to={`/d/${slug}`}>See it with its endorsements</Link>.</p>
        ) : (
          <p>
            {`This is version ${v.number}, an earlier version. Endorsements of it stay bound to it. The current version is `}
            <Link to={`/d/${slug}`}>{`version ${currentNumber}`}</Link>.
          </p>
        )}
      </div>
      {v.html.startsWith("<h1>") ? null : <h1>{v.title}</h1>}
      <div className="meta declaration-meta">
        <span>{`Version ${v.number}`}</span>
        <span>
          Published <time dateTime={isoString(v.publishedAt)}>{formatDate(v.publishedAt)}</time>
        </span>
        {v.number > 1 ? <a href={`/d/${slug}/changes/${v.number}`}>{`Changes from version ${v.number - 1}`}</a> : null}
        {v.number < currentNumber ? <a href={`/d/${slug}/changes/${v.number + 1}`}>{`Changes in version ${v.number + 1}`}</a> : null}
        <a href={`/d/${slug}/v/${v.number}/pdf`} className="no-print" type="application/pdf">
          {`PDF to circulate (version ${v.number}, with its signatories)`}
        </a>
      </div>
      <article className="document declaration-text" aria-label={`${v.title}, version ${v.number}`} dangerouslySetInnerHTML={{ __html: v.html }} />
      <section className="card verify" aria-labelledby="verify-title">
        <h2 id="verify-title">Fingerprint of this version</h2>
        <p className="hash-line"><code className="hash">{v.sha256}</code></p>
        <p className="small">
          SHA-256 of the canonical text of version {v.number}, sealed on {formatDateTime(v.publishedAt)}. How to check a
          fingerprint is explained on the <Link to={`/d/${slug}#verify-title`}>declaration&apos;s page</Link>.
        </p>
      </section>
    </div>
  );
}
