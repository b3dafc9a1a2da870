/** The PDF renderer on hostile content: whatever names and text it is given, it makes a PDF a reader can open and read. */
import { describe, expect, it } from "vitest";
import { renderDeclarationPdf, type DeclarationPdfInput } from "../../app/pdf/declaration-pdf.server";
import { htmlToBlocks } from "../../app/pdf/html-blocks";
import { currentAnnex } from "../../app/pdf/annex";
import type { PublicEndorsement } from "../../db/public-endorsements";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
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

describe("renderDeclarationPdf", { timeout: 30_000 }, () => {
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

  it("is tagged in English: headings, paragraphs, lists and quotes in the structure tree, the footers left out as artifacts", async () => {
    const html = "<h1>Title in the text</h1><h2>What we ask</h2><p>Body words.</p><ol><li><p>First ask.</p></li></ol><blockquote><p>Quoted.</p></blockquote>";
    const entries = Array.from({ length: 120 }, (_, i) => person(`Signatory ${i}`, { ...(i === 0 ? { statement: "Said once." } : {}) }));
    const pdf = await renderDeclarationPdf(input(html, entries));
    expect(Buffer.from(pdf).toString("latin1")).toMatch(/\/Lang \(en\)/);

    interface Node { role?: string; type?: string; children?: Node[] }
    const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
    try {
      expect(await doc.getMarkInfo()).toMatchObject({ Marked: true });
      const roles: string[][] = [];
      let tagged = 0;
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        const tree = (await page.getStructTree()) as Node;
        const pageRoles: string[] = [];
        const walk = (node: Node) => {
          if (node.role) pageRoles.push(node.role);
          if (node.type === "content") tagged++;
          node.children?.forEach(walk);
        };
        walk(tree);
        roles.push(pageRoles);
        // Every piece of text on the page is marked, as structure or as an artifact (the footer, with its hash).
        const content = await page.getTextContent({ includeMarkedContent: true });
        const open: string[] = [];
        const unmarked: string[] = [];
        const inArtifact: string[] = [];
        for (const item of content.items) {
          if ("type" in item) {
            if (item.type.startsWith("beginMarkedContent")) open.push((item as { tag?: string }).tag ?? "");
            else if (item.type === "endMarkedContent") open.pop();
          } else if (item.str.trim() !== "") {
            if (open.length === 0) unmarked.push(item.str);
            if (open.includes("Artifact")) inArtifact.push(item.str);
          }
        }
        expect(unmarked, `page ${n}`).toEqual([]);
        expect(inArtifact.join(" "), `page ${n}`).toContain(`Page ${n} of ${doc.numPages}`);
        expect(inArtifact.join(" "), `page ${n}`).toContain(HASH);
      }
      const first = roles[0]!;
      for (const role of ["Document", "H1", "H2", "P", "L", "LI", "Lbl", "LBody", "BlockQuote"]) expect(first, role).toContain(role);
      expect(first.indexOf("H1")).toBeLessThan(first.indexOf("H2"));
      expect(roles.flat()).toContain("Sect");
      expect(roles.slice(1).flat().filter((role) => role === "P").length, "a paragraph per signatory").toBeGreaterThanOrEqual(120);
      expect(tagged).toBeGreaterThan(120);
    } finally {
      await doc.destroy();
    }
    // What a reader extracts is unchanged by tagging.
    const { text } = await pdfText(pdf);
    expect(text).toContain("Signatory 119");
    expect(text).toContain(`SHA-256 ${HASH}`);
  });
});
