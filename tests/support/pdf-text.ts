/**
 * The text a PDF reader extracts from a PDF (pdfjs-dist's legacy build, no canvas, no fonts from the system): what a
 * person copying from it, a search engine or a screen reader gets. Lines end with "\n"; pieces of a line are joined
 * as pdf.js gives them.
 */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export async function pdfText(bytes: Uint8Array): Promise<{ text: string; pages: number; info: Record<string, unknown> }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    let text = "";
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str + (item.hasEOL ? "\n" : "");
      }
      text += "\n";
    }
    const meta = await pdf.getMetadata();
    return { text, pages: pdf.numPages, info: (meta.info ?? {}) as Record<string, unknown> };
  } finally {
    await pdf.destroy();
  }
}
