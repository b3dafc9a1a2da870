/**
 * A published version as a PDF people can circulate (pdfkit, on the server, no browser): a title block, the sealed text
 * with its headings, paragraphs, lists, quotes and emphasis, an annex of the signatories, and on every page a footer
 * with the title, version, date, SHA-256 and a QR code of the verification URL drawn as vector rectangles.
 *
 * Fonts: DejaVu Sans (regular, bold, oblique, bold oblique) and DejaVu Sans Mono from the `dejavu-fonts-ttf` package,
 * embedded as subsets: Latin, Greek, Cyrillic, Armenian, Georgian and many symbols come out as text. Chinese, Japanese
 * and Korean come from Source Han Sans (regular and bold, `node-source-han-sans`), last in every fallback chain and
 * parsed only once a CJK character is drawn. Right-to-left text is laid out by text-layout.ts; characters no font has
 * (Indic, Ethiopic…) are written as their code points.
 *
 * Tagged (PDF/UA-style structure tree, /Lang the text's language, /MarkInfo Marked): the title block, headings (H1–H3), paragraphs
 * (P), lists (L > LI > Lbl + LBody), quotes (BlockQuote), the annex (Sect) and each signatory (P) are structure
 * elements in reading order, so a screen reader announces headings and lists; rules, the quote bar and every page's
 * footer (title, hash, page number, QR code) are artifacts, read once in the title block rather than on every page.
 *
 * The render yields to the event loop every few dozen blocks and signatory lines, so a long annex does not hold up
 * other requests for its whole duration. Pure apart from reading the font files once.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { create as parseFont, type Font } from "fontkit";
import PDFDocument from "pdfkit";
import type { Block, Run } from "./html-blocks";
import { qrMatrix, qrRuns } from "./qr";
import { hasRightToLeft, isCjk, layoutBidi, lazyGlyphSource, segmentByFont, type GlyphSource, type StyledPiece } from "./text-layout";
import type { SignatoryLine } from "../declarations/public-view";
import type { Annex } from "./annex";
import { tFor } from "../i18n/strings.server";
import type { Locale } from "../i18n/locales";
import { languageDirection } from "../declarations/languages";

export interface DeclarationPdfInput {
  title: string;
  number: number;
  /** "5 December 2026, 14:30 UTC" */
  publishedText: string;
  sha256: string;
  verifyUrl: string;
  /** Where the current list of signatories is (the declaration's public page). */
  listUrl: string;
  /** Shown under the title block, e.g. that this is an earlier version. */
  notice: string | null;
  /** The text's own blocks (the title is drawn first unless the text opens with a level-1 heading). */
  blocks: Block[];
  annex: Annex;
  /** "5 December 2026, 15:02 UTC": when this file was made (the annex is a snapshot). */
  madeText: string;
  /** The language of the PDF's own words (headings, footers, page numbers…); English when not given. */
  locale?: Locale;
  /** The text's language, the document's /Lang ("en" when not given). */
  textLanguage?: string;
  /**
   * Given when the text is a published translation: `sha256` and `verifyUrl` are then the translation's, `number` the
   * authoritative version it translates, whose SHA-256 is `sourceSha256` (the one endorsements are bound to).
   */
  translation?: { languageName: string; sourceSha256: string };
}

const require = createRequire(import.meta.url);
const FONT_FILES = {
  regular: "DejaVuSans.ttf",
  bold: "DejaVuSans-Bold.ttf",
  italic: "DejaVuSans-Oblique.ttf",
  boldItalic: "DejaVuSans-BoldOblique.ttf",
  mono: "DejaVuSansMono.ttf",
} as const;
/** Source Han Sans, Pan-CJK (Adobe's OTF, OFL-1.1): 17 MB a weight, so loaded only for a CJK character. */
const CJK_FILES = { cjk: "SourceHanSans-Regular.otf", cjkBold: "SourceHanSans-Bold.otf" } as const;
type FontName = keyof typeof FONT_FILES | keyof typeof CJK_FILES;
let fonts: Record<keyof typeof FONT_FILES, Font> | null = null;

