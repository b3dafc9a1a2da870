/**
 * The shared editor schema and the server-side document tools: link safety,
 * HTML rendering, plain text, JSON/Yjs conversion and strict Y.Doc validation.
 */
import { describe, it, expect } from "vitest";
import * as Y from "yjs";
import type { JSONContent } from "@tiptap/core";
import {
  SAFE_LINK_PROTOCOLS,
  YJS_FIELD,
  editorExtensions,
  getEditorSchema,
  isSafeHref,
} from "../../app/editor/extensions";
import {
  documentPlainText,
  renderDocumentHtml,
  tiptapJsonToProseMirror,
  tiptapJsonToYDoc,
  tiptapJsonToYDocUpdate,
  validateYDocAgainstSchema,
  yDocToProseMirror,
  yDocToTiptapJson,
} from "../../app/editor/document-tools.server";

const UNSAFE_HREFS = [
  "javascript:alert(1)",
  " JavaScript:alert(1)",
  "JAVASCRIPT:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "\u0000javascript:alert(1)",
  "\u0001 javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "ftp://example.org/file",
  "/relative/path",
  "relative/path",
  "//example.org/protocol-relative",
  "#fragment",
  "https://",
  "mailto:",
  "",
  "   ",
];

const SAFE_HREFS = [
  "http://example.org",
  "https://example.org/path?q=1#top",
  "HTTPS://EXAMPLE.ORG",
  "mailto:someone@example.org",
  "  https://example.org/with-spaces-around  ",
];

function paragraph(...content: JSONContent[]): JSONContent {
  return content.length ? { type: "paragraph", content } : { type: "paragraph" };
}

function text(value: string, marks?: JSONContent["marks"]): JSONContent {
  return marks ? { type: "text", text: value, marks } : { type: "text", text: value };
}

function doc(...content: JSONContent[]): JSONContent {
  return { type: "doc", content };
}

function link(href: string, extra: Record<string, unknown> = {}): NonNullable<JSONContent["marks"]>[number] {
  return { type: "link", attrs: { href, ...extra } };
}

/** A ProseMirror node built without Accord's checks, as hostile input to the renderer. */
function unchecked(json: JSONContent) {
  return getEditorSchema().nodeFromJSON(json);
}

/** A Y.Doc holding one paragraph whose Y.XmlText is returned for tampering. */
function docWithParagraphText(): { ydoc: Y.Doc; ytext: Y.XmlText } {
  const ydoc = new Y.Doc();
  const p = new Y.XmlElement("paragraph");
  const ytext = new Y.XmlText();
  p.insert(0, [ytext]);
  ydoc.getXmlFragment(YJS_FIELD).insert(0, [p]);
  return { ydoc, ytext };
}

describe("isSafeHref", () => {
  it("allows only http, https and mailto", () => {
    expect([...SAFE_LINK_PROTOCOLS]).toEqual(["http:", "https:", "mailto:"]);
    for (const href of SAFE_HREFS) expect(isSafeHref(href), href).toBe(true);
  });

  it("refuses javascript: however it is disguised, data:, other schemes and relative URLs", () => {
    for (const href of UNSAFE_HREFS) expect(isSafeHref(href), JSON.stringify(href)).toBe(false);
  });

  it("refuses hrefs longer than 4096 characters", () => {
    expect(isSafeHref(`https://example.org/${"a".repeat(5000)}`)).toBe(false);
  });
});

describe("editor schema", () => {
  it("contains exactly the nodes and marks the editor offers", () => {
    const schema = getEditorSchema();
    expect(Object.keys(schema.nodes).sort()).toEqual(
      ["blockquote", "bulletList", "doc", "hardBreak", "heading", "horizontalRule", "listItem", "orderedList", "paragraph", "text"].sort(),
    );
    expect(Object.keys(schema.marks).sort()).toEqual(["anchor", "bold", "italic", "link", "strike"]);
  });

  it("is built once and shared", () => {
    expect(getEditorSchema()).toBe(getEditorSchema());
    // StarterKit's extensions one by one, without those left out (undo is the collaboration's), and the thread anchor.
    const names = editorExtensions().map((extension) => extension.name);
    expect(names).toContain("anchor");
    for (const absent of ["starterKit", "undoRedo", "code", "codeBlock", "underline", "trailingNode"]) expect(names).not.toContain(absent);
  });

  it("has a link mark whose own renderer blanks unsafe hrefs", () => {
    const node = unchecked(doc(paragraph(text("x", [link("javascript:alert(1)")]))));
    const mark = node.firstChild?.firstChild?.marks[0];
    expect(mark?.type.spec.toDOM?.(mark, true)).toEqual(["a", expect.objectContaining({ href: "" }), 0]);
  });
});

