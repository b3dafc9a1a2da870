/**
 * Step 1 of publishing: choose a named version to preview (a GET form, so it works without JavaScript and the
 * preview has an address). Nothing is chosen in advance unless the newest version is still unpublished: an older
 * version is never offered as the default.
 */
import { Form } from "@remix-run/react";
import { isoString } from "../../utils/dates";
import { useT } from "../../i18n/react";
import { dateTimeIn } from "../../workshops/words";

export interface VersionChoiceView {
  id: string;
  name: string;
  createdAt: Date | string;
  authorName: string | null;
  publishedAs: number[];
}

/** The version to pre-select: the one being previewed, else the newest one if it was never published, else none. */
export function defaultChoice(versions: readonly VersionChoiceView[], previewed: string | null): string | null {
  if (previewed) return previewed;
  const newest = versions[0];
  return newest && newest.publishedAs.length === 0 ? newest.id : null;
}

export function VersionChooser({ action, versions, previewed }: { action: string; versions: VersionChoiceView[]; previewed: string | null }) {
  const chosen = defaultChoice(versions, previewed);
  const { t, locale } = useT();
  return (
    // Keyed by the choice: when it changes (after a publish, say), the radios start again from it.
    <Form key={chosen ?? "none"} method="get" action={`${action}#preview`} className="stack card" aria-labelledby="choose-version">
      <fieldset className="field">
        <legend id="choose-version">{t("workshop:publish.chooser.legend")}</legend>
        <ul className="choice-list">
          {versions.map((v) => (
            <li key={v.id}>
              <input type="radio" id={`version-${v.id}`} name="version" value={v.id} defaultChecked={v.id === chosen} required />{" "}
              <label htmlFor={`version-${v.id}`}>
                <strong>{v.name}</strong>{" "}
                <span className="muted small">
                  {v.authorName ? `${v.authorName}, ` : ""}
                  <time dateTime={isoString(v.createdAt)}>{dateTimeIn(locale, v.createdAt)}</time>
                  {v.publishedAs.length > 0 ? ` — ${t("workshop:publish.chooser.publishedAs", { numbers: v.publishedAs.join(", ") })}` : ""}
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="actions">
        <button type="submit" className="secondary">{t("workshop:publish.chooser.preview")}</button>
      </div>
    </Form>
  );
}
