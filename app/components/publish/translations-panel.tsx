/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The organisers' translations of a declaration (issue 14), on its publish page: the translation documents with the
 * version each translates, and a form to start one; on a translation document, what it translates. Every English
 * word of this feature's organiser pages is here (to move into i18n keys later).
 */
import { Form, Link } from "@remix-run/react";
import { Field } from "../field";

export interface TranslationRow {
  id: string;
  title: string;
  language: string;
  languageName: string;
  sourceNumber: number;
  publishedNumber: number | null;
}

export interface TranslationsPanelProps {
  action: string;
  translations: TranslationRow[];
  publishedNumbers: number[];
  sourceLanguageName: string;
  error: string | null;
  busy: boolean;
}

export function TranslationsPanel({ action, translations, publishedNumbers, sourceLanguageName, error, busy }: TranslationsPanelProps) {
  const current = publishedNumbers[0] ?? null;
  return (
    <section aria-labelledby="translations-title">
      <h2 id="translations-title">Translations</h2>
      <p className="muted">
        {`The authoritative text is in ${sourceLanguageName}. A translation is a document of its own, co-edited like any draft and published at this declaration's address with its own SHA-256, bound to the version it translates.`}
      </p>
      {translations.length > 0 ? (
        <ul className="card-list">
          {translations.map((t) => (
            <li key={t.id}>
              <Link to={`/documents/${t.id}`} lang={t.language}>{t.title}</Link>{" "}
              <span className="muted small">
                {`${t.languageName} · translates version ${t.sourceNumber}${current !== null && t.sourceNumber < current ? " — outdated" : ""}${
                  t.publishedNumber ? ` · published (${t.publishedNumber === 1 ? "once" : `${t.publishedNumber} times`})` : " · not published yet"
                }`}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {current !== null ? (
        <Form method="post" action={action} className="card stack" aria-labelledby="translate-title">
          <h3 id="translate-title">Start a translation</h3>
          <input type="hidden" name="intent" value="translate" />
          <Field id="translate-language" name="language" label="Language" hint="A BCP 47 tag: fr, es, sv, pt-BR, ar…" error={error} type="text" required maxLength={35} autoComplete="off" spellCheck={false} />
          <div className="field">
            <label htmlFor="translate-version">Version to translate</label>
            <select id="translate-version" name="versionNumber" defaultValue={String(current)}>
              {publishedNumbers.map((n) => (
                <option key={n} value={String(n)}>{n === current ? `Version ${n} (current)` : `Version ${n}`}</option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>Start the translation</button>
          </div>
        </Form>
      ) : (
        <p className="muted">Publish a version first: a translation translates a published version.</p>
      )}
    </section>
  );
}

/** On a translation document's publish page: what publishing seals it against; when outdated, a way to move on. */
export function TranslationPublishNote({ languageName, sourceTitle, sourceNumber, latestSourceNumber, action, busy }: {
  languageName: string;
  sourceTitle: string;
  sourceNumber: number;
  latestSourceNumber: number;
  action: string;
  busy: boolean;
}) {
  const outdated = sourceNumber < latestSourceNumber;
  return (
    <>
      <p className={outdated ? "notice" : "muted"}>
        {`Translation into ${languageName} of “${sourceTitle}”, version ${sourceNumber}${outdated ? ` — outdated: version ${latestSourceNumber} has been published since` : ""}. Publishing seals it with its own SHA-256, bound to version ${sourceNumber} and its SHA-256, at the declaration's address.`}
      </p>
      {outdated ? (
        <Form method="post" action={action} className="card stack">
          <input type="hidden" name="intent" value="retarget" />
          <p>{`Translate version ${latestSourceNumber} in this document: its text stays as it is, the document page shows what changed in the source since version ${sourceNumber}, and its next publication is bound to version ${latestSourceNumber}.`}</p>
          <div className="actions">
            <button type="submit" className="secondary" disabled={busy}>{`Translate version ${latestSourceNumber} now`}</button>
          </div>
        </Form>
      ) : null}
    </>
  );
}
