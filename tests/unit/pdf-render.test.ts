/** The PDF renderer on hostile content: whatever names and text it is given, it makes a PDF a reader can open and read. */
import { describe, expect, it } from "vitest";
import { renderDeclarationPdf, type DeclarationPdfInput } from "../../app/pdf/declaration-pdf.server";
import { htmlToBlocks } from "../../app/pdf/html-blocks";
import { currentAnnex } from "../../app/pdf/annex";
import type { PublicEndorsement } from "../../db/public-endorsements";
import { pdfText } from "../support/pdf-text";

const HASH = "0123456789abcdef".repeat(4);

function input(html: string, entries: PublicEndorsement[], over: Partial<DeclarationPdfInput> = {}): DeclarationPdfInput {
  const counts = { current: entries.length, earlier: 0, individuals: entries.length, organisations: 0, earlierIndividuals: 0, earlierOrganisations: 0 };
  return {
    title: "A declaration",
    number: 1,
    publishedText: "5 December 2026, 14:30 UTC",
    sha256: HASH,
    verifyUrl: `https://accord.example.org/verify?hash=${HASH}`,
    listUrl: "https://accord.example.org/d/x#signatories",
    notice: null,
    blocks: htmlToBlocks(html),
    annex: currentAnnex({ entries, total: entries.length, counts, number: 1, listUrl: "https://accord.example.org/d/x#signatories" }),
    madeText: "5 December 2026, 15:00 UTC",
    ...over,
  };
}

const person = (name: string, over: Partial<PublicEndorsement> = {}): PublicEndorsement => ({ id: name, kind: "individual", versionNumber: 1, evidence: "email", name, ...over });

describe("renderDeclarationPdf", () => {
  it("renders names in scripts DejaVu lacks, bidi controls, emoji, unbroken 600-character words and PDF syntax without failing", async () => {
    const long = "x".repeat(600);
    const pdf = await renderDeclarationPdf(
      input(`<p>${long}</p><p>(unbalanced \\ parens) endobj %%EOF</p>`, [
        person("Zoë 🙂 Ørsted"),
        person("\u202egnirts desrever\u202c Anna"),
        person("山田 太郎 / محمد / दिल्ली"),
        person("Tab\tand\u00a0spaces", { statement: "“Quotes” and ) ( \\ backslashes", affiliation: long }),
      ]),
    );
    expect(Buffer.from(pdf.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const { text, pages } = await pdfText(pdf);
    const flat = text.replace(/\s+/g, " ");
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(flat).toContain("Zoë");
    expect(flat).toContain("Ørsted");
    expect(flat).toContain("(unbalanced \\ parens) endobj %%EOF");
    expect(text.replace(/\s+/g, "")).toContain(long);
    expect(flat).toContain("Quotes” and ) ( \\ backslashes");
  });

  it("survives lists nested fifty deep, an empty text and no signatories", async () => {
    let html = "<p>deepest</p>";
    for (let i = 0; i < 50; i++) html = `<ul><li>${html}</li></ul>`;
    const { text } = await pdfText(await renderDeclarationPdf(input(html, [])));
    expect(text).toContain("deepest");
    expect(text).toContain("Nobody has endorsed version 1 yet.");
    const empty = await pdfText(await renderDeclarationPdf(input("", [])));
    expect(empty.text).toContain("A declaration");
  });

  it("puts a long annex on many pages, each with the footer's SHA-256 and page number", async () => {
    const entries = Array.from({ length: 300 }, (_, i) => person(`Signatory ${i}`, { country: "SE", capacity: "serving_officer" }));
    const { text, pages } = await pdfText(await renderDeclarationPdf(input("<h1>Title in the text</h1><p>Body.</p>", entries)));
    expect(pages).toBeGreaterThan(5);
    expect(text.split(`SHA-256 ${HASH}`).length - 1).toBe(pages);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain("Signatory 299");
    expect(text.indexOf("Title in the text")).toBeLessThan(text.indexOf("Version 1 · Published"));
  });
});
