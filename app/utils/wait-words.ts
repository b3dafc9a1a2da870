import type { Translate } from "../i18n/instance";

/** "Please wait …" in words: "a second", "12 seconds", "a minute", "15 minutes" (rounded up), never "1 seconds". */
export function waitWords(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s === 1) return "a second";
  if (s < 60) return `${s} seconds`;
  const minutes = Math.ceil(s / 60);
  return minutes === 1 ? "a minute" : `${minutes} minutes`;
}

/** The sentence after a run of refused attempts: "Please wait 12 seconds before trying again." */
export function pleaseWait(seconds: number): string {
  return `Please wait ${waitWords(seconds)} before trying again.`;
}

/** `pleaseWait` in the reader's language, with each language's plurals ("Veuillez patienter 12 secondes…"). */
export function pleaseWaitIn(t: Translate, seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const wait = s < 60 ? t("auth:wait.seconds", { count: s }) : t("auth:wait.minutes", { count: Math.ceil(s / 60) });
  return t("auth:wait.please", { wait });
}

/** `waitWords` in the reader's language: "12 secondes", "una hora"… (for sentences of their own). */
export function waitWordsIn(t: Translate, seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  return s < 60 ? t("auth:wait.seconds", { count: s }) : t("auth:wait.minutes", { count: Math.ceil(s / 60) });
}
