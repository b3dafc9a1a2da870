/** The one fontkit function Accord calls (fontkit 2.0.4, pdfkit's own font engine; it ships no types). */
declare module "fontkit" {
  /** A parsed font; pdfkit takes it in place of a file and lays text out with it. */
  export interface Font {
    postscriptName: string;
    layout(text: string): unknown;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
