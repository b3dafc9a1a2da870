/**
 * GET /d/:slug/v/:number — one published version of a declaration, public and permanent (a citable address):
 * its text, date and SHA-256, and links to the changes before and after it, to the current version and to its PDF.
 * Unknown slug or number: 404. (`$slug_`: a page of its own, outside /d/:slug's layout.)
 */
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as withHeaders } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getConfig } from "../config.server";
import { loadPublicDeclaration, loadPublishedVersion, previewText } from "../models/publishing.server";
import { formatDateIn, formatDateTimeIn, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { Breadcrumbs } from "../components/breadcrumbs";
import { staticPage } from "../utils/static-page";
import { Trans, useT } from "../i18n/react";
import { requestT } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

/** In the reader's interface language: caches keep one copy per language. */
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  const vary = loaderHeaders.get("Vary");
  if (vary) out.set("Vary", vary);
  return out;
};

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [];
  const title = data.pageTitle;
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

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const number = /^[1-9][0-9]{0,8}$/.test(params.number ?? "") ? Number(params.number) : NaN;
  if (!Number.isSafeInteger(number)) throw notFound();
  const declaration = await loadPublicDeclaration(params.slug ?? "");
  if (!declaration) throw notFound();
  const version = await loadPublishedVersion(declaration.documentId, number);
  if (!version) throw notFound();
  const t = await requestT(request, context);
  return withHeaders({
    i18n: await publicStrings(request, context, ["list", "declaration", "version"]),
    pageTitle: t("public:declaration.versionTitle", { title: version.title, number: version.number }),
    slug: declaration.slug,
    url: `${getConfig().publicUrl}/d/${declaration.slug}/v/${version.number}`,
    currentNumber: declaration.current.number,
    currentTitle: declaration.current.title,
    version: { number: version.number, title: version.title, sha256: version.sha256, publishedAt: version.publishedAt, html: version.html },
    description: previewText(version.canonicalText, version.title),
  }, { headers: { Vary: "Accept-Language" } });
}

export default function PublishedVersionPage() {
  const { slug, version: v, currentNumber, currentTitle, url } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  const isCurrent = v.number === currentNumber;
  return (
    <div className="page reading declaration-page">
      <Breadcrumbs
        trail={[
          { to: "/declarations", label: t("public:list.heading") },
          { to: `/d/${slug}`, label: currentTitle },
        ]}
        current={t("public:list.version", { number: v.number })}
      />
      <div className="print-only print-head">
        <p>{url}</p>
        <p>{t("public:declaration.printVersion", { number: v.number, date: formatDateTimeIn(locale, v.publishedAt) })}</p>
        <p>{t("public:declaration.printHash", { hash: v.sha256 })}</p>
      </div>
      <div className={isCurrent ? "alert info" : "alert warning"} role="note">
        {isCurrent ? (
          <p>
            <Trans k="public:version.isCurrent" tags={{ go: (c) => <Link to={`/d/${slug}`}>{c}</Link> }} />
          </p>
        ) : (
          <p>
            <Trans
              k="public:version.isEarlier"
              values={{ number: v.number, current: currentNumber }}
              tags={{ go: (c) => <Link to={`/d/${slug}`}>{c}</Link> }}
            />
          </p>
        )}
      </div>
      {v.html.startsWith("<h1>") ? null : <h1>{v.title}</h1>}
      <div className="meta declaration-meta">
        <span>{t("public:list.version", { number: v.number })}</span>
        <span>
          <Trans
            k="public:list.published"
            values={{ date: formatDateIn(locale, v.publishedAt) }}
            tags={{ when: (c) => <time dateTime={isoString(v.publishedAt)}>{c}</time> }}
          />
        </span>
        {v.number > 1 ? <a href={`/d/${slug}/changes/${v.number}`}>{t("public:declaration.changesFrom", { number: v.number - 1 })}</a> : null}
        {v.number < currentNumber ? <a href={`/d/${slug}/changes/${v.number + 1}`}>{t("public:version.changesIn", { number: v.number + 1 })}</a> : null}
        <a href={`/d/${slug}/v/${v.number}/pdf`} className="no-print" type="application/pdf">
          {t("public:version.pdf", { number: v.number })}
        </a>
      </div>
      <article
        className="document declaration-text"
        aria-label={t("public:version.label", { title: v.title, number: v.number })}
        dangerouslySetInnerHTML={{ __html: v.html }}
      />
      <section className="card verify" aria-labelledby="verify-title">
        <h2 id="verify-title">{t("public:version.fingerprintTitle")}</h2>
        <p className="hash-line"><code className="hash">{v.sha256}</code></p>
        <p className="small">
          <Trans
            k="public:version.fingerprint"
            values={{ number: v.number, date: formatDateTimeIn(locale, v.publishedAt) }}
            tags={{ go: (c) => <Link to={`/d/${slug}#verify-title`}>{c}</Link> }}
          />
        </p>
      </section>
    </div>
  );
}