/**
 * The fonts, parsed once per process and shared by every document: fontkit decodes a font's tables lazily and keeps
 * them, so a second PDF lays its text out several times faster than with a fresh parse per document. (Each pdfkit
 * document still makes its own subset of the glyphs it used.)
 */
function loadFonts(): Record<keyof typeof FONT_FILES, Font> {
  fonts ??= Object.fromEntries(
    Object.entries(FONT_FILES).map(([name, file]) => [name, parseFont(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)))]),
  ) as Record<keyof typeof FONT_FILES, Font>;
  return fonts;
}

/** The CJK fonts, each read and parsed the first time a CJK character asks for it, then kept for the process. */
const cjkFonts = Object.fromEntries(
  Object.entries(CJK_FILES).map(([name, file]) => [name, lazyGlyphSource(() => parseFont(readFileSync(require.resolve(`node-source-han-sans/${file}`))), isCjk)]),
) as Record<keyof typeof CJK_FILES, ReturnType<typeof lazyGlyphSource<Font>>>;

/** What the fallback chains choose from: every font, the CJK ones not loaded until needed. */
const glyphSources = (): Record<FontName, GlyphSource> => ({ ...loadFonts(), ...cjkFonts });

/** Registers with `doc` the CJK fonts its pieces use (the DejaVu ones are registered when it is made). */
function registerUsed(doc: Doc, pieces: readonly { style: { font: FontName } }[]): void {
  for (const { style } of pieces) {
    if (!(style.font in CJK_FILES)) continue;
    const name = style.font as keyof typeof CJK_FILES;
    let known = registered.get(doc);
    if (!known) registered.set(doc, (known = new Set()));
    if (known.has(name)) continue;
    // pdfkit takes a parsed fontkit font where its types say a file name or buffer.
    doc.registerFont(name, cjkFonts[name].loaded() as unknown as string);
    known.add(name);
  }
}
const registered = new WeakMap<Doc, Set<string>>();

const PAGE = { width: 595.28, height: 841.89 }; // A4
const MARGIN = { top: 64, bottom: 112, left: 64, right: 64 };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const INK = "#111111";
const MUTED = "#555555";
const LINK = "#1d4e5f";
const RULE = "#999999";
const BODY_SIZE = 10.5;
const HEADING_SIZES = { 1: 18, 2: 14, 3: 12 } as const;
const YIELD_EVERY = 20;

type Doc = InstanceType<typeof PDFDocument>;
type Struct = ReturnType<Doc["struct"]>;

/**
 * Draws `draw` as the content of a new structure element of `type` under `parent`. Content only: a page may end inside
 * (pdfkit carries the marking over), but `draw` must not call addPage (ensureSpace goes before).
 */
function tagged(doc: Doc, parent: Struct, type: string, draw: () => void): void {
  const element = doc.struct(type);
  parent.add(element);
  element.add(draw);
  element.end();
}

/** Styled runs as the content of a new structure element of `type` under `parent`, their links as Link elements in it. */
function taggedRuns(doc: Doc, parent: Struct, type: string, runs: Run[], box: Box, size: number, color: string, extra: { bold?: boolean; base?: Direction }): void {
  const element = doc.struct(type);
  parent.add(element);
  if (runs.length === 0) element.add(() => undefined);
  else writeRuns(doc, runs, box, size, color, extra, element);
  element.end();
}

/** A structure element that groups others (a list, a quote, a section); the caller ends it. */
function group(doc: Doc, parent: Struct, type: string): Struct {
  const element = doc.struct(type);
  parent.add(element);
  return element;
}

/** Drawing that is not content (rules, bars, footers): marked as an artifact, which a screen reader skips. */
function artifact(doc: Doc, draw: () => void, type?: "Pagination" | "Layout"): void {
  doc.markContent("Artifact", type ? { type } : undefined);
  draw();
  doc.endMarkedContent();
}

const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

function fontOf(run: Pick<Run, "bold" | "italic">): FontName {
  return run.bold ? (run.italic ? "boldItalic" : "bold") : run.italic ? "italic" : "regular";
}

/** Move to a new page unless `height` points fit above the bottom margin. */
function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > PAGE.height - MARGIN.bottom) doc.addPage();
}

interface Box {
  x: number;
  width: number;
}