describe("renderDocumentHtml", () => {
  it("renders headings, marks, lists, quotes, breaks and rules with void elements unclosed", () => {
    const html = renderDocumentHtml(
      tiptapJsonToProseMirror(
        doc(
          { type: "heading", attrs: { level: 2 }, content: [text("Title")] },
          paragraph(text("bold", [{ type: "bold" }]), text(" and "), text("italic", [{ type: "italic" }]), { type: "hardBreak" }, text("next")),
          { type: "horizontalRule" },
          { type: "bulletList", content: [{ type: "listItem", content: [paragraph(text("one"))] }] },
          { type: "blockquote", content: [paragraph(text("quoted"))] },
          paragraph(),
        ),
      ),
    );
    expect(html).toBe(
      "<h2>Title</h2><p><strong>bold</strong> and <em>italic</em><br>next</p><hr>" +
        "<ul><li><p>one</p></li></ul><blockquote><p>quoted</p></blockquote><p></p>",
    );
  });

  it("escapes <script> and quotes in text", () => {
    const html = renderDocumentHtml(unchecked(doc(paragraph(text(`<script>alert('x')</script> & "q"`)))));
    expect(html).toBe("<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
  });

  it("escapes <script> and quotes in attribute values", () => {
    const hostile = `"><script>alert('x')</script>`;
    const html = renderDocumentHtml(unchecked(doc(paragraph(text("x", [link(`https://example.org/?q=${hostile}`, { title: hostile })])))));
    expect(html).not.toContain("<script");
    expect(html).toContain('title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"');
    expect(html).toContain('href="https://example.org/?q=&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"');
  });

  it("never renders an unsafe href, keeping the link text", () => {
    for (const href of UNSAFE_HREFS) {
      const html = renderDocumentHtml(unchecked(doc(paragraph(text("click", [link(href)])))));
      expect(html, JSON.stringify(href)).not.toContain("href");
      expect(html).toContain(">click</a>");
    }
  });

  it("renders safe links with rel noopener noreferrer nofollow, whatever rel the mark carries", () => {
    for (const href of SAFE_HREFS) {
      const html = renderDocumentHtml(unchecked(doc(paragraph(text("site", [link(href, { rel: "opener" })])))));
      expect(html).toContain(` href="${href}"`);
      expect(html).toContain(' rel="noopener noreferrer nofollow"');
      expect(html).not.toContain("opener\"");
    }
  });

  it("renders a Y.Doc the same as its ProseMirror node", () => {
    const json = doc({ type: "heading", attrs: { level: 1 }, content: [text("T")] }, paragraph(text("p")));
    expect(renderDocumentHtml(tiptapJsonToYDoc(json))).toBe(renderDocumentHtml(tiptapJsonToProseMirror(json)));
  });
});

describe("documentPlainText", () => {
  it("separates blocks by a blank line, prefixes list items and skips empty blocks", () => {
    const node = tiptapJsonToProseMirror(
      doc(
        { type: "heading", attrs: { level: 1 }, content: [text("Title")] },
        paragraph(),
        paragraph(text("First "), text("line", [{ type: "bold" }]), { type: "hardBreak" }, text("second line")),
        { type: "bulletList", content: [{ type: "listItem", content: [paragraph(text("a"))] }, { type: "listItem", content: [paragraph(text("b"))] }] },
        {
          type: "orderedList",
          attrs: { start: 3 },
          content: [{ type: "listItem", content: [paragraph(text("c")), { type: "bulletList", content: [{ type: "listItem", content: [paragraph(text("d"))] }] }] }],
        },
        { type: "blockquote", content: [paragraph(text("q"))] },
      ),
    );
    expect(documentPlainText(node)).toBe("Title\n\nFirst line\nsecond line\n\n- a\n- b\n\n3. c\n   - d\n\n> q");
  });
});

describe("tiptapJsonToYDocUpdate", () => {
  it("round-trips JSON through a Yjs update back to the same JSON", () => {
    const json = doc(
      { type: "heading", attrs: { level: 3 }, content: [text("H")] },
      paragraph(text("see "), text("site", [link("https://example.org")]), text(" now", [{ type: "strike" }])),
      { type: "orderedList", attrs: { start: 2, type: null }, content: [{ type: "listItem", content: [paragraph()] }] },
    );
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, tiptapJsonToYDocUpdate(json));
    expect(yDocToTiptapJson(ydoc)).toEqual(tiptapJsonToProseMirror(json).toJSON());
    expect(yDocToProseMirror(ydoc).eq(tiptapJsonToProseMirror(json))).toBe(true);
  });

  it("refuses JSON that is not a valid document of the schema", () => {
    const invalid: JSONContent[] = [
      doc({ type: "codeBlock", content: [text("x")] }),
      doc(text("text directly in the doc")),
      paragraph(text("not a doc")),
      doc({ type: "heading", attrs: { level: 5 }, content: [text("too deep")] }),
      doc(paragraph(text("x", [{ type: "underline" }]))),
      doc(paragraph(text("x", [link("javascript:alert(1)")]))),
      doc({ type: "listItem", content: [paragraph()] }),
    ];
    for (const json of invalid) expect(() => tiptapJsonToYDocUpdate(json), JSON.stringify(json)).toThrow(/Invalid Tiptap JSON/);
  });
});

