/** What goes into the PDF: the sealed HTML read as blocks and styled runs, the QR code's modules, and the annex's words. */
import { describe, expect, it } from "vitest";
import { decodeEntities, htmlToBlocks, runsText, type Block } from "../../app/pdf/html-blocks";
import { qrMatrix, qrRuns } from "../../app/pdf/qr";
import { currentAnnex, earlierAnnex } from "../../app/pdf/annex";
import { renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";

const textOf = (b: Block): string => (b.type === "heading" || b.type === "paragraph" ? runsText(b.runs) : b.type);

describe("htmlToBlocks", () => {
  it("reads the editor's own HTML: headings, paragraphs with emphasis and links, nested lists, quotes and rules", () => {
    const html = renderDocumentHtml(
      tiptapJsonToProseMirror({
        type: "doc",
        content: [
          { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Aims" }] },
          {
            type: "paragraph",
            content: [
              { type: "text", text: "We " },
              { type: "text", marks: [{ type: "bold" }, { type: "italic" }], text: "all" },
              { type: "text", text: " agree & sign " },
              { type: "text", marks: [{ type: "link", attrs: { href: "https://example.org/a?b=1&c=2" } }], text: "here" },
              { type: "hardBreak" },
              { type: "text", marks: [{ type: "strike" }], text: "gone" },
            ],
          },
          {
            type: "orderedList",
            attrs: { start: 3, type: null },
            content: [
              { type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "three" }] }, { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "inner" }] }] }] }] },
            ],
          },
          { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "quoted <b>not bold</b>" }] }] },
          { type: "horizontalRule" },
        ],
      }),
    );
    const blocks = htmlToBlocks(html);
    expect(blocks.map((b) => b.type)).toEqual(["heading", "paragraph", "list", "quote", "rule"]);
    expect(blocks[0]).toMatchObject({ level: 2, runs: [{ text: "Aims", bold: false }] });
    const p = blocks[1] as Extract<Block, { type: "paragraph" }>;
    expect(p.runs.map((r) => [r.text, r.bold, r.italic, r.strike, r.link])).toEqual([
      ["We ", false, false, false, null],
      ["all", true, true, false, null],
      [" agree & sign ", false, false, false, null],
      ["here", false, false, false, "https://example.org/a?b=1&c=2"],
      ["\n", false, false, false, null],
      ["gone", false, false, true, null],
    ]);
    const list = blocks[2] as Extract<Block, { type: "list" }>;
    expect(list).toMatchObject({ ordered: true, start: 3 });
    expect(list.items[0]!.map(textOf)).toEqual(["three", "list"]);
    const quote = blocks[3] as Extract<Block, { type: "quote" }>;
    expect(quote.blocks.map(textOf)).toEqual(["quoted <b>not bold</b>"]);
  });

  it("collapses whitespace as a browser does, keeps the text of unknown elements and survives broken markup", () => {
    expect(htmlToBlocks("<p>  Police for harm reduction\n\nWe,   serving  </p>").map(textOf)).toEqual(["Police for harm reduction We, serving"]);
    expect(htmlToBlocks("<p>a <span>b</span> <unknown x='1'>c</unknown></p>").map(textOf)).toEqual(["a b c"]);
    expect(htmlToBlocks("</li></p>loose <strong>text<p>next").map(textOf)).toEqual(["loose text", "next"]);
    expect(htmlToBlocks("<p>a < b &gt; c &#x1F600; &#0; &bogus;</p>").map(textOf)).toEqual(["a < b > c 😀 \ufffd &bogus;"]);
    expect(htmlToBlocks("<p><a href=\"javascript:alert(1)\">x</a></p>")[0]).toMatchObject({ runs: [{ text: "x", link: null }] });
    expect(htmlToBlocks("<p> </p><ul></ul><blockquote></blockquote><!-- c -->")).toEqual([]);
    expect(htmlToBlocks("<h6>deep</h6>")[0]).toMatchObject({ type: "heading", level: 3 });
  });

  it("decodes the entities the renderer writes", () => {
    expect(decodeEntities("&amp;&lt;&gt;&quot;&#39;&nbsp;")).toBe("&<>\"'\u00a0");
  });
});