/** The fonts tried in turn for a character in each style (text-layout.ts: per-character fallback). */
const CHAINS: Record<FontName, readonly FontName[]> = {
  regular: ["regular", "cjk"],
  bold: ["bold", "regular", "cjkBold"],
  italic: ["italic", "regular", "cjk"],
  boldItalic: ["boldItalic", "bold", "regular", "cjkBold"],
  mono: ["mono", "regular", "cjk"],
  cjk: ["cjk"],
  cjkBold: ["cjkBold"],
};

type Direction = "ltr" | "rtl" | "auto";

interface PieceStyle {
  font: FontName;
  color: string;
  link: string | null;
  underline: boolean;
  strike: boolean;
}

/**
 * Styled runs as one paragraph in the box. Left-to-right text goes through pdfkit's own line breaking (continued
 * text), each run cut by font; a paragraph with right-to-left text, or whose direction is "rtl", is laid out by
 * text-layout.ts (bidi, right-aligned when right-to-left) and drawn run by run.
 */
function writeRuns(doc: Doc, runs: Run[], box: Box, size: number, color = INK, extra: { bold?: boolean; italic?: boolean; base?: Direction } = {}, into?: Struct): void {
  if (runs.length === 0) return;
  const emit = emitter(doc, into);
  const fonts = glyphSources();
  const pieces: StyledPiece<PieceStyle>[] = runs.flatMap((run) => {
    const style = { color: run.link ? LINK : color, link: run.link, underline: run.underline || run.link !== null, strike: run.strike };
    const font = fontOf({ bold: run.bold || !!extra.bold, italic: run.italic || !!extra.italic });
    return segmentByFont(run.text, CHAINS[font], fonts).map((segment) => ({ text: segment.text, style: { ...style, font: segment.font } }));
  });
  registerUsed(doc, pieces);
  const lineGap = size * 0.3;
  doc.fontSize(size);
  if (extra.base === "rtl" || pieces.some((p) => hasRightToLeft(p.text))) {
    writeBidi(doc, pieces, box, size, lineGap, extra.base ?? "auto", emit);
  } else {
    let i = 0;
    while (i < pieces.length) {
      const link = pieces[i]!.style.link;
      let j = i + 1;
      while (j < pieces.length && pieces[j]!.style.link === link && link === null) j++;
      const [from, to] = [i, j];
      emit(link, () =>
        pieces.slice(from, to).forEach(({ text, style }, k) => {
          doc.font(style.font).fillColor(style.color);
          const options = { width: box.width, lineGap, continued: from + k < pieces.length - 1, strike: style.strike, underline: style.underline, link: style.link };
          if (from + k === 0) doc.text(text, box.x, doc.y, options);
          else doc.text(text, options);
        }),
      );
      i = j;
    }
  }
  doc.fillColor(INK);
}

/**
 * How a paragraph's drawing goes into the structure tree: each call draws a stretch of it, as content of `into`, or,
 * for a link, as content of a Link element in it (pdfkit then gives the link's annotation a /StructParent and the
 * element an /OBJR). Without `into` (the caller tagged the whole paragraph), drawing goes straight to the page.
 */
type Emit = (link: string | null, draw: () => void) => void;
function emitter(doc: Doc, into: Struct | undefined): Emit {
  if (!into) return (_link, draw) => draw();
  return (link, draw) => {
    if (link === null) into.add(draw);
    else tagged(doc, into, "Link", draw);
  };
}

