/**
 * Rendered document HTML with its headings moved `by` levels down (h1 → h2 …, never past h6), so a page that shows
 * a document under its own h1 (and h2) keeps one outline. The renderer writes plain `<hN>` tags and escapes all
 * text, so the tags can be matched literally.
 */
export function demoteHeadings(html: string, by = 1): string {
  return html.replace(/<(\/?)h([1-6])>/g, (_m, slash: string, level: string) => `<${slash}h${Math.min(6, Number(level) + by)}>`);
}
