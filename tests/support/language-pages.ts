/**
 * Helpers of the tests that read pages in the reader's language (tests/integration/*-language.test.ts): the
 * Accept-Language headers of a French, Spanish or Swedish browser, a page's visible text, and the check that no
 * English words are left in it.
 */
import { expect } from "vitest";

export const fr = { "accept-language": "fr-FR,fr;q=0.9" };
export const es = { "accept-language": "es-ES,es;q=0.9" };
export const sv = { "accept-language": "sv-SE,sv;q=0.9" };

/** The page's text, without tags, scripts or the strings sent for hydration. */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

/** None of `words` (English) is in the page's visible text. */
export function expectNoEnglish(html: string, words: string[]): void {
  const text = visibleText(html);
  for (const word of words) expect(text, `English left: “${word}”`).not.toContain(word);
}