/** A paragraph laid out by the bidi algorithm, line by line, each line's runs drawn left to right in visual order. */
function writeBidi(doc: Doc, pieces: StyledPiece<PieceStyle>[], box: Box, size: number, lineGap: number, base: Direction, emit: Emit): void {
  const measure = (text: string, style: PieceStyle) => doc.font(style.font).fontSize(size).widthOfString(text);
  const { lines, rtl } = layoutBidi(pieces, box.width, base, measure);
  const lineHeight = doc.font("regular").fontSize(size).currentLineHeight(true);
  for (const line of lines) {
    if (doc.y + lineHeight > doc.page.maxY()) doc.continueOnNewPage();
    const y = doc.y;
    const widths = line.map((run) => measure(run.text, run.style));
    let x = rtl ? box.x + box.width - widths.reduce((a, b) => a + b, 0) : box.x;
    const placed = line.map((run, i) => {
      const at = x;
      x += widths[i]!;
      return { run, at };
    });
    // Drawn in logical order, each at its visual place: a PDF reader then extracts the words in reading order.
    const inOrder = placed.sort((a, b) => a.run.start - b.run.start);
    let i = 0;
    while (i < inOrder.length) {
      const link = inOrder[i]!.run.style.link;
      let j = i + 1;
      while (j < inOrder.length && link === null && inOrder[j]!.run.style.link === null) j++;
      const stretch = inOrder.slice(i, j);
      emit(link, () => {
        for (const { run, at } of stretch) {
          doc.font(run.style.font).fontSize(size).fillColor(run.style.color);
          doc.text(run.text, at, y, { lineBreak: false, underline: run.style.underline, strike: run.style.strike, link: run.style.link });
        }
      });
      i = j;
    }
    doc.x = box.x;
    doc.y = y + lineHeight + lineGap;
  }
}

const plainRun = (text: string, over: Partial<Run> = {}): Run => ({ text, bold: false, italic: false, strike: false, underline: false, link: null, ...over });

function listMarker(ordered: boolean, n: number, depth: number): string {
  if (ordered) return `${n}.`;
  return ["•", "◦", "▪"][depth % 3]!;
}

/**
 * The box narrowed by `by` on the side a line starts from (the left, or the right in a right-to-left text), unless that
 * would leave less than a third of the page (deep nesting stops indenting).
 */
const indented = (box: Box, by: number, rtl = false): Box => (box.width - by < CONTENT_WIDTH / 3 ? box : { x: rtl ? box.x : box.x + by, width: box.width - by });

/** Where writeBlocks is: how many blocks it has drawn (to yield now and then) and the text's direction. */
interface Flow {
  n: number;
  rtl: boolean;
}

/** The blocks in a box; returns after yielding now and then. */
async function writeBlocks(doc: Doc, parent: Struct, blocks: Block[], box: Box, depth: number, counter: Flow): Promise<void> {
  const base = counter.rtl ? "rtl" : "ltr";
  for (const [index, block] of blocks.entries()) {
    if (++counter.n % YIELD_EVERY === 0) await pause();
    const gap = index === 0 ? 0 : BODY_SIZE * 0.6;
    switch (block.type) {
      case "heading": {
        const size = HEADING_SIZES[block.level];
        doc.y += index === 0 ? 0 : size * 0.8;
        ensureSpace(doc, size * 1.4 + BODY_SIZE * 3.5); // keep a heading with the lines that follow it
        taggedRuns(doc, parent, `H${block.level}`, block.runs, box, size, INK, { bold: true, base });
        doc.y += size * 0.25;
        break;
      }
      case "paragraph":
        doc.y += gap;
        ensureSpace(doc, BODY_SIZE * 1.3);
        taggedRuns(doc, parent, "P", block.runs, box, BODY_SIZE, INK, { base });
        break;
      case "list": {
        doc.y += gap;
        const markerWidth = block.ordered ? Math.max(18, doc.font("regular").fontSize(BODY_SIZE).widthOfString(`${block.start + block.items.length}.`) + 6) : 14;
        const list = group(doc, parent, "L");
        for (const [i, item] of block.items.entries()) {
          if (i > 0) doc.y += BODY_SIZE * 0.3;
          ensureSpace(doc, BODY_SIZE * 1.3);
          const y = doc.y;
          const listItem = group(doc, list, "LI");
          const markerX = counter.rtl ? box.x + box.width - markerWidth + 4 : box.x;
          tagged(doc, listItem, "Lbl", () =>
            doc.font("regular").fontSize(BODY_SIZE).fillColor(INK).text(listMarker(block.ordered, block.start + i, depth), markerX, y, { width: markerWidth - 4, lineBreak: false }),
          );
          doc.y = y;
          const body = group(doc, listItem, "LBody");
          await writeBlocks(doc, body, item, indented(box, markerWidth, counter.rtl), depth + 1, counter);
          listItem.end();
        }
        list.end();
        break;
      }
      case "quote": {
        doc.y += gap;
        ensureSpace(doc, BODY_SIZE * 1.3);
        const startY = doc.y;
        const page = doc.page;
        const quote = group(doc, parent, "BlockQuote");
        await writeBlocks(doc, quote, block.blocks, indented(box, 14, counter.rtl), depth, counter);
        quote.end();
        const barX = counter.rtl ? box.x + box.width - 3 : box.x + 3;
        if (doc.page === page) artifact(doc, () => doc.save().moveTo(barX, startY).lineTo(barX, doc.y).lineWidth(2).strokeColor(RULE).stroke().restore());
        break;
      }
      case "rule":
        doc.y += gap + 4;
        ensureSpace(doc, 10);
        artifact(doc, () => doc.save().moveTo(box.x, doc.y).lineTo(box.x + box.width, doc.y).lineWidth(0.5).strokeColor(RULE).stroke().restore());
        doc.y += 6;
        break;
    }
  }
}

