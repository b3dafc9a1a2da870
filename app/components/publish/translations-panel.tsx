/**
 * The organisers' translations of a declaration (issue 14), on its publish page: the translation documents with the
 * version each translates, and a form to start one; on a translation document, what it translates. Words: the
 * `translations` group (the panel) and `publish.translationNote` of the workshop namespace.
 */
import { Form, Link } from "@remix-run/react";
import { Field } from "../field";
import { useT } from "../../i18n/react";

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
  const { t } = useT();
  return (
    <section aria-labelledby="translations-title">
      <h2 id="translations-title">{t("workshop:translations.title")}</h2>
      <p className="muted">
        {t("workshop:translations.explain", { language: sourceLanguageName })}
      </p>
      {translations.length > 0 ? (
        <ul className="card-list">
          {translations.map((tr) => (
            <li key={tr.id}>
              <Link to={`/documents/${tr.id}`} lang={tr.language}>{tr.title}</Link>{" "}
              <span className="muted small">
                {`${tr.languageName} · ${t("workshop:translations.translates", { number: tr.sourceNumber })}${
                  current !== null && tr.sourceNumber < current ? ` — ${t("workshop:translations.outdated")}` : ""
                } · ${tr.publishedNumber ? t("workshop:translations.publishedTimes", { count: tr.publishedNumber }) : t("workshop:translations.notPublished")}`}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {current !== null ? (
        <Form method="post" action={action} className="card stack" aria-labelledby="translate-title">
          <h3 id="translate-title">{t("workshop:translations.start")}</h3>
          <input type="hidden" name="intent" value="translate" />
          <Field id="translate-language" name="language" label={t("workshop:translations.language")} hint={t("workshop:translations.languageHint")} error={error} type="text" required maxLength={35} autoComplete="off" spellCheck={false} />
          <div className="field">
            <label htmlFor="translate-version">{t("workshop:translations.version")}</label>
            <select id="translate-version" name="versionNumber" defaultValue={String(current)}>
              {publishedNumbers.map((n) => (
                <option key={n} value={String(n)}>{n === current ? t("workshop:translations.versionCurrent", { number: n }) : t("workshop:publish.version", { number: n })}</option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>{t("workshop:translations.submit")}</button>
          </div>
        </Form>
      ) : (
        <p className="muted">{t("workshop:translations.publishFirst")}</p>
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
  const { t } = useT();
  return (
    <>
      <p className={outdated ? "notice" : "muted"}>
        {outdated
          ? t("workshop:publish.translationNote.noteOutdated", { language: languageName, title: sourceTitle, number: sourceNumber, latest: latestSourceNumber })
          : t("workshop:publish.translationNote.note", { language: languageName, title: sourceTitle, number: sourceNumber })}
      </p>
      {outdated ? (
        <Form method="post" action={action} className="card stack">
          <input type="hidden" name="intent" value="retarget" />
          <p>{t("workshop:publish.translationNote.retargetExplain", { number: sourceNumber, latest: latestSourceNumber })}</p>
          <div className="actions">
            <button type="submit" className="secondary" disabled={busy}>{t("workshop:publish.translationNote.retarget", { latest: latestSourceNumber })}</button>
          </div>
        </Form>
      ) : null}
    </>
  );
}
