/**
 * "Save a named version" on the document page. It posts to the document page itself, which answers with the outcome
 * instead of navigating: with JavaScript through a fetcher (the writer keeps their place, the editor is untouched),
 * without it as a plain form post that renders the page again with the outcome. The outcome is announced politely.
 */
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useT } from "../i18n/react";

export interface SaveVersionOutcome {
  saved: { id: string; name: string } | null;
  error: string | null;
  /** The name as submitted (kept in the field after an error). */
  name: string;
}

export const SAVE_VERSION_INTENT = "save-version";

export function SaveVersionForm({ documentId, canPublish, fallback }: { documentId: string; canPublish: boolean; fallback: SaveVersionOutcome | null }) {
  const fetcher = useFetcher<SaveVersionOutcome>();
  const outcome = fetcher.data ?? fallback;
  const busy = fetcher.state !== "idle";
  const saved = outcome?.saved ?? null;
  const { t } = useT();
  // The button is disabled while saving and the form is re-made after a save, so focus would fall to the page body:
  // bring it back to the name field (empty after a save, holding the name after an error), next to the outcome.
  const nameField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (fetcher.data) nameField.current?.focus();
  }, [fetcher.data]);
  return (
    <details className="no-print" open={outcome ? true : undefined}>
      <summary>{t("workshop:history.saveTitle")}</summary>
      {/* Keyed by the last saved version: after a save the field starts empty again. */}
      <fetcher.Form key={saved?.id ?? "new"} method="post" className="inline-form" aria-describedby="save-version-status">
        <input type="hidden" name="intent" value={SAVE_VERSION_INTENT} />
        <label htmlFor="save-version-name">{t("workshop:history.nameLabel")}</label>
        <input
          ref={nameField}
          id="save-version-name"
          name="name"
          type="text"
          required
          maxLength={120}
          autoComplete="off"
          placeholder={t("workshop:history.quickSave.placeholder")}
          defaultValue={outcome?.error ? outcome.name : ""}
          aria-invalid={outcome?.error ? true : undefined}
          aria-describedby={outcome?.error ? "save-version-status" : undefined}
        />
        <button type="submit" className="secondary" disabled={busy}>{busy ? t("workshop:history.quickSave.saving") : t("workshop:history.save")}</button>
      </fetcher.Form>
      <div id="save-version-status" role="status" aria-live="polite">
        {outcome?.error ? <p className="error">{outcome.error}</p> : null}
        {saved ? (
          <p className="saved-version">
            {`${t("workshop:history.saved", { name: saved.name })} `}
            <Link to={`/documents/${documentId}/versions/${saved.id}`}>{t("workshop:history.quickSave.view")}</Link>
            {canPublish ? (
              <>
                {" · "}
                <Link to={`/documents/${documentId}/publish?version=${saved.id}#preview`}>{t("workshop:history.quickSave.preview")}</Link>
              </>
            ) : null}
          </p>
        ) : null}
      </div>
    </details>
  );
}