describe("qrMatrix", () => {
  it("encodes a verification URL with the three finder patterns and refuses non-ASCII text", () => {
    const m = qrMatrix(`https://accord.example.org/verify?hash=${"ab".repeat(32)}`);
    expect(m.size).toBeGreaterThanOrEqual(21);
    expect((m.size - 17) % 4).toBe(0);
    for (const [r, c] of [[0, 0], [0, m.size - 7], [m.size - 7, 0]] as const) {
      expect(m.dark[r]!.slice(c, c + 7).every(Boolean), "finder pattern's top edge").toBe(true);
      expect(m.dark[r + 1]![c + 1], "finder pattern's white ring").toBe(false);
    }
    const dark = m.dark.flat().filter(Boolean).length;
    expect(qrRuns(m).reduce((n, [, , len]) => n + len, 0)).toBe(dark);
    expect(() => qrMatrix("https://ex.org/łódź")).toThrow();
  });
});

describe("the annex", () => {
  const e = (over: Record<string, unknown>) => ({ id: String(Math.random()), kind: "individual" as const, versionNumber: 2, evidence: "email" as const, ...over });
  it("groups the current version's signatories like the page: organisations, then individuals, then earlier signers, with the page's sentence", () => {
    const annex = currentAnnex({
      entries: [e({ kind: "organisation", organisationName: "Polisen" }), e({ name: "Anna" }), e({ capacity: "serving_officer", country: "SE" }), e({ versionNumber: 1, name: "Old" })],
      total: 4,
      counts: { current: 3, earlier: 1, individuals: 2, organisations: 1, earlierIndividuals: 1, earlierOrganisations: 0 },
      number: 2,
      listUrl: "u",
    });
    expect(annex.counts).toBe("3 endorse version 2; 1 endorsed an earlier version");
    expect(annex.sections.map((s) => [s.heading, s.groups.map((g) => g.heading)])).toEqual([
      ["Endorsing version 2", ["Organisations (1)", "Individuals (2)"]],
      ["Endorsed an earlier version", ["Individuals (1)"]],
    ]);
    expect(annex.sections[0]!.groups[1]!.lines.map((l) => l.lead)).toEqual(["Anna", "A serving police officer, Sweden"]);
    expect(annex.sections[1]!.groups[0]!.lines[0]!.details).toContain("version 1");
    expect(annex.after).toBeNull();
  });

  it("says when the list is cut, and counts an earlier version's own signatories", () => {
    const cut = currentAnnex({ entries: [e({ name: "A" })], total: 7001, counts: { current: 7001, earlier: 0, individuals: 7001, organisations: 0, earlierIndividuals: 0, earlierOrganisations: 0 }, number: 2, listUrl: "https://x/d/s#signatories" });
    expect(cut.after).toBe("The first 1 of 7,001 entries are listed here; all of them are at https://x/d/s#signatories.");
    const old = earlierAnnex({ entries: [], individuals: 0, organisations: 0, number: 1, currentNumber: 3, listUrl: "u" });
    expect(old.counts).toBe("0 endorsed version 1");
    // Nobody yet: said in words, with no "Version 1: 0 individuals and 0 organisations." under it.
    const none = currentAnnex({ entries: [], total: 0, counts: { current: 0, earlier: 0, individuals: 0, organisations: 0, earlierIndividuals: 0, earlierOrganisations: 0 }, number: 1, listUrl: "u" });
    expect(none.counts).toBe("Nobody endorses version 1 yet");
    expect(none.details.join(" ")).not.toMatch(/\b0 individuals|\b0 organisations/);
    expect(none.sections[0]!.note).toBe("Nobody has endorsed version 1 yet.");
    expect(old.sections[0]!.note).toBe("Nobody endorsed version 1.");
  });
});
