/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * "Save a named version" on the document page. It posts to the document page itself, which answers with the outcome
 * instead of navigating: with JavaScript through a fetcher (the writer keeps their place, the editor is untouched),
 * without it as a plain form post that renders the page again with the outcome. The outcome is announced politely.
 */
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";

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
  // The button is disabled while saving and the form is re-made after a save, so focus would fall to the page body:
  // bring it back to the name field (empty after a save, holding the name after an error), next to the outcome.
  const nameField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (fetcher.data) nameField.current?.focus();
  }, [fetcher.data]);
  return (
    <details className="no-print" open={outcome ? true : undefined}>
      <summary>Save a named version</summary>
      {/* Keyed by the last saved version: after a save the field starts empty again. */}
      <fetcher.Form key={saved?.id ?? "new"} method="post" className="inline-form" aria-describedby="save-version-status">
        <input type="hidden" name="intent" value={SAVE_VERSION_INTENT} />
        <label htmlFor="save-version-name">Name of the version</label>
        <input
          ref={nameField}
          id="save-version-name"
          name="name"
          type="text"
          required
          maxLength={120}
          autoComplete="off"
          placeholder="After session 2"
          defaultValue={outcome?.error ? outcome.name : ""}
          aria-invalid={outcome?.error ? true : undefined}
          aria-describedby={outcome?.error ? "save-version-status" : undefined}
        />
        <button type="submit" className="secondary" disabled={busy}>{busy ? "Saving…" : "Save version"}</button>
      </fetcher.Form>
      <div id="save-version-status" role="status" aria-live="polite">
        {outcome?.error ? <p className="error">{outcome.error}</p> : null}
        {saved ? (
          <p className="saved-version">
            {`Saved the version “${saved.name}”. `}
            <Link to={`/documents/${documentId}/versions/${saved.id}`}>View it</Link>
            {canPublish ? (
              <>
                {" · "}
                <Link to={`/documents/${documentId}/publish?version=${saved.id}#preview`}>Preview it for publishing</Link>
              </>
            ) : null}
          </p>
        ) : null}
      </div>
    </details>
  );
}
