/**
 * Text that pdfkit alone would draw wrongly: characters a font lacks, and right-to-left scripts.
 *
 * - Font fallback, per character: each character goes to the first font of its style's chain that has a glyph for it
 *   (fontkit's `hasGlyphForCodePoint`; a space stays with the piece before it): oblique DejaVu has no Arabic, so an
 *   italic Arabic word is drawn upright. A character no font has is never dropped and never drawn as an empty box
 *   ("tofu"): it is written as its code point, `[U+0915]`. Invisible format characters (bidi controls, zero width
 *   joiners, variation selectors) that no font draws are left out.
 * - Bidi (Unicode Bidirectional Algorithm, `bidi-js`): a paragraph that holds a right-to-left character, or whose
 *   language is written right to left, is broken into lines here (at spaces, or inside a word too long for the line)
 *   in logical order; each line is cut into runs of one level and one style, put in visual order. fontkit shapes each
 *   run (Arabic joining forms, lam-alef) and reverses the glyphs of a right-to-left script; a right-to-left run of
 *   neutrals alone is reversed here, and mirrored characters (brackets) are swapped. Right-to-left runs are given
 *   word by word with their logical position, so the drawing can emit them in reading order (what pdf.js extracts).
 *
 * Pure apart from the fonts given; the drawing itself is in declaration-pdf.server.ts.
 */
import bidiFactory from "bidi-js";

const bidi = bidiFactory();

/** What decides whether a character can be drawn with a font. */
export interface GlyphSource {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

export interface Segment<F extends string> {
  text: string;
  font: F;
}

const INVISIBLE = /^[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
/** A right-to-left letter, or an explicit right-to-left mark, embedding, override or isolate. */
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC\u200F\u202B\u202E\u2067\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;
const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/**
 * Han ideographs, kana, Hangul, Bopomofo (by script extension: the prolonged sound mark ー is "Common"), and the
 * punctuation, symbols and full-width forms written with them: what the CJK font (Source Han Sans) is there for, and
 * the only characters that make it load.
 */
const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Bopomofo}\u1100-\u11FF\u2E80-\u2FDF\u3000-\u33FF\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/u;

/** Whether a character is Chinese, Japanese or Korean writing (see `CJK`). */
export const isCjk = (codePoint: number): boolean => CJK.test(String.fromCodePoint(codePoint));

/**
 * A font parsed only when first asked about a character it is for (`wanted`): any other character is answered "no"
 * without loading it. `load` is called at most once; `loaded()` is the font if it has been.
 */
export function lazyGlyphSource<T extends GlyphSource>(load: () => T, wanted: (codePoint: number) => boolean): GlyphSource & { loaded(): T | null } {
  let font: T | null = null;
  return {
    hasGlyphForCodePoint: (codePoint) => wanted(codePoint) && (font ??= load()).hasGlyphForCodePoint(codePoint),
    loaded: () => font,
  };
}

/** The code point written in place of a character no font has. */
export const placeholderFor = (codePoint: number) => `[U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}]`;

/** Whether `text` needs the bidi algorithm (it has a right-to-left character). */
export const hasRightToLeft = (text: string): boolean => RTL.test(text);

/** Coverage answers kept per font (a cmap look-up per character of every signatory line adds up). */
const coverage = new WeakMap<GlyphSource, Map<number, boolean>>();
function covers(font: GlyphSource, codePoint: number): boolean {
  let known = coverage.get(font);
  if (!known) coverage.set(font, (known = new Map()));
  let has = known.get(codePoint);
  if (has === undefined) known.set(codePoint, (has = font.hasGlyphForCodePoint(codePoint)));
  return has;
}

/**
 * `text` cut into pieces each drawn by one font: the first of `chain` that has the character's glyph (a space stays
 * with the piece before it). Characters no font of the chain has become
 * placeholders in the chain's first font; invisible format characters no font has are left out.
 */
export function segmentByFont<F extends string>(text: string, chain: readonly F[], fonts: Record<F, GlyphSource>): Segment<F>[] {
  const first = chain[0]!;
  // Fast path: printable ASCII, which every font of ours has.
  if (/^[\x20-\x7e]*$/.test(text)) return text === "" ? [] : [{ text, font: first }];
  const out: Segment<F>[] = [];
  const push = (piece: string, font: F) => {
    const last = out[out.length - 1];
    if (last && last.font === font) last.text += piece;
    else out.push({ text: piece, font });
  };
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const last = out[out.length - 1];
    if (last && char === " ") {
      push(char, last.font);
      continue;
    }
    const font = chain.find((f) => covers(fonts[f], codePoint));
    if (font) push(char, font);
    else if (!INVISIBLE.test(char)) push(placeholderFor(codePoint), first);
  }
  return out;
}