describe("validateYDocAgainstSchema", () => {
  it("accepts a document written by the conversion tools", () => {
    const ydoc = tiptapJsonToYDoc(doc(paragraph(text("ok", [link("mailto:a@example.org"), { type: "bold" }]))));
    expect(validateYDocAgainstSchema(ydoc)).toEqual({ ok: true });
  });

  it("accepts a brand-new empty Y.Doc and a document holding one empty paragraph", () => {
    expect(validateYDocAgainstSchema(new Y.Doc())).toEqual({ ok: true });
    expect(validateYDocAgainstSchema(tiptapJsonToYDoc(doc(paragraph())))).toEqual({ ok: true });
  });

  it("rejects an element with an unknown node name inserted directly into the fragment", () => {
    const ydoc = tiptapJsonToYDoc(doc(paragraph(text("ok"))));
    ydoc.getXmlFragment(YJS_FIELD).insert(1, [new Y.XmlElement("script")]);
    const result = validateYDocAgainstSchema(ydoc);
    expect(result).toEqual({ ok: false, reason: 'unknown node "script"' });
  });

  it("rejects node names that only exist on Object.prototype or are not block nodes", () => {
    for (const name of ["constructor", "__proto__", "toString", "text", "doc"]) {
      const { ydoc } = docWithParagraphText();
      ydoc.getXmlFragment(YJS_FIELD).insert(0, [new Y.XmlElement(name)]);
      expect(validateYDocAgainstSchema(ydoc).ok, name).toBe(false);
    }
  });

  it("rejects a text with an unknown mark attribute", () => {
    const { ydoc, ytext } = docWithParagraphText();
    ytext.insert(0, "x", { evil: {} });
    expect(validateYDocAgainstSchema(ydoc)).toEqual({ ok: false, reason: 'unknown mark "evil"' });
  });

  it("rejects a link with a javascript: href", () => {
    const { ydoc, ytext } = docWithParagraphText();
    ytext.insert(0, "x", { link: { href: "javascript:alert(1)" } });
    const result = validateYDocAgainstSchema(ydoc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/link href/);
  });

  it("rejects links with a disguised or missing href, or a foreign rel", () => {
    for (const attrs of [{ href: "java\tscript:alert(1)" }, { href: " data:text/html,x" }, {}, { href: "https://example.org", rel: "opener" }]) {
      const { ydoc, ytext } = docWithParagraphText();
      ytext.insert(0, "x", { link: attrs });
      expect(validateYDocAgainstSchema(ydoc).ok, JSON.stringify(attrs)).toBe(false);
    }
  });

  it("rejects unknown attributes on elements and marks, and non-object mark values", () => {
    const cases: Array<(ydoc: Y.Doc, ytext: Y.XmlText) => void> = [
      (ydoc) => (ydoc.getXmlFragment(YJS_FIELD).get(0) as Y.XmlElement).setAttribute("onclick", "alert(1)"),
      (_ydoc, ytext) => ytext.insert(0, "x", { bold: { onclick: "alert(1)" } }),
      (_ydoc, ytext) => ytext.insert(0, "x", { bold: "yes" }),
      (_ydoc, ytext) => ytext.insert(0, "x", { link: { href: "https://example.org", style: "x" } }),
    ];
    for (const tamper of cases) {
      const { ydoc, ytext } = docWithParagraphText();
      tamper(ydoc, ytext);
      expect(validateYDocAgainstSchema(ydoc).ok).toBe(false);
    }
  });

  it("rejects heading levels the editor does not offer", () => {
    const ydoc = new Y.Doc();
    const h = new Y.XmlElement("heading");
    h.setAttribute("level", 4 as unknown as string); // Yjs types attributes as strings; Tiptap stores numbers
    ydoc.getXmlFragment(YJS_FIELD).insert(0, [h]);
    expect(validateYDocAgainstSchema(ydoc).ok).toBe(false);
  });

  it("rejects content the schema does not allow where it is", () => {
    const ydoc = new Y.Doc();
    const fragment = ydoc.getXmlFragment(YJS_FIELD);
    fragment.insert(0, [new Y.XmlElement("listItem")]);
    expect(validateYDocAgainstSchema(ydoc).ok).toBe(false);

    const withText = new Y.Doc();
    const bare = new Y.XmlText();
    withText.getXmlFragment(YJS_FIELD).insert(0, [bare]);
    bare.insert(0, "text directly in the doc");
    expect(validateYDocAgainstSchema(withText).ok).toBe(false);
  });

  it("rejects embeds in text and hooks in the fragment", () => {
    const { ydoc, ytext } = docWithParagraphText();
    ytext.insertEmbed(0, { image: "https://example.org/x.png" });
    expect(validateYDocAgainstSchema(ydoc).ok).toBe(false);

    const hooked = tiptapJsonToYDoc(doc(paragraph()));
    // Yjs types say a fragment holds only elements and text; a hostile peer can still send a hook.
    hooked.getXmlFragment(YJS_FIELD).insert(0, [new Y.XmlHook("widget") as unknown as Y.XmlElement]);
    expect(validateYDocAgainstSchema(hooked).ok).toBe(false);
  });

  it("rejects a document whose field is not an XML fragment", () => {
    const ydoc = new Y.Doc();
    ydoc.getMap(YJS_FIELD).set("x", 1);
    expect(validateYDocAgainstSchema(ydoc).ok).toBe(false);
  });

  it("rejects absurdly deep nesting instead of overflowing the stack", () => {
    const ydoc = new Y.Doc();
    let inner = new Y.XmlElement("paragraph");
    for (let i = 0; i < 200; i++) {
      const quote = new Y.XmlElement("blockquote");
      quote.insert(0, [inner]);
      inner = quote;
    }
    ydoc.getXmlFragment(YJS_FIELD).insert(0, [inner]);
    const result = validateYDocAgainstSchema(ydoc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/nested deeper/);
  });

  it("does not modify the document it rejects", () => {
    const ydoc = tiptapJsonToYDoc(doc(paragraph(text("ok"))));
    const fragment = ydoc.getXmlFragment(YJS_FIELD);
    fragment.insert(1, [new Y.XmlElement("script")]);
    const before = Y.encodeStateAsUpdate(ydoc);
    expect(validateYDocAgainstSchema(ydoc).ok).toBe(false);
    expect(Y.encodeStateAsUpdate(ydoc)).toEqual(before);
    expect(fragment.length).toBe(2);
  });
});
