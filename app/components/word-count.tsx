/**
 * The live word count. It changes with every keystroke, so it is not a live region (a screen reader would read it
 * after each word); activating it announces the count once, politely, on request.
 */
import { useState } from "react";
import { formatNumberIn } from "../i18n/format";
import { useT } from "../i18n/react";

export function WordCount({ words }: { words: number }) {
  const [announced, setAnnounced] = useState("");
  const { t, locale } = useT();
  const text = t("editor:words.count", { count: words, number: formatNumberIn(locale, words) });
  // Asked twice for the same count, the region's text must still change to be read out again.
  const announce = (message: string) => setAnnounced((previous) => (previous === message ? `${message}\u00a0` : message));
  return (
    <>
      <button type="button" className="word-count link-button" data-testid="word-count" title={t("editor:words.readOut")} onClick={() => announce(t("editor:words.announce", { words: text }))}>
        {text}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {announced}
      </span>
    </>
  );
}
