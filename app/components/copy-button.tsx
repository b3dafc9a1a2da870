/**
 * "Copy" for a value the page also shows in a read-only field (so it can be selected and copied by hand without
 * JavaScript). The button appears once JavaScript runs. It copies with the Clipboard API; where that is missing or
 * refused (a plain-http address other than localhost), it selects the field named by `fieldId` and asks the browser
 * to copy. The outcome is announced politely: the live region is on the page before its text changes.
 */
import { forwardRef, useEffect, useState } from "react";
import { useT } from "../i18n/react";

function copyFromField(fieldId: string | undefined): boolean {
  const field = fieldId ? document.getElementById(fieldId) : null;
  if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement)) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export function CopyButton({ value, label, fieldId }: { value: string; label?: string; fieldId?: string }) {
  const { t } = useT();
  const [ready, setReady] = useState(false);
  const [message, setMessage] = useState("");
  useEffect(() => setReady(true), []);
  if (!ready) return null;

  const copy = async () => {
    setMessage("");
    try {
      await navigator.clipboard.writeText(value);
      setMessage(t("common:copy.copied"));
      return;
    } catch {
      // No Clipboard API here, or it was refused: try the field.
    }
    setMessage(copyFromField(fieldId) ? t("common:copy.copied") : t("common:copy.failed"));
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {label ?? t("common:copy.label")}
      </button>
      <span role="status" aria-live="polite" className="small muted">{message}</span>
    </>
  );
}

/**
 * The read-only field that shows a value made to be copied (a secret shown once, a link): selected whole on focus,
 * never spell-checked or autofilled, described by the text that says what it is for.
 */
export const CopyBox = forwardRef<HTMLInputElement, { id: string; value: string; describedBy: string }>(function CopyBox(
  { id, value, describedBy },
  ref,
) {
  return (
    <input
      id={id}
      ref={ref}
      type="text"
      className="copy-box"
      readOnly
      value={value}
      aria-describedby={describedBy}
      autoComplete="off"
      spellCheck={false}
      onFocus={(e) => e.currentTarget.select()}
    />
  );
});
