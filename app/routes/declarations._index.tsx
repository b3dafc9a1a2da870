/**
 * GET /declarations — every published declaration: its current version, date and honest counts. Public (no
 * account, no JavaScript needed).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Trans, useT } from "../i18n/react";
import { requestLocale, tFor } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import { countsSentence, kindsSentence } from "../declarations/public-view";
import { loadPublicDeclarations } from "../models/publishing.server";
import { formatDateIn, isoString } from "../utils/dates";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? [
        { title: data.title },
        { name: "description", content: data.description },
        { property: "og:title", content: data.title },
        { property: "og:type", content: "website" },
      ]
    : [];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const declarations = await loadPublicDeclarations();
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  return {
    title: t("public:list.title"),
    description: t("public:list.description"),
    i18n: await publicStrings(request, context, ["list"]),
    declarations: declarations.map((d) => ({
      slug: d.slug,
      title: d.title,
      number: d.number,
      publishedAt: d.publishedAt,
      endorsementsOpen: d.endorsementsOpen,
      countsText: countsSentence(d.counts, d.number, t, locale),
      kindsText: kindsSentence(d.counts.individuals, d.counts.organisations, t, locale),
    })),
  };
}

export default function DeclarationsPage() {
  const { declarations } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  return (
    <div className="page reading">
      <h1>{t("public:list.heading")}</h1>
      <p className="lead">{t("public:list.lead")}</p>
      {declarations.length === 0 ? (
        <p className="empty">{t("public:list.empty")}</p>
      ) : (
        <ul className="card-list">
          {declarations.map((d) => (
            <li key={d.slug}>
              <Link to={`/d/${d.slug}`} className="title">{d.title}</Link>
              <div className="meta">
                <span>{t("public:list.version", { number: d.number })}</span>
                <span>
                  <Trans
                    k="public:list.published"
                    values={{ date: formatDateIn(locale, d.publishedAt) }}
                    tags={{ when: (c) => <time dateTime={isoString(d.publishedAt)}>{c}</time> }}
                  />
                </span>
                <span>{d.endorsementsOpen ? t("public:list.open") : t("public:list.closed")}</span>
              </div>
              <p className="small">{t("public:list.counts", { counts: d.countsText, number: d.number, kinds: d.kindsText })}</p>
            </li>
          ))}
        </ul>
      )}
      <p className="small">
        <Trans k="public:list.json" tags={{ api: (c) => <a href="/api/declarations">{c}</a> }} />
      </p>
    </div>
  );
}
