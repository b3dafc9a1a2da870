/**
 * The text a PDF reader extracts from a PDF (pdfjs-dist's legacy build, no canvas, no fonts from the system): what a
 * person copying from it, a search engine or a screen reader gets. Lines end with "\n"; pieces of a line are joined
 * as pdf.js gives them.
 */
import { createCanvas } from "@napi-rs/canvas";
import jsQR from "jsqr";
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

/** The QR code a phone would read from page `n` (1-based): the page drawn at twice its size, then decoded (jsQR). */
export async function pdfQrCode(bytes: Uint8Array, n: number): Promise<string | null> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const page = await pdf.getPage(n);
    const viewport = page.getViewport({ scale: 2 });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    // pdf.js draws on any 2D context shaped like the browser's; @napi-rs/canvas is the one it uses in Node.
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
  } finally {
    await pdf.destroy();
  }
}
