/**
 * Chinese, Japanese and Korean in the PDF: Source Han Sans is the last font of every fallback chain, read from disk only
 * when a CJK character is asked for, and pdfkit's line breaking (the `linebreak` package, UAX #14) wraps ideographs
 * that have no spaces between them inside the text box, in lists and headings too.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { create as parseFont, type Font } from "fontkit";
import { describe, expect, it } from "vitest";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { renderDeclarationPdf } from "../../app/pdf/declaration-pdf.server";
import { htmlToBlocks } from "../../app/pdf/html-blocks";
import { currentAnnex } from "../../app/pdf/annex";
import { isCjk, lazyGlyphSource, segmentByFont } from "../../app/pdf/text-layout";

const require = createRequire(import.meta.url);
const dejavu = parseFont(readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")));
const HASH = "0123456789abcdef".repeat(4);
const CHINESE = "每一辆巡逻车都应配备纳洛酮，每一位警察都应接受培训，以便在过量用药发生时立即采取行动并挽救生命。";

describe("the CJK font in the fallback chain", () => {
  it("is not read for Latin, Arabic or Devanagari text, and is read once when the first CJK character comes", () => {
    let loads = 0;
    const cjk = lazyGlyphSource(() => {
      loads++;
      return parseFont(readFileSync(require.resolve("node-source-han-sans/SourceHanSans-Regular.otf"))) as Font;
    }, isCjk);
    const fonts = { regular: dejavu, cjk };
    expect(segmentByFont("Police for harm reduction, Zoë Ørsted, محمد, कविता", ["regular", "cjk"], fonts).every((s) => s.font === "regular")).toBe(true);
    expect(loads, "no CJK character, no CJK font").toBe(0);
    expect(cjk.loaded()).toBeNull();
    expect(segmentByFont("警察 ハームリダクション 피해 감소 (Naloxone) कविता", ["regular", "cjk"], fonts)).toEqual([
      { text: "警察 ハームリダクション 피해 감소 ", font: "cjk" },
      { text: "(Naloxone) [U+0915][U+0935][U+093F][U+0924][U+093E]", font: "regular" },
    ]);
    segmentByFont("中文、日本語ー한국어。", ["regular", "cjk"], fonts);
    expect(loads, "parsed once").toBe(1);
  });

  it("counts kana marks that Unicode calls Common (ー, 、, 。) and full-width forms as CJK, and Latin, Cyrillic, Arabic as not", () => {
    for (const c of "中ひカー、。한ㄱ！ＡㄅＡ") expect(isCjk(c.codePointAt(0)!), c).toBe(true);
    for (const c of "aZéЖم५") expect(isCjk(c.codePointAt(0)!), c).toBe(false);
  });
});

describe("Chinese text in the PDF", () => {
  it("wraps long ideograph paragraphs, list items and a bold heading inside the text box, losing no character, and cuts a long title in the footer before the QR code", async () => {
    const long = CHINESE.repeat(6);
    const pdf = await renderDeclarationPdf({
      title: CHINESE.repeat(2),
      number: 1,
      publishedText: "5 December 2026, 14:30 UTC",
      sha256: HASH,
      verifyUrl: `https://accord.example.org/verify?hash=${HASH}`,
      listUrl: "https://accord.example.org/d/x#signatories",
      notice: null,
      blocks: htmlToBlocks(`<h2>${CHINESE}</h2><p>${long}</p><ul><li><p>${long}</p></li></ul><blockquote><p><em>${CHINESE}</em> <strong>${CHINESE}</strong></p></blockquote>`),
      annex: currentAnnex({ entries: [], total: 0, counts: { current: 0, earlier: 0, individuals: 0, organisations: 0, earlierIndividuals: 0, earlierOrganisations: 0 }, number: 1, listUrl: "https://accord.example.org/d/x#signatories" }),
      madeText: "5 December 2026, 15:00 UTC",
      textLanguage: "zh",
    });
    const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
    const placed: { str: string; x: number; y: number; width: number; right: number }[] = [];
    try {
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        for (const item of (await page.getTextContent()).items) {
          if ("str" in item && item.str.trim() !== "") placed.push({ str: item.str, x: item.transform[4] as number, y: item.transform[5] as number, width: item.width, right: page.view[2]! - 64 });
        }
      }
    } finally {
      await doc.destroy();
    }
    expect(placed.filter((p) => p.x < 63.5 || p.x + p.width > p.right + 0.5).map((p) => p.str)).toEqual([]);
    // The footer's words (below the bottom margin, 112 pt) end 12 pt before the 66 pt QR code.
    const footer = placed.filter((p) => p.y < 112);
    expect(footer.filter((p) => p.str.includes("…")).length, "the title cut with an ellipsis on every page").toBeGreaterThan(0);
    expect(footer.filter((p) => p.x + p.width > p.right - 66 - 12 + 0.5).map((p) => p.str)).toEqual([]);
    const text = placed.map((p) => p.str).join("").replace(/\s+/g, "");
    expect(text.split(long).length - 1, "both long paragraphs whole").toBe(2);
    expect(new Set(placed.filter((p) => p.str.includes("纳洛酮")).map((p) => Math.round(p.y))).size, "on many lines").toBeGreaterThan(10);
    expect(text).not.toContain("[U+");
    // Renders a whole PDF with two CJK fonts read from disk (17 MB each): 6 s seen on a loaded 2-core
    // machine, past the unit tests' 5-s default. It checks the layout, not the time (bench:pdf measures that).
  }, 30_000);
});
