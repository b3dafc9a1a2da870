/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * On a translation document's page (issue 14): what it translates and, when the source has a newer published
 * version, "translates version N — outdated" with the source's changes since (app/diff's rendering). Every English
 * word of the translation editor's notice is here (to move into i18n keys later).
 */
import { Link } from "@remix-run/react";

export interface TranslationNoticeProps {
  translation: {
    language: string;
    languageName: string;
    sourceId: string;
    sourceTitle: string;
    sourceSlug: string | null;
    sourceNumber: number;
    latestSourceNumber: number;
    changes: { from: number; to: number; html: string; count: number; identical: boolean } | null;
  };
}

export function TranslationNotice({ translation: t }: TranslationNoticeProps) {
  return (
    <section className="translation-notice" aria-label="Translation">
      <TranslationOf
        sourceId={t.sourceId}
        sourceTitle={t.sourceTitle}
        languageName={t.languageName}
        sourceNumber={t.sourceNumber}
        latestSourceNumber={t.latestSourceNumber}
      />
      {t.changes ? (
        <details className="changes">
          <summary>
            {t.changes.identical
              ? `The text of version ${t.changes.to} is the same as version ${t.changes.from}.`
              : `What changed in the source from version ${t.changes.from} to version ${t.changes.to} (${t.changes.count === 1 ? "1 change" : `${t.changes.count} changes`}) — show them`}
          </summary>
          <div className="diff" dangerouslySetInnerHTML={{ __html: t.changes.html }} />
        </details>
      ) : null}
    </section>
  );
}

export interface TranslationOfProps {
  sourceId: string;
  sourceTitle: string;
  languageName: string;
  sourceNumber: number;
  latestSourceNumber: number;
}

/** On a translation document's pages: what it translates, and whether that version is still the current one. */
export function TranslationOf({ sourceId, sourceTitle, languageName, sourceNumber, latestSourceNumber }: TranslationOfProps) {
  const outdated = sourceNumber < latestSourceNumber;
  return (
    <p className={outdated ? "notice" : "muted"} role={outdated ? "status" : undefined}>
      {`Translation into ${languageName} of `}
      <Link to={`/documents/${sourceId}`}>{sourceTitle}</Link>
      {` — translates version ${sourceNumber}${outdated ? ` — outdated: version ${latestSourceNumber} has been published since.` : "."}`}
    </p>
  );
}
