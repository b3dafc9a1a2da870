/**
 * "Copy" for a value the page also shows in a read-only field (so it can be selected and copied by hand without
 * JavaScript). The button appears once JavaScript runs. It copies with the Clipboard API; where that is missing or
 * refused (a plain-http address other than localhost), it selects the field named by `fieldId` and asks the browser
 * to copy. The outcome is announced politely: the live region is on the page before its text changes.
 */
import { useEffect, useState } from "react";

export const COPIED = "Copied to the clipboard.";

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

export function CopyButton({ value, label = "Copy", fieldId }: { value: string; label?: string; fieldId?: string }) {
  const [ready, setReady] = useState(false);
  const [message, setMessage] = useState("");
  useEffect(() => setReady(true), []);
  if (!ready) return null;

  const copy = async () => {
    setMessage("");
    try {
      await navigator.clipboard.writeText(value);
      setMessage(COPIED);
      return;
    } catch {
      // No Clipboard API here, or it was refused: try the field.
    }
    setMessage(copyFromField(fieldId) ? COPIED : "Could not copy: select the text and copy it yourself.");
  };
  return (
    <>
      <button type="button" className="secondary" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" aria-live="polite" className="small muted">{message}</span>
    </>
  );
}