/** The title (the text's own opening level-1 heading when it has one, else the version's title) and the facts. */
const textDirection = (input: DeclarationPdfInput) => languageDirection(input.textLanguage ?? "en");

/** The PDF's own words in its language (app/locales/<locale>/public.json, group `pdf`). */
const wordsOf = (input: DeclarationPdfInput) => tFor(input.locale ?? "en");

function titleBlock(doc: Doc, parent: Struct, input: DeclarationPdfInput, titleRuns: Run[]): void {
  const t = wordsOf(input);
  const box = { x: MARGIN.left, width: CONTENT_WIDTH };
  const translation = input.translation;
  const masthead = t(translation ? "public:pdf.translationMasthead" : "public:pdf.masthead");
  tagged(doc, parent, "P", () => doc.font("regular").fontSize(8.5).fillColor(MUTED).text(masthead, box.x, MARGIN.top, { width: box.width }));
  doc.y += 8;
  taggedRuns(doc, parent, "H1", titleRuns, box, 22, INK, { bold: true, base: textDirection(input) });
  doc.y += 6;
  const versionLine = translation
    ? t("public:pdf.translationLine", { language: translation.languageName, number: input.number, date: input.publishedText })
    : t("public:pdf.versionLine", { number: input.number, date: input.publishedText });
  tagged(doc, parent, "P", () => doc.font("regular").fontSize(9.5).fillColor(INK).text(versionLine, box.x, doc.y, { width: box.width }));
  if (translation) {
    doc.y += 4;
    const statement = t("public:pdf.translationStatement", { language: translation.languageName, number: input.number });
    tagged(doc, parent, "P", () => doc.font("bold").fontSize(9.5).fillColor(INK).text(statement, box.x, doc.y, { width: box.width }));
  }
  doc.y += 3;
  const hashLine = (label: string, hash: string) =>
    tagged(doc, parent, "P", () => {
      doc.font("regular").fontSize(8.5).fillColor(MUTED).text(label, box.x, doc.y, { width: box.width });
      doc.font("mono").fontSize(8.5).fillColor(INK).text(hash, { width: box.width });
    });
  hashLine(t(translation ? "public:pdf.translationHashLabel" : "public:pdf.hashLabel"), input.sha256);
  if (translation) hashLine(t("public:pdf.sourceHashLabel", { number: input.number }), translation.sourceSha256);
  const check = group(doc, parent, "P");
  check.add(() => doc.font("regular").fontSize(8.5).fillColor(MUTED).text(t("public:pdf.check"), box.x, doc.y, { width: box.width }));
  tagged(doc, check, "Link", () => doc.font("regular").fontSize(7.5).fillColor(LINK).text(input.verifyUrl, { width: box.width, link: input.verifyUrl, underline: true }));
  check.end();
  if (input.notice) {
    doc.y += 6;
    const notice = input.notice;
    tagged(doc, parent, "P", () => doc.font("bold").fontSize(9.5).fillColor(INK).text(notice, box.x, doc.y, { width: box.width }));
  }
  doc.y += 10;
  artifact(doc, () => doc.save().moveTo(box.x, doc.y).lineTo(box.x + box.width, doc.y).lineWidth(0.75).strokeColor(RULE).stroke().restore());
  doc.y += 16;
  doc.fillColor(INK);
}

