/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The live word count. It changes with every keystroke, so it is not a live region (a screen reader would read it
 * after each word); activating it announces the count once, politely, on request.
 */
import { useState } from "react";
import { formatWordCount } from "../editor/document-outline";

export function WordCount({ words }: { words: number }) {
  const [announced, setAnnounced] = useState("");
  const text = formatWordCount(words);
  // Asked twice for the same count, the region's text must still change to be read out again.
  const announce = (message: string) => setAnnounced((previous) => (previous === message ? `${message}\u00a0` : message));
  return (
    <>
      <button type="button" className="word-count link-button" data-testid="word-count" title="Read out the word count" onClick={() => announce(`${text} in this document.`)}>
        {text}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {announced}
      </span>
    </>
  );
}
