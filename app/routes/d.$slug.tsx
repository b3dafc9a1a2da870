/**
 * GET /d/:slug — a published declaration, public (no account, no JavaScript needed): the current published
 * version's text, number, date and SHA-256 with how to verify it, the honest counts, the readable changes from
 * the previous version, every published version, and the signatories (filter by kind and country with GET
 * parameters `kind`, `country`, `page`), each linked to its receipt. Open Graph and Twitter card meta; a print
 * stylesheet (text, hash, date, URL, signatory annex) and a link to the version's PDF. Unknown slug: 404.
 *
 * Only public fields are ever loaded (db/public-endorsements.ts); nothing here depends on who is signed in.
 */
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as withHeaders } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  countryName,
  countsSentence,
  kindsSentence,
  parseCountryFilter,
  parseKindFilter,
  safeWebsite,
  saysKinds,
  signatoryLine,
  type SignatoryLine,
} from "../declarations/public-view";
import { signatoriesOfEarlier, signatoriesOfVersion } from "../declarations/endorsement-words";
import { Trans, useT } from "../i18n/react";
import { requestLocale, tFor } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import {
  countPublicEndorsements,
  listPublicCountries,
  listPublicEndorsements,
  loadChanges,
  loadPublicDeclaration,
  previewText,
} from "../models/publishing.server";
import diffStyles from "../diff/diff.css";
import { formatDateIn, formatDateTimeIn, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { Breadcrumbs } from "../components/breadcrumbs";
import { staticPage } from "../utils/static-page";
import { LanguageList, TranslationStatement } from "../components/translation-banner";
import { findTranslationIn, loadDeclarationLanguages, type TranslationView } from "../models/translations.server";
import { acceptedLanguages, canonicalLanguage, chooseLanguage, languageDirection, languageEndonym, languageNameIn } from "../declarations/languages";

const PAGE_SIZE = 500;

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

/** The page depends on Accept-Language when no `lang` is asked for: caches must keep one copy per language. */
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  const vary = loaderHeaders.get("Vary");
  if (vary) out.set("Vary", vary);
  return out;
};

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [];
  const d = data.declaration;
  const shown = data.languages.shown;
  const title = shown ? `${shown.title} — ${shown.name}` : data.versionTitle;
  const description = `${data.countsText}. ${data.description}`.slice(0, 300);
  return [
    { title: `${d.title} — Accord` },
    { name: "description", content: description },
    { property: "og:type", content: "article" },
    { property: "og:site_name", content: "Accord" },
    { property: "og:title", content: title },
    { property: "og:description", content: description },
    { property: "og:url", content: d.url },
    { property: "article:published_time", content: isoString(d.publishedAt) },
    { name: "twitter:card", content: "summary" },
    { name: "twitter:title", content: title },
    { name: "twitter:description", content: description },
    { tagName: "link", rel: "canonical", href: shown ? `${d.url}?lang=${encodeURIComponent(shown.language)}` : d.url },
    ...(data.languages.translations.length > 0
      ? [data.languages.original, ...data.languages.translations].map((l) => ({ tagName: "link", rel: "alternate", hrefLang: l.language, href: `${d.url}?lang=${encodeURIComponent(l.language)}` }))
      : []),
    ...(data.languages.translations.length > 0 ? [{ tagName: "link", rel: "alternate", hrefLang: "x-default", href: d.url }] : []),
  ];
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const declaration = await loadPublicDeclaration(params.slug ?? "");
  if (!declaration) throw notFound();
  const { slug, current, counts } = declaration;
  const query = new URL(request.url).searchParams;
  // The language read: `lang` when asked for (404 when there is no such translation), else the reader's
  // Accept-Language among the original and the translations of the current version.
  const { language, translations } = await loadDeclarationLanguages(declaration.documentId, current.number);
  const requested = query.get("lang");
  let shown: TranslationView | null = null;
  if (requested !== null) {
    const tag = canonicalLanguage(requested.slice(0, 40));
    if (!tag) throw notFound();
    if (tag.toLowerCase() !== language.toLowerCase()) {
      shown = findTranslationIn(translations, tag);
      if (!shown) throw notFound();
    }
  } else {
    const currentOnes = translations.filter((t) => t.current);
    const chosen = chooseLanguage(acceptedLanguages(request.headers.get("Accept-Language")), [language, ...currentOnes.map((t) => t.language)]);
    shown = chosen && chosen !== language ? (currentOnes.find((t) => t.language === chosen) ?? null) : null;
  }
  const kind = parseKindFilter(query.get("kind"));
  const country = parseCountryFilter(query.get("country"));
  const requestedPage = Number(query.get("page") ?? "1");
  const filter = { slug, kind, country, scope: "counted" as const };
  const [total, countries, changes] = await Promise.all([
    countPublicEndorsements(filter),
    listPublicCountries(slug),
    current.number >= 2 ? loadChanges(declaration.documentId, current.number - 1, current.number, 2) : Promise.resolve(null),
  ]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Number.isSafeInteger(requestedPage) && requestedPage >= 1 ? Math.min(requestedPage, pages) : 1;
  const entries = await listPublicEndorsements({ ...filter, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  const lines = entries.map((e) => signatoryLine(e, t, locale)).map((l) => ({ ...l, website: safeWebsite(l.website) }));
  const linkTo = (tag: string) => `/d/${slug}?lang=${encodeURIComponent(tag)}`;
  return withHeaders({
    i18n: await publicStrings(request, context, translations.length > 0 ? ["list", "declaration", "words", "translation"] : ["list", "declaration", "words"]),
    versionTitle: t("public:declaration.versionTitle", { title: current.title, number: current.number }),
    languages: {
      original: { language, name: languageEndonym(language), href: linkTo(language), current: true, sourceNumber: null },
      translations: translations.map((t) => ({ language: t.language, name: languageEndonym(t.language), href: linkTo(t.language), current: t.current, sourceNumber: t.sourceNumber })),
      shown: shown && {
        language: shown.language,
        dir: languageDirection(shown.language),
        name: languageEndonym(shown.language),
        title: shown.title,
        html: shown.html,
        sha256: shown.sha256,
        sourceNumber: shown.sourceNumber,
        sourceSha256: shown.sourceSha256,
        current: shown.current,
      },
      /** The language asked for with `lang` (kept by the filters and pages of signatories). */
      requested: requested === null ? null : (shown?.language ?? language),
    },
    declaration: {
      slug,
      title: current.title,
      number: current.number,
      sha256: current.sha256,
      publishedAt: current.publishedAt,
      html: current.html,
      endorsementsOpen: declaration.endorsementsOpen,
      url: declaration.url,
      apiUrl: declaration.apiUrl,
    },
    counts: {
      current: counts.current,
      earlier: counts.earlier,
      individuals: counts.individuals,
      organisations: counts.organisations,
      earlierIndividuals: counts.earlierIndividuals,
      earlierOrganisations: counts.earlierOrganisations,
    },
    countsText: countsSentence(counts, current.number, t, locale),
    currentKindsText: kindsSentence(counts.individuals, counts.organisations, t, locale),
    earlierKindsText: kindsSentence(counts.earlierIndividuals, counts.earlierOrganisations, t, locale),
    description: shown ? previewText(shown.canonicalText, shown.title) : previewText(current.canonicalText, current.title),
    versions: declaration.versions.map((v) => ({ number: v.number, sha256: v.sha256, publishedAt: v.publishedAt })),
    changes: changes
      ? { from: changes.from.number, html: changes.diff.html, count: changes.diff.changes.length, identical: changes.diff.identical }
      : null,
    signatories: {
      current: lines.filter((l) => l.versionNumber === current.number),
      earlier: lines.filter((l) => l.versionNumber !== current.number),
    },
    filter: { kind: kind ?? "", country: country ?? "" },
    countries: countries.map((code) => ({ code, name: countryName(code, locale) ?? code })).sort((a, b) => a.name.localeCompare(b.name, locale)),
    page,
    pages,
    total,
  }, requested === null ? { headers: { Vary: "Accept-Language" } } : undefined);
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function Signatory({ line }: { line: SignatoryLine }) {
  return (
    <li className={`signatory signatory-${line.kind}`}>
      <span className="signatory__lead">{line.lead}</span>
      {line.details.length > 0 ? <span className="signatory__details">{` — ${line.details.join(" · ")}`}</span> : null}
      {line.website ? (
        <>
          {" · "}
          <a href={line.website} rel="nofollow ugc noopener noreferrer" className="signatory__website">
            {line.website.replace(/^https?:\/\//, "").replace(/\/$/, "")}
          </a>
        </>
      ) : null}
      {line.evidence ? <span className={`evidence`}>{` (${line.evidence})`}</span> : null}
      {line.statement ? <blockquote className="signatory__statement">{line.statement}</blockquote> : null}{" "}
      <a href={`/e/${line.id}`} className="signatory__receipt no-print">
        <Trans k="public:declaration.receipt" values={{ who: line.lead }} tags={{ hidden: (c) => <span className="visually-hidden">{c}</span> }} />
      </a>
    </li>
  );
}

function pageHref(slug: string, filter: Loaded["filter"], page: number, lang: string | null): string {
  const q = new URLSearchParams();
  if (lang) q.set("lang", lang);
  if (filter.kind) q.set("kind", filter.kind);
  if (filter.country) q.set("country", filter.country);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return `/d/${slug}${s ? `?${s}` : ""}#signatories`;
}

export default function DeclarationPage() {
  const data = useLoaderData<typeof loader>();
  const { declaration: d, counts, signatories, filter, languages } = data;
  const shown = languages.shown;
  const textHasTitle = (shown ? shown.html : d.html).startsWith("<h1>");
  const endorseHref = shown ? `/d/${d.slug}/endorse?lang=${encodeURIComponent(shown.language)}` : `/d/${d.slug}/endorse`;
  const filtered = filter.kind !== "" || filter.country !== "";
  const { t, locale } = useT();
  return (
    <div className="page reading declaration-page">
      <Breadcrumbs trail={[{ to: "/declarations", label: t("public:list.heading") }]} current={d.title} />

      <div className="print-only print-head">
        <p>{d.url}</p>
        <p>{t("public:declaration.printVersion", { number: d.number, date: formatDateTimeIn(locale, d.publishedAt) })}</p>
        <p>{t("public:declaration.printHash", { hash: d.sha256 })}</p>
        {shown ? <p>{t("public:declaration.printTranslation", { language: languageNameIn(shown.language, locale), number: shown.sourceNumber, hash: shown.sha256 })}</p> : null}
      </div>

      <LanguageList original={languages.original} translations={languages.translations} shown={shown?.language ?? null} />
      {textHasTitle ? null : shown ? <h1 lang={shown.language} dir={shown.dir}>{shown.title}</h1> : <h1>{d.title}</h1>}
      <div className="meta declaration-meta">
        <span>{t("public:list.version", { number: d.number })}</span>
        <span>
          <Trans
            k="public:list.published"
            values={{ date: formatDateIn(locale, d.publishedAt) }}
            tags={{ when: (c) => <time dateTime={isoString(d.publishedAt)}>{c}</time> }}
          />
        </span>
        {d.number > 1 ? <a href="#versions">{t("public:declaration.earlierVersions")}</a> : null}
        {shown ? (
          <a href={`/d/${d.slug}/v/${shown.sourceNumber}/pdf?lang=${encodeURIComponent(shown.language)}`} className="no-print" type="application/pdf" hrefLang={shown.language}>
            {t("public:declaration.pdfTranslation", { language: languageNameIn(shown.language, locale), number: shown.sourceNumber })}
          </a>
        ) : (
          <a href={`/d/${d.slug}/v/${d.number}/pdf`} className="no-print" type="application/pdf">
            {t("public:declaration.pdf", { number: d.number })}
          </a>
        )}
      </div>

      <section className="card endorse-box" aria-labelledby="counts-title">
        <h2 id="counts-title" className="visually-hidden">{t("public:declaration.endorsements")}</h2>
        <p className="counts">{data.countsText}</p>
        {saysKinds(counts) ? (
          <p className="muted small">
            {t("public:declaration.versionKinds", { number: d.number, kinds: data.currentKindsText })}
            {counts.earlier > 0 ? ` ${t("public:declaration.earlierKinds", { kinds: data.earlierKindsText })}` : ""}
          </p>
        ) : null}
        {d.endorsementsOpen ? (
          <p className="no-print">
            <a className="button" href={endorseHref}>{t("public:declaration.endorseVersion", { number: d.number })}</a>
          </p>
        ) : (
          <p className="muted no-print">{t("public:declaration.closed")}</p>
        )}
      </section>

      {shown ? (
        <TranslationStatement
          t={shown}
          originalHref={languages.original.href}
          originalLanguage={languages.original.language}
          authoritativeHash={d.sha256}
          currentNumber={d.number}
          jsonHref={`/api/declarations/${d.slug}/translations/${shown.language}`}
        />
      ) : null}
      {shown ? (
        <article className="document declaration-text" aria-label={shown.title} lang={shown.language} dir={shown.dir} dangerouslySetInnerHTML={{ __html: shown.html }} />
      ) : (
        <article className="document declaration-text" aria-label={d.title} dangerouslySetInnerHTML={{ __html: d.html }} />
      )}

      <section className="card verify" aria-labelledby="verify-title">
        <h2 id="verify-title">{t("public:declaration.verifyTitle")}</h2>
        <p>{t("public:declaration.sealed", { number: d.number, date: formatDateTimeIn(locale, d.publishedAt) })}</p>
        <p className="hash-line"><code className="hash">{d.sha256}</code></p>
        <p className="small">
          <Trans
            k="public:declaration.recipe"
            values={{ api: `/api/declarations/${d.slug}` }}
            tags={{
              code: (c) => <code>{c}</code>,
              api: (c) => <a href={`/api/declarations/${d.slug}`}>{c}</a>,
              screen: (c) => <span className="no-print">{c}</span>,
            }}
          />
        </p>
        <p className="no-print">
          <a href={`/verify?slug=${d.slug}`}>{t("public:declaration.checkText")}</a>
          {" · "}
          <a href={`/d/${d.slug}/v/${d.number}/text`}>{t("public:declaration.downloadText", { number: d.number })}</a>
        </p>
        <pre className="command no-print">{`curl -s ${d.apiUrl} | jq -j .text | sha256sum`}</pre>
        <p className="small no-print">
          <Trans k="public:declaration.withSource" values={{ command: `npm run accord -- verify ${d.url}` }} tags={{ code: (c) => <code>{c}</code> }} />
        </p>
      </section>

      {data.changes ? (
        <section className="no-print" aria-labelledby="changes-title">
          <h2 id="changes-title">{t("public:declaration.changesTitle", { number: data.changes.from })}</h2>
          <details className="changes">
            <summary>
              {data.changes.identical
                ? t("public:declaration.noChange")
                : t("public:declaration.changesSummary", { count: data.changes.count, from: data.changes.from, to: d.number })}
            </summary>
            <div className="diff" dangerouslySetInnerHTML={{ __html: data.changes.html }} />
          </details>
          <p>
            <a href={`/d/${d.slug}/changes/${d.number}`}>{t("public:declaration.changesPage", { from: data.changes.from, to: d.number })}</a>
          </p>
        </section>
      ) : null}

      <section aria-labelledby="versions-title" id="versions" className="no-print">
        <h2 id="versions-title">{t("public:declaration.versionsTitle")}</h2>
        <ol className="versions-list" reversed>
          {data.versions.map((v) => (
            <li key={v.number}>
              {v.number === d.number ? (
                <strong>{t("public:declaration.currentVersion", { number: v.number })}</strong>
              ) : (
                <a href={`/d/${d.slug}/v/${v.number}`}>{t("public:list.version", { number: v.number })}</a>
              )}{" "}
              <span className="muted small">
                — <time dateTime={isoString(v.publishedAt)}>{formatDateIn(locale, v.publishedAt)}</time>
              </span>
              {v.number > 1 ? (
                <>
                  {" · "}
                  <a href={`/d/${d.slug}/changes/${v.number}`}>
                    {t("public:declaration.changesFrom", { number: v.number - 1 })}
                  </a>
                </>
              ) : null}
              <br />
              <code className="hash small">{v.sha256}</code>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="signatories-title" id="signatories" className="signatories">
        <h2 id="signatories-title">
          <Trans k="public:declaration.signatories" tags={{ print: (c) => <span className="print-only">{c}</span> }} />
        </h2>
        <form method="get" action={`/d/${d.slug}#signatories`} className="filters">
          {languages.requested ? <input type="hidden" name="lang" value={languages.requested} /> : null}
          <div className="field">
            <label htmlFor="filter-kind">{t("public:declaration.who")}</label>
            <select id="filter-kind" name="kind" defaultValue={filter.kind}>
              <option value="">{t("public:declaration.everyone")}</option>
              <option value="individual">{t("public:declaration.individuals")}</option>
              <option value="organisation">{t("public:declaration.organisations")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-country">{t("public:declaration.country")}</label>
            <select id="filter-country" name="country" defaultValue={filter.country}>
              <option value="">{t("public:declaration.allCountries")}</option>
              {data.countries.map((c) => (
                <option key={c.code} value={c.code}>{c.name}</option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" className="secondary">{t("public:declaration.show")}</button>
            {filtered ? <a href={`/d/${d.slug}${languages.requested ? `?lang=${encodeURIComponent(languages.requested)}` : ""}#signatories`}>{t("public:declaration.showEveryone")}</a> : null}
          </div>
        </form>
        {filtered ? <p className="muted small" role="status">{t("public:declaration.matches", { count: data.total })}</p> : null}

        <h3 id="signatories-current">{signatoriesOfVersion(d.number, t)}</h3>
        {signatories.current.length === 0 ? (
          <p className="empty">{filtered ? t("public:declaration.nobodyMatches") : t("public:declaration.nobodyYet", { number: d.number })}</p>
        ) : (
          <ul className="signatory-list" aria-labelledby="signatories-current">
            {signatories.current.map((line) => <Signatory key={line.id} line={line} />)}
          </ul>
        )}
        {signatories.earlier.length > 0 ? (
          <>
            <h3 id="signatories-earlier">{signatoriesOfEarlier(t)}</h3>
            <p className="muted small">
              {t("public:declaration.earlierNote", { number: d.number })}
            </p>
            <ul className="signatory-list" aria-labelledby="signatories-earlier">
              {signatories.earlier.map((line) => (
                <Signatory key={line.id} line={{ ...line, details: [...line.details, t("public:declaration.versionLower", { number: line.versionNumber })] }} />
              ))}
            </ul>
          </>
        ) : null}
        {data.pages > 1 ? (
          <nav className="pagination no-print" aria-label={t("public:declaration.pages")}>
            <ul>
              {Array.from({ length: data.pages }, (_, i) => i + 1).map((p) => (
                <li key={p}>
                  {p === data.page ? (
                    <span aria-current="page">{t("public:declaration.page", { number: p })}</span>
                  ) : (
                    <a href={pageHref(d.slug, filter, p, languages.requested)}>{t("public:declaration.page", { number: p })}</a>
                  )}
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <p className="small no-print">
          <Trans
            k="public:declaration.data"
            tags={{
              csv: (c) => <a href={`/api/declarations/${d.slug}/endorsements.csv`}>{c}</a>,
              json: (c) => <a href={`/api/declarations/${d.slug}/endorsements`}>{c}</a>,
            }}
          />
        </p>
      </section>
    </div>
  );
}