async function annex(doc: Doc, parent: Struct, input: DeclarationPdfInput): Promise<void> {
  doc.addPage();
  const box = { x: MARGIN.left, width: CONTENT_WIDTH };
  const part = group(doc, parent, "Sect");
  const t = wordsOf(input);
  tagged(doc, part, "H1", () => writeRuns(doc, [plainRun(t("public:pdf.annexTitle"))], box, HEADING_SIZES[1], INK, { bold: true }));
  doc.y += 6;
  tagged(doc, part, "P", () => writeRuns(doc, [plainRun(input.annex.counts)], box, 12, INK, { bold: true }));
  for (const line of input.annex.details) {
    doc.y += 3;
    tagged(doc, part, "P", () => writeRuns(doc, [plainRun(line)], box, 9, MUTED));
  }
  let written = 0;
  for (const section of input.annex.sections) {
    doc.y += 14;
    ensureSpace(doc, 60);
    tagged(doc, part, "H2", () => writeRuns(doc, [plainRun(section.heading)], box, HEADING_SIZES[2], INK, { bold: true }));
    if (section.note) {
      doc.y += 2;
      const note = section.note;
      tagged(doc, part, "P", () => writeRuns(doc, [plainRun(note)], box, 9, MUTED));
    }
    for (const kind of section.groups) {
      doc.y += 10;
      ensureSpace(doc, 40);
      tagged(doc, part, "H3", () => writeRuns(doc, [plainRun(kind.heading)], box, HEADING_SIZES[3], INK, { bold: true }));
      doc.y += 2;
      for (const line of kind.lines) {
        if (++written % YIELD_EVERY === 0) await pause();
        signatory(doc, part, line, box);
      }
    }
  }
  if (input.annex.after) {
    doc.y += 12;
    const after = input.annex.after;
    tagged(doc, part, "P", () => writeRuns(doc, [plainRun(after)], box, 9, MUTED));
  }
  part.end();
}

/**
 * One signatory: one paragraph element holding their line and, if they wrote one, their statement. (A list would be
 * three structure objects per signatory, L > LI > LBody: 1,000 signatories made the file 3.3 times as large.)
 */
function signatory(doc: Doc, parent: Struct, line: SignatoryLine, box: Box): void {
  doc.y += 3;
  ensureSpace(doc, 12);
  const runs: Run[] = [plainRun(line.lead, { bold: true })];
  if (line.details.length > 0) runs.push(plainRun(` — ${line.details.join(" · ")}`));
  if (line.website) runs.push(plainRun(` · ${line.website.replace(/^https?:\/\//, "").replace(/\/$/, "")}`));
  if (line.evidence) runs.push(plainRun(` (${line.evidence})`, { italic: true }));
  const element = group(doc, parent, "P");
  element.add(() => writeRuns(doc, runs, box, 9.5));
  if (line.statement) {
    doc.y += 1;
    const statement = line.statement;
    element.add(() => writeRuns(doc, [plainRun(`“${statement}”`)], { x: box.x + 14, width: box.width - 14 }, 9, MUTED, { italic: true }));
  }
  element.end();
}

const FOOTER_QR = 66;
const FOOTER_TEXT_WIDTH = CONTENT_WIDTH - FOOTER_QR - 12;

interface FooterLine {
  text: string;
  font: FontName;
  size: number;
  color: string;
  link?: string;
}

/** A line cut with an ellipsis to the footer's width (measured once per document, not once per page). */
function fitted(doc: Doc, line: FooterLine): FooterLine {
  const width = (text: string) => lineWidth(doc, { ...line, text });
  let shown = line.text;
  if (width(shown) > FOOTER_TEXT_WIDTH) {
    let low = 0;
    let high = shown.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (width(`${shown.slice(0, mid).trimEnd()}…`) <= FOOTER_TEXT_WIDTH) low = mid;
      else high = mid - 1;
    }
    if (/[\uD800-\uDBFF]/.test(shown[low - 1] ?? "")) low--; // never between the halves of a surrogate pair
    shown = `${shown.slice(0, low).trimEnd()}…`;
  }
  return { ...line, text: shown };
}

