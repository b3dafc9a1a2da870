/**
 * The readable diff of two texts (app/diff/text-diff.ts): blocks first, then words inside changed blocks; changes
 * marked in place with <ins>/<del>, numbered and focusable; everything escaped; bounded in time.
 */
import { describe, expect, it } from "vitest";
import { diffDocuments, diffPlainTexts, documentBlocks, type DiffNode } from "../../app/diff/text-diff";

const text = (t: string, marks?: DiffNode["marks"]): DiffNode => ({ type: "text", text: t, ...(marks ? { marks } : {}) });
const p = (...content: (string | DiffNode)[]): DiffNode => ({
  type: "paragraph",
  content: content.map((c) => (typeof c === "string" ? text(c) : c)),
});
const h = (level: number, t: string): DiffNode => ({ type: "heading", attrs: { level }, content: [text(t)] });
const li = (t: string): DiffNode => ({ type: "listItem", content: [p(t)] });
const ol = (...items: string[]): DiffNode => ({ type: "orderedList", attrs: { start: 1 }, content: items.map(li) });
const doc = (...content: DiffNode[]): DiffNode => ({ type: "doc", content });

/** The text a sighted reader sees (visually hidden helper text and change numbers removed, entities decoded). */
function visible(html: string): string {
  return html
    .replace(/<span class="visually-hidden">[^<]*<\/span>/g, "")
    .replace(/<span class="diff-num" aria-hidden="true">\d+<\/span>/g, "")
    .replace(/<br>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

const insOf = (html: string) => [...html.matchAll(/<ins[^>]*>([\s\S]*?)<\/ins>/g)].map((m) => visible(m[1]!));
const delOf = (html: string) => [...html.matchAll(/<del[^>]*>([\s\S]*?)<\/del>/g)].map((m) => visible(m[1]!));

describe("diffing two documents", () => {
  it("finds nothing between identical texts", () => {
    const a = doc(h(1, "Call by police"), p("We call for harm reduction."), ol("one", "two"));
    const d = diffDocuments(a, structuredClone(a));
    expect(d.identical).toBe(true);
    expect(d.changes).toEqual([]);
    expect(d.html).not.toMatch(/<ins|<del|change-1/);
    expect(visible(d.html)).toContain("We call for harm reduction.");
  });

  it("marks the changed words in place inside a changed paragraph, not the whole paragraph", () => {
    const d = diffDocuments(
      doc(p("The quick brown fox jumps over the lazy dog.")),
      doc(p("The quick red fox jumps over the very lazy dog.")),
    );
    expect(d.changes.map((c) => [c.kind, c.removed, c.added])).toEqual([
      ["replaced", "brown", "red"],
      ["inserted", "", "very"],
    ]);
    expect(delOf(d.html)).toEqual(["brown"]);
    expect(insOf(d.html).map((s) => s.trim())).toEqual(["red", "very"]);
    // In place: the unchanged words around the change are in the same paragraph, in order.
    expect(visible(d.html).replace(/\s+/g, " ")).toBe("The quick brownred fox jumps over the very lazy dog.");
    expect(d.insertedWords).toBe(2);
    expect(d.deletedWords).toBe(1);
    expect(d.html.match(/<p /g)).toHaveLength(1);
  });

  it("numbers every change, makes it focusable, and tells screen readers what was inserted and deleted", () => {
    const d = diffDocuments(
      doc(p("alpha beta gamma"), p("This paragraph goes away entirely."), p("delta epsilon")),
      doc(p("alpha BETA gamma"), p("delta epsilon zeta"), p("A wholly new closing paragraph.")),
    );
    const total = d.changes.length;
    expect(total).toBe(4);
    for (let n = 1; n <= total; n++) {
      const opening = new RegExp(`<(span|div) class="diff-change[^"]*" id="change-${n}" tabindex="-1" data-change="${n}">`);
      expect(d.html).toMatch(opening);
      expect(d.html).toContain(`<span class="visually-hidden">Change ${n} of ${total}: </span>`);
      expect(d.html).toContain(`<span class="visually-hidden"> (end of change ${n})</span>`);
    }
    expect(d.html.match(/id="change-/g)).toHaveLength(total);
    expect(d.html).toContain('<del><span class="visually-hidden">deleted: </span>beta</del>');
    expect(d.html).toContain('<ins><span class="visually-hidden">inserted: </span>BETA</ins>');
    expect(d.html).toContain('<span class="visually-hidden">deleted a paragraph: </span>This paragraph goes away entirely.');
    expect(d.html).toContain('<span class="visually-hidden">inserted a paragraph: </span>A wholly new closing paragraph.');
    expect(d.changes.map((c) => c.kind)).toEqual(["replaced", "deleted", "inserted", "inserted"]);
  });

  it("shows a paragraph rewritten beyond recognition as one deleted and one inserted block", () => {
    const d = diffDocuments(doc(p("Completely different words here.")), doc(p("Nothing in common at all, none.")));
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]!.kind).toBe("replaced");
    expect(d.html).toMatch(/<del class="diff-whole"><p class="diff-block">.*Completely different words here\.<\/p><\/del>/);
    expect(d.html).toMatch(/<ins class="diff-whole"><p class="diff-block">.*Nothing in common at all, none\.<\/p><\/ins>/);
  });

  it("does not count renumbered list items as changes when an item is inserted", () => {
    const d = diffDocuments(doc(ol("first", "second", "third")), doc(ol("first", "new item", "second", "third")));
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({ kind: "inserted", added: "new item" });
    // The markers follow the new numbering.
    expect(d.html).toContain('<span class="diff-marker">4.</span> third');
  });

  it("reports a change of formatting or of block kind even when the words are the same", () => {
    const bold = diffDocuments(doc(p("Decriminalise possession.")), doc(p(text("Decriminalise", [{ type: "bold" }]), " possession.")));
    expect(bold.changes).toEqual([{ number: 1, kind: "formatting", removed: "", added: "Formatting changed (bold, italic, links or line breaks)." }]);
    const heading = diffDocuments(doc(h(2, "Preamble")), doc(p("Preamble")));
    expect(heading.changes[0]!.kind).toBe("formatting");
    expect(heading.html).toContain("Formatting changed: this was a heading (level 2).");
    const link = diffDocuments(
      doc(p(text("source", [{ type: "link", attrs: { href: "https://a.example" } }]))),
      doc(p(text("source", [{ type: "link", attrs: { href: "https://b.example" } }]))),
    );
    expect(link.changes).toHaveLength(1);
  });

  it("moves headings below the page's own heading", () => {
    const d = diffDocuments(doc(h(1, "Title"), h(3, "Deep")), doc(h(1, "Title"), h(3, "Deep")), { headingOffset: 1 });
    expect(d.html).toContain('<h2 class="diff-block">Title</h2>');
    expect(d.html).toContain('<h4 class="diff-block">Deep</h4>');
  });

  it("escapes hostile text everywhere: unchanged, inserted and deleted, and never trusts attributes", () => {
    const evil = `<script>alert(1)</script> "><img src=x onerror=alert(2)> & 'quote'`;
    const d = diffDocuments(
      doc(p(evil), p(`keep ${evil}`), p("old words here")),
      doc(p(evil), p(`keep ${evil} more`), p(`old ${evil} here`), { type: "heading", attrs: { level: '1"><script>' }, content: [text(evil)] }),
    );
    expect(d.html).not.toMatch(/<script|<img|onerror=alert\(2\)>/i);
    expect(d.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(d.html).toContain("&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#39;quote&#39;");
    // Every tag in the output is one the diff itself writes.
    const tags = new Set([...d.html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]));
    for (const tag of tags) expect(["p", "h2", "h3", "h4", "h5", "h6", "span", "div", "ins", "del", "br", "hr"]).toContain(tag);
    expect(d.changes.map((c) => c.added).join(" ")).toContain("<script>"); // summaries are plain text: React escapes them
  });

  it("keeps hard breaks as line breaks and leaves empty paragraphs out", () => {
    const d = diffDocuments(
      doc(p("line one", { type: "hardBreak" }, "line two"), p(), p("end")),
      doc(p("line one", { type: "hardBreak" }, "line 2"), p("end")),
    );
    expect(d.changes).toHaveLength(1);
    expect(d.html).toContain("line one<br>line");
    expect(documentBlocks(doc(p(), p("  "), p("x")))).toHaveLength(1);
  });

  it("diffs words in every script, not letter by letter", () => {
    const d = diffDocuments(doc(p("Полиция призывает к реформе")), doc(p("Полиция требует реформы")));
    expect(delOf(d.html).join("|")).toContain("призывает");
    expect(insOf(d.html).join("|")).toContain("требует");
    const greek = diffDocuments(doc(p("η αστυνομία καλεί")), doc(p("η αστυνομία ζητά")));
    expect(greek.changes).toEqual([{ number: 1, kind: "replaced", removed: "καλεί", added: "ζητά" }]);
  });

  it("stays fast on a long document and falls back to whole blocks when out of time", () => {
    const before = doc(...Array.from({ length: 3000 }, (_, i) => p(`Paragraph ${i} says something about policy number ${i}.`)));
    const after = doc(
      ...Array.from({ length: 3000 }, (_, i) => p(i % 50 === 0 ? `Paragraph ${i} says something new about policy ${i}.` : `Paragraph ${i} says something about policy number ${i}.`)),
    );
    const started = performance.now();
    const d = diffDocuments(before, after);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(d.changes.length).toBeGreaterThanOrEqual(60);
    expect(d.truncated).toBe(false);

    const hurried = diffDocuments(doc(p("one two three")), doc(p("one 2 three")), { budgetMs: 0 });
    expect(hurried.truncated).toBe(true);
    expect(hurried.changes).toHaveLength(1);
    expect(hurried.html).toContain('<del class="diff-whole">');
  });

  it("survives absurd nesting and odd input", () => {
    let deep: DiffNode = p("bottom");
    for (let i = 0; i < 5000; i++) deep = { type: "blockquote", content: [deep] };
    expect(() => diffDocuments(doc(deep), doc(p("x")))).not.toThrow();
    expect(diffDocuments(null, doc(p("new"))).changes).toHaveLength(1);
    expect(diffDocuments({ type: "doc" }, { type: "doc" }).identical).toBe(true);
  });
});

describe("diffing plain texts", () => {
  it("treats blank-line separated paragraphs as blocks", () => {
    const d = diffPlainTexts("First paragraph.\n\nSecond paragraph here.", "First paragraph.\n\nSecond paragraph there.\n\nThird.");
    expect(d.changes.map((c) => c.kind)).toEqual(["replaced", "inserted"]);
    expect(insOf(d.html)).toEqual(["there", "Third."]);
  });
});
