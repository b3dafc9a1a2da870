/**
 * The public pages' languages (issue 14): links to the authoritative text and each translation, and on a translated
 * page the plain statement that it is a translation, of which version, with its hash and a link to the
 * authoritative text and its hash. Plain HTML (the public pages send no JavaScript). Words: the `translation` section
 * of the `public` namespace (every route rendering these sends it); languages are named in the page's language.
 */
import type { ReactNode } from "react";
import { languageNameIn } from "../declarations/languages";
import { Trans, useT } from "../i18n/react";

export interface LanguageLink {
  language: string;
  name: string;
  href: string;
  current: boolean;
  sourceNumber: number | null;
}

export interface ShownTranslation {
  language: string;
  dir: "rtl" | "ltr";
  name: string;
  sha256: string;
  sourceNumber: number;
  sourceSha256: string;
  current: boolean;
}

/** The list of languages a declaration can be read in (nothing when it has no translation). */
export function LanguageList({ original, translations, shown }: { original: LanguageLink; translations: LanguageLink[]; shown: string | null }) {
  const { t } = useT();
  if (translations.length === 0) return null;
  const all = [original, ...translations];
  return (
    <nav className="languages no-print" aria-label={t("public:translation.languages")}>
      <span className="muted small">{t("public:translation.readIn")} </span>
      <ul className="inline-list">
        {all.map((l) => {
          const here = (shown ?? original.language) === l.language;
          const note =
            l.sourceNumber === null
              ? t("public:translation.original")
              : l.current
                ? ""
                : t("public:translation.outdatedVersion", { number: l.sourceNumber });
          return (
            <li key={l.language}>
              {here ? (
                <strong lang={l.language} aria-current="page">{l.name}</strong>
              ) : (
                <a href={l.href} lang={l.language} hrefLang={l.language}>{l.name}</a>
              )}
              {note ? <span className="muted small"> {note}</span> : null}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** What a translated page says first: a translation, of which version, bound to which text. */
export function TranslationStatement({ t: shown, originalHref, originalLanguage, authoritativeHash, currentNumber, jsonHref }: {
  t: ShownTranslation;
  originalHref: string;
  originalLanguage: string;
  authoritativeHash: string;
  currentNumber: number;
  jsonHref: string;
}) {
  const { t, locale } = useT();
  const go = { go: (c: ReactNode) => <a href={originalHref}>{c}</a> };
  const values = { number: shown.sourceNumber, current: currentNumber, original: languageNameIn(originalLanguage, locale) };
  return (
    <section className={`card translation-statement${shown.current ? "" : " outdated"}`} aria-labelledby="translation-title">
      <h2 id="translation-title" className="small">{t("public:translation.statementTitle", { language: languageNameIn(shown.language, locale) })}</h2>
      <p>
        {shown.current ? (
          <Trans k="public:translation.statement" values={values} tags={go} />
        ) : (
          <Trans k="public:translation.statementOutdated" values={values} tags={go} />
        )}
      </p>
      <dl className="facts small">
        <dt>{t("public:translation.hashOfThis")}</dt>
        <dd><code className="hash">{shown.sha256}</code></dd>
        <dt>{t("public:translation.hashOfSource", { number: shown.sourceNumber })}</dt>
        <dd><code className="hash">{shown.sourceSha256}</code></dd>
        {shown.current ? null : (
          <>
            <dt>{t("public:translation.hashOfCurrent", { number: currentNumber })}</dt>
            <dd><code className="hash">{authoritativeHash}</code></dd>
          </>
        )}
      </dl>
      <p className="small no-print">
        <Trans k="public:translation.canonical" values={{ href: jsonHref }} tags={{ go: (c) => <a href={jsonHref}>{c}</a> }} />
      </p>
    </section>
  );
}

const hashTag = { hash: (c: ReactNode) => <code className="hash">{c}</code> };

/** On the endorse page, arriving from a translated page: what is endorsed and what is recorded. */
export function ReadTranslationNotice({ read, number }: { read: { language: string; sha256: string; sourceNumber: number; current: boolean }; number: number }) {
  const { locale } = useT();
  const values = { language: languageNameIn(read.language, locale), source: read.sourceNumber, number, hash: read.sha256 };
  return (
    <p className="notice">
      {read.current ? (
        <Trans k="public:translation.readNotice" values={values} tags={hashTag} />
      ) : (
        <Trans k="public:translation.readNoticeOutdated" values={values} tags={hashTag} />
      )}
    </p>
  );
}

/** On a receipt: the translation the signer read. */
export function ReadTranslationFacts({ read }: { read: { language: string; sha256: string } }) {
  const { t, locale } = useT();
  return (
    <>
      <dt>{t("public:translation.receiptReadIn")}</dt>
      <dd>
        <Trans k="public:translation.receiptRead" values={{ language: languageNameIn(read.language, locale), hash: read.sha256 }} tags={hashTag} />
      </dd>
    </>
  );
}

/** On /verify: the sealed translations a text or fingerprint is (each with the authoritative version it translates). */
export function TranslationMatchList({ matches }: { matches: { slug: string; language: string; title: string; sourceNumber: number; sourceSha256: string; currentNumber: number }[] }) {
  return (
    <>
      <p><Trans k="public:translation.matchTitle" tags={{ strong: (c) => <strong>{c}</strong> }} /></p>
      <ul>
        {matches.map((m) => {
          const tags = {
            ...hashTag,
            go: (c: ReactNode) => <a href={`/d/${m.slug}?lang=${encodeURIComponent(m.language)}`} lang={m.language}>{c}</a>,
          };
          const values = { title: m.title, language: m.language, number: m.sourceNumber, hash: m.sourceSha256 };
          return (
            <li key={`${m.slug}:${m.language}:${m.sourceNumber}`}>
              {m.sourceNumber === m.currentNumber ? (
                <Trans k="public:translation.match" values={values} tags={tags} />
              ) : (
                <Trans k="public:translation.matchOutdated" values={values} tags={tags} />
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