/** A footer line's width as drawn: each piece in the font of the chain that has its characters. */
function lineWidth(doc: Doc, line: FooterLine): number {
  if (/^[\x20-\x7e]*$/.test(line.text)) return doc.font(line.font).fontSize(line.size).widthOfString(line.text);
  const pieces = segmentByFont(line.text, CHAINS[line.font], glyphSources()).map((segment) => ({ text: segment.text, style: { font: segment.font } }));
  registerUsed(doc, pieces);
  return pieces.reduce((sum, piece) => sum + doc.font(piece.style.font).fontSize(line.size).widthOfString(piece.text), 0);
}

function footerLines(doc: Doc, input: DeclarationPdfInput): FooterLine[] {
  const t = wordsOf(input);
  return [
    { text: input.title, font: "bold" as const, size: 8, color: INK },
    {
      text: input.translation
        ? t("public:pdf.footerTranslation", { language: input.translation.languageName, number: input.number, date: input.publishedText })
        : t("public:pdf.footerVersion", { number: input.number, date: input.publishedText }),
      font: "regular" as const,
      size: 7.5,
      color: INK,
    },
    { text: `SHA-256 ${input.sha256}`, font: "mono" as const, size: 7, color: INK },
    { text: t("public:pdf.footerVerify", { url: input.verifyUrl }), font: "regular" as const, size: 7, color: LINK, link: input.verifyUrl },
  ].map((line) => fitted(doc, line));
}

/**
 * A page's footer. Its words are an artifact (pagination): the title block says it all once, for a screen reader.
 * The QR code is a Figure whose /Alt says what it encodes, in a Link element under `parent` holding the /OBJR of
 * both link annotations (the code and the verification line), each annotation with its /StructParent.
 */
function footer(doc: Doc, parent: Struct, lines: FooterLine[], qr: QrDrawing, pageText: string, alt: string): void {
  const savedBottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0; // text below the bottom margin would otherwise start a new page
  const spots: [number, number, number, number][] = [];
  artifact(doc, () => spots.push(...drawFooterWords(doc, lines, pageText)), "Pagination");
  const link = group(doc, parent, "Link");
  const figure = doc.struct("Figure", { alt });
  link.add(figure);
  figure.add(() => drawQr(doc, qr));
  figure.end();
  // pdfkit 0.20 takes the structure element as `structParent`, which @types/pdfkit does not list.
  const tag = { structParent: link } as unknown as Parameters<Doc["link"]>[5];
  doc.link(QR_X, FOOTER_TOP - 4, FOOTER_QR, FOOTER_QR, qr.url, tag);
  for (const [x, y, w, h] of spots) doc.link(x, y, w, h, qr.url, tag);
  link.end();
  doc.page.margins.bottom = savedBottom;
}

/** One line that is not plain ASCII (a title in Arabic or Chinese): font fallback and visual order, never wrapped. */
function writeLine(doc: Doc, line: FooterLine, x: number, y: number): void {
  const style = { color: line.color, link: line.link ?? null, underline: false, strike: false };
  const pieces = segmentByFont(line.text, CHAINS[line.font], glyphSources()).map((segment) => ({ text: segment.text, style: { ...style, font: segment.font } }));
  registerUsed(doc, pieces);
  const measure = (text: string, s: PieceStyle) => doc.font(s.font).fontSize(line.size).widthOfString(text);
  for (const run of layoutBidi(pieces, Infinity, "auto", measure).lines[0] ?? []) {
    doc.font(run.style.font).fontSize(line.size).fillColor(run.style.color);
    doc.text(run.text, x, y, { lineBreak: false, link: run.style.link, underline: false });
    x += measure(run.text, run.style);
  }
}

const FOOTER_TOP = PAGE.height - MARGIN.bottom + 22;
const QR_X = PAGE.width - MARGIN.right - FOOTER_QR;

interface QrDrawing {
  url: string;
  size: number;
  runs: [number, number, number][];
}

