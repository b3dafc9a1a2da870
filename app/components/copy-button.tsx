/** "Copy" for a value shown on the page; appears only once JavaScript runs and the clipboard is available. */
import { useEffect, useState } from "react";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [available, setAvailable] = useState(false);
  const [message, setMessage] = useState("");
  useEffect(() => setAvailable(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  if (!available) return null;
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          navigator.clipboard.writeText(value).then(
            () => setMessage("Copied to the clipboard."),
            () => setMessage("Could not copy: select the text and copy it yourself."),
          );
        }}
      >
        {label}
      </button>
      <span role="status" className="small muted">{message}</span>
    </>
  );
}