/** A styled piece of a paragraph as the bidi layout takes it: its text and whatever the caller draws it with. */
export interface StyledPiece<S> {
  text: string;
  style: S;
}

/** One run of a laid-out line, in visual order (left to right): the string to hand to fontkit, in its style. */
export interface VisualRun<S> {
  text: string;
  style: S;
  rtl: boolean;
  /** Where the run starts in the paragraph's logical order. */
  start: number;
}

/**
 * A paragraph's lines, each as runs in visual order. `measure` gives a styled string's width; `base` the paragraph's
 * direction ("auto": from its first strong character). Lines break at spaces, or inside a word wider than `width`.
 */
export function layoutBidi<S>(pieces: readonly StyledPiece<S>[], width: number, base: "ltr" | "rtl" | "auto", measure: (text: string, style: S) => number): { lines: VisualRun<S>[][]; rtl: boolean } {
  const text = pieces.map((p) => p.text).join("");
  const styleAt: number[] = [];
  pieces.forEach((p, i) => {
    for (let k = 0; k < p.text.length; k++) styleAt.push(i);
  });
  if (text === "") return { lines: [], rtl: base === "rtl" };
  const levels = bidi.getEmbeddingLevels(text, base);
  const rtl = (levels.paragraphs[0]?.level ?? 0) % 2 === 1;
  const widthOf = (start: number, end: number) => {
    let w = 0;
    let i = start;
    while (i < end) {
      let j = i + 1;
      while (j < end && styleAt[j] === styleAt[i]) j++;
      w += measure(text.slice(i, j), pieces[styleAt[i]!]!.style);
      i = j;
    }
    return w;
  };
  // Words: [start, end) with their trailing spaces.
  const words: [number, number][] = [];
  for (const m of text.matchAll(/[^ ]+ *| +/g)) words.push([m.index, m.index + m[0].length]);
  const lines: [number, number][] = [];
  let lineStart = words[0]?.[0] ?? 0;
  let lineEnd = lineStart;
  for (const [start, end] of words) {
    const trimmedEnd = text.slice(start, end).trimEnd().length + start;
    if (lineEnd > lineStart && widthOf(lineStart, trimmedEnd) > width) {
      lines.push([lineStart, lineEnd]);
      lineStart = start;
    }
    lineEnd = end;
    // A word wider than a whole line: cut it where it stops fitting.
    while (widthOf(lineStart, text.slice(lineStart, lineEnd).trimEnd().length + lineStart) > width && lineEnd - lineStart > 1) {
      let cut = lineStart + 1;
      while (cut < lineEnd && widthOf(lineStart, cut + 1) <= width) cut++;
      if (text.codePointAt(cut - 1)! > 0xffff && cut - lineStart > 1) cut--; // never between the halves of a surrogate pair
      lines.push([lineStart, cut]);
      lineStart = cut;
    }
  }
  if (lineEnd > lineStart) lines.push([lineStart, lineEnd]);
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels);
  return {
    rtl,
    lines: lines.map(([start, end]) => {
      let last = end - 1;
      while (last > start && text[last] === " ") last--;
      const order = bidi.getReorderedIndices(text, levels, start, last).filter((i) => !BIDI_CONTROLS.test(text[i]!));
      const runs: VisualRun<S>[] = [];
      let i = 0;
      while (i < order.length) {
        const first = order[i]!;
        const level = levels.levels[first]!;
        const odd = level % 2 === 1;
        let j = i + 1;
        while (j < order.length && levels.levels[order[j]!] === level && styleAt[order[j]!] === styleAt[first] && order[j] === order[j - 1]! + (odd ? -1 : 1)) j++;
        const from = odd ? order[j - 1]! : first;
        const to = odd ? first : order[j - 1]!;
        let logical = "";
        for (let k = from; k <= to; k++) logical += mirrored.get(k) ?? text[k];
        const style = pieces[styleAt[first]!]!.style;
        if (!odd) runs.push({ text: logical, style, rtl: false, start: from });
        else {
          // Word by word (a reader extracts each word's letters in order, but not the words of one piece), right to
          // left. fontkit reverses the glyphs of a right-to-left script itself; a run of neutrals alone it would not.
          const words = [...logical.matchAll(/[^ ]+ *| +/g)].reverse();
          for (const m of words) {
            const shown = hasRightToLeft(m[0]) ? m[0] : [...m[0]].reverse().join("");
            runs.push({ text: shown, style, rtl: true, start: from + m.index });
          }
        }
        i = j;
      }
      return runs;
    }),
  };
}