/** The footer's rule and lines; returns where the lines that link are (their annotations are made by the caller). */
function drawFooterWords(doc: Doc, lines: FooterLine[], pageText: string): [number, number, number, number][] {
  const top = FOOTER_TOP;
  const spots: [number, number, number, number][] = [];
  doc.save().moveTo(MARGIN.left, top - 8).lineTo(PAGE.width - MARGIN.right, top - 8).lineWidth(0.5).strokeColor(RULE).stroke().restore();
  const offsets = [0, 12, 23, 34];
  lines.forEach((line, i) => {
    const y = top + offsets[i]!;
    doc.font(line.font).fontSize(line.size).fillColor(line.color);
    if (/^[\x20-\x7e]*$/.test(line.text)) doc.text(line.text, MARGIN.left, y, { width: FOOTER_TEXT_WIDTH, lineBreak: false, underline: false });
    else writeLine(doc, { ...line, link: undefined }, MARGIN.left, y);
    if (line.link) spots.push([MARGIN.left, y, Math.min(FOOTER_TEXT_WIDTH, lineWidth(doc, line)), doc.font(line.font).fontSize(line.size).currentLineHeight()]);
  });
  doc.font("regular").fontSize(7).fillColor(MUTED).text(pageText, MARGIN.left, top + 48, { width: FOOTER_TEXT_WIDTH, lineBreak: false });
  return spots;
}

/** The QR code: dark modules as rectangles, with a quiet zone of 2 modules on each side. */
function drawQr(doc: Doc, qr: QrDrawing): void {
  const module = FOOTER_QR / (qr.size + 4);
  const x0 = QR_X + 2 * module;
  const y0 = FOOTER_TOP - 4 + 2 * module;
  doc.save();
  for (const [row, col, length] of qr.runs) doc.rect(x0 + col * module, y0 + row * module, length * module, module);
  doc.fillColor("#000000").fill().restore();
}

/** The PDF's bytes. */
export async function renderDeclarationPdf(input: DeclarationPdfInput): Promise<Buffer> {
  const f = loadFonts();
  const t = wordsOf(input);
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margins: MARGIN,
    bufferPages: true,
    autoFirstPage: true,
    font: null as unknown as string, // no default font to open (Helvetica): ours are registered below
    lang: input.textLanguage ?? "en",
    displayTitle: true,
    tagged: true,
    pdfVersion: "1.7",
    info: {
      Title: t("public:declaration.versionTitle", { title: input.title, number: input.number }),
      Subject: input.translation
        ? t("public:pdf.translationSubject", { language: input.translation.languageName, number: input.number, hash: input.sha256 })
        : t("public:pdf.subject", { number: input.number, hash: input.sha256 }),
      Creator: "Accord",
      Keywords: input.sha256,
    },
  });
  // pdfkit takes a parsed fontkit font where its types say a file name or buffer.
  for (const [name, font] of Object.entries(f)) doc.registerFont(name, font as unknown as string);
  doc.font("regular");
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const root = doc.struct("Document");
  doc.addStructure(root);
  const [first, ...rest] = input.blocks;
  const textHasTitle = first?.type === "heading" && first.level === 1;
  titleBlock(doc, root, input, textHasTitle ? first.runs : [plainRun(input.title)]);
  await writeBlocks(doc, root, textHasTitle ? rest : input.blocks, { x: MARGIN.left, width: CONTENT_WIDTH }, 0, { n: 0, rtl: textDirection(input) === "rtl" });
  await annex(doc, root, input);
  doc.y += 14;
  ensureSpace(doc, 20);
  const made = t("public:pdf.made", { date: input.madeText, url: input.listUrl });
  tagged(doc, root, "P", () => writeRuns(doc, [plainRun(made)], { x: MARGIN.left, width: CONTENT_WIDTH }, 8.5, MUTED));

  const matrix = qrMatrix(input.verifyUrl);
  const qr = { url: input.verifyUrl, size: matrix.size, runs: qrRuns(matrix) };
  const lines = footerLines(doc, input);
  const alt = t("public:pdf.qrAlt", { url: input.verifyUrl });
  const codes = group(doc, root, "Sect");
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    if ((i + 1) % 5 === 0) await pause();
    doc.switchToPage(i);
    footer(doc, codes, lines, qr, t("public:pdf.page", { page: i - start + 1, pages: count }), alt);
  }
  codes.end();
  root.end();
  doc.end();
  return ended;
}
