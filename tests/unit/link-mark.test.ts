import { describe, expect, it } from "vitest";
import { getSchema } from "@tiptap/core";
import { Link as TiptapLink } from "@tiptap/extension-link";
import { editorExtensions, getEditorSchema, LINK_REL } from "../../app/editor/extensions";
import { EditorState } from "@tiptap/pm/state";
import { autolink, pastedAddressHref, typedUrl, urlsInText } from "../../app/editor/link";

/*
 * Accord's own link mark (app/editor/link.ts) replaced @tiptap/extension-link in the browser to drop linkifyjs. Its
 * schema must stay the one stored documents were written with, and it must find the same addresses people type.
 */
describe("the link mark", () => {
  it("has the schema @tiptap/extension-link gave it, so stored documents read the same", () => {
    const ours = getEditorSchema().marks.link!.spec;
    const extensions = editorExtensions().map((e) =>
      e.name === "link" ? TiptapLink.configure({ HTMLAttributes: { rel: LINK_REL, target: "_blank", class: null } }) : e,
    );
    const theirSchema = getSchema(extensions);
    const theirs = theirSchema.marks.link!.spec;
    // The marks' order is their rank: it decides how overlapping marks nest in HTML and in the Yjs document.
    expect(Object.keys(getEditorSchema().marks)).toEqual(Object.keys(theirSchema.marks));
    expect(Object.keys(ours.attrs ?? {})).toEqual(Object.keys(theirs.attrs ?? {}));
    for (const [name, attr] of Object.entries(theirs.attrs ?? {})) expect(ours.attrs![name]!.default, name).toEqual(attr.default);
    expect([ours.inclusive, ours.excludes, ours.group, ours.spanning]).toEqual([theirs.inclusive, theirs.excludes, theirs.group, theirs.spanning]);
  });

  it("links a typed word only when it is an http:, https: or mailto: address, alone or in brackets", () => {
    expect(typedUrl("https://example.org/a?b=c")).toEqual({ url: "https://example.org/a?b=c", offset: 0 });
    expect(typedUrl("(https://example.org)")).toEqual({ url: "https://example.org", offset: 1 });
    expect(typedUrl("[mailto:ana@example.org]")).toEqual({ url: "mailto:ana@example.org", offset: 1 });
    for (const word of ["example.org", "https://example.org.", "(https://example.org", "javascript:alert(1)", "ftp://example.org", "e.g."]) {
      expect(typedUrl(word), word).toBeNull();
    }
  });

  it("finds every address in a pasted text without the punctuation around it", () => {
    const text = "See https://example.org/a, then (mailto:ana@example.org). Or https://en.wikipedia.org/wiki/Accord_(law).";
    const expected = ["https://example.org/a", "mailto:ana@example.org", "https://en.wikipedia.org/wiki/Accord_(law)"];
    expect(urlsInText(text)).toEqual(expected.map((url) => ({ url, index: text.indexOf(url) })));
    expect(urlsInText("no address, javascript:alert(1) nor data:text/html,x")).toEqual([]);
  });

  it("reads an address pasted over a selection, and leaves file names and words alone", () => {
    expect(pastedAddressHref("https://example.org")).toBe("https://example.org");
    expect(pastedAddressHref("example.org/page")).toBe("https://example.org/page");
    expect(pastedAddressHref("www.example.test")).toBe("https://www.example.test");
    expect(pastedAddressHref("ana@example.org")).toBe("mailto:ana@example.org");
    for (const text of ["Node.js", "notes.txt", "two words.org", "example", "", "javascript:alert(1)", "data:text/html,x", " https://example.org"]) expect(pastedAddressHref(text), text).toBeNull();
  });
});

describe("linking an address as it is typed", () => {
  const schema = getEditorSchema();
  const allowed = (href: string) => /^(https?:|mailto:)/.test(href);
  const start = () =>
    EditorState.create({
      doc: schema.node("doc", null, [schema.node("paragraph")]),
      plugins: [autolink(schema.marks.link!, allowed)],
    });
  const type = (state: EditorState, text: string) => state.apply(state.tr.insertText(text, state.selection.to));
  const links = (state: EditorState) => {
    const found: string[] = [];
    state.doc.descendants((node) => {
      const link = node.marks.find((m) => m.type.name === "link");
      if (node.isText && link) found.push(`${node.text}→${link.attrs.href as string}`);
    });
    return found;
  };

  it("links the address once a space follows it, key by key", () => {
    let state = start();
    for (const key of "See https://example.org/typed") state = type(state, key);
    expect(links(state)).toEqual([]);
    state = type(state, " ");
    expect(links(state)).toEqual(["https://example.org/typed→https://example.org/typed"]);
  });

  it("links it too when the browser hands over the space and the next letters as one change", () => {
    let state = start();
    state = type(state, "See https://example.org/typed");
    state = type(state, " and");
    expect(links(state)).toEqual(["https://example.org/typed→https://example.org/typed"]);
  });

  it("links every address a change follows with whitespace, never a refused scheme", () => {
    let state = start();
    state = type(state, "mailto:ana@example.org javascript:alert(1) https://example.org/b then");
    expect(links(state)).toEqual(["mailto:ana@example.org→mailto:ana@example.org", "https://example.org/b→https://example.org/b"]);
  });

  it("leaves another person's typed address to their own editor (a change that came through Yjs links nothing here)", () => {
    let state = start();
    state = state.apply(state.tr.insertText("See https://example.org/remote then", 1).setMeta("y-sync$", { isChangeOrigin: true }));
    expect(links(state)).toEqual([]);
    state = type(state, " https://example.org/mine ");
    expect(links(state)).toEqual(["https://example.org/mine→https://example.org/mine"]);
  });

  it("does not link a word edited before a space that was already there", () => {
    let state = start();
    state = type(state, "https://example.org/ and more");
    state = state.apply(state.tr.removeMark(0, state.doc.content.size, schema.marks.link!));
    expect(links(state)).toEqual([]);
    state = state.apply(state.tr.insertText("x", 1 + "https://example.org/".length));
    expect(links(state)).toEqual([]);
  });
});
