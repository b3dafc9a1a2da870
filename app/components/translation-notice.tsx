/**
 * On a translation document's page (issue 14): what it translates and, when the source has a newer published
 * version, "translates version N — outdated" with the source's changes since (app/diff's rendering). Words: the
 * `translation` section of the `public` namespace (documents.$id.tsx sends it for a translation); the language is
 * named in the page's language.
 */
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { languageNameIn } from "../declarations/languages";
import { Trans, useT } from "../i18n/react";

export interface TranslationNoticeProps {
  translation: {
    language: string;
    sourceId: string;
    sourceTitle: string;
    sourceSlug: string | null;
    sourceNumber: number;
    latestSourceNumber: number;
    changes: { from: number; to: number; html: string; count: number; identical: boolean } | null;
  };
}

export function TranslationNotice({ translation: tr }: TranslationNoticeProps) {
  const { t } = useT();
  return (
    <section className="translation-notice" aria-label={t("public:translation.notice")}>
      <TranslationOf
        sourceId={tr.sourceId}
        sourceTitle={tr.sourceTitle}
        language={tr.language}
        sourceNumber={tr.sourceNumber}
        latestSourceNumber={tr.latestSourceNumber}
      />
      {tr.changes ? (
        <details className="changes">
          <summary>
            {tr.changes.identical
              ? t("public:translation.changesSame", { from: tr.changes.from, to: tr.changes.to })
              : t("public:translation.changes", { from: tr.changes.from, to: tr.changes.to, count: tr.changes.count })}
          </summary>
          <div className="diff" dangerouslySetInnerHTML={{ __html: tr.changes.html }} />
        </details>
      ) : null}
    </section>
  );
}

export interface TranslationOfProps {
  sourceId: string;
  sourceTitle: string;
  /** The translation's language tag (named in the page's language). */
  language: string;
  sourceNumber: number;
  latestSourceNumber: number;
}

/** On a translation document's pages: what it translates, and whether that version is still the current one. */
export function TranslationOf({ sourceId, sourceTitle, language, sourceNumber, latestSourceNumber }: TranslationOfProps) {
  const { locale } = useT();
  const outdated = sourceNumber < latestSourceNumber;
  const values = { language: languageNameIn(language, locale), title: sourceTitle, number: sourceNumber, latest: latestSourceNumber };
  const tags = { go: (c: ReactNode) => <Link to={`/documents/${sourceId}`}>{c}</Link> };
  return (
    <p className={outdated ? "notice" : "muted"} role={outdated ? "status" : undefined}>
      {outdated ? (
        <Trans k="public:translation.noticeOfOutdated" values={values} tags={tags} />
      ) : (
        <Trans k="public:translation.noticeOf" values={values} tags={tags} />
      )}
    </p>
  );
}
