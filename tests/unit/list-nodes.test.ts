import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getExtensionField, getSchema, type AnyExtension, type Extensions } from "@tiptap/core";
import { BulletList as TiptapBulletList } from "@tiptap/extension-list/bullet-list";
import { ListItem as TiptapListItem } from "@tiptap/extension-list/item";
import { OrderedList as TiptapOrderedList, parsePlainTextOrderedListPaste } from "@tiptap/extension-list/ordered-list";
import { DOMSerializer } from "@tiptap/pm/model";
import { editorExtensions, getEditorSchema } from "../../app/editor/extensions";
import { pastedOrderedList } from "../../app/editor/lists";

/*
 * Accord's own list nodes (app/editor/lists.ts) replaced @tiptap/extension-list's in the browser to drop their Markdown
 * code. Stored documents were written with Tiptap's schema, and people type, paste and press keys as before: both are
 * compared here with Tiptap's own extensions (the editor's e2e test types, toggles, nests and pastes lists).
 */
const LIST_NODES = ["bulletList", "orderedList", "listItem"];
const tiptaps: Record<string, AnyExtension> = { bulletList: TiptapBulletList, orderedList: TiptapOrderedList, listItem: TiptapListItem };
const withTiptapLists = (): Extensions => editorExtensions().map((e) => tiptaps[e.name] ?? e);

/** An element as the HTML parser hands it to a rule, enough for the list rules' attribute readers. */
function element(attributes: Record<string, string>, firstItemStyle?: string) {
  return {
    getAttribute: (name: string) => attributes[name] ?? null,
    hasAttribute: (name: string) => name in attributes,
    querySelector: (selector: string) => (selector === "li" && firstItemStyle !== undefined ? element({ style: firstItemStyle }) : null),
  } as unknown as HTMLElement;
}

/** What an extension answers for one of its fields (keyboard shortcuts, input rules), outside an editor. */
function field<T>(extension: AnyExtension, name: "addKeyboardShortcuts" | "addInputRules" | "addExtensions" | "addCommands"): T {
  const schema = getEditorSchema();
  const context = { name: extension.name, options: extension.options, storage: {}, editor: {}, type: schema.nodes[extension.name] };
  const fn = getExtensionField<(...args: unknown[]) => T>(extension, name, context);
  return fn ? fn() : (undefined as T);
}

describe("the list nodes", () => {
  it("have the schema @tiptap/extension-list gave them, so stored documents read and render the same", () => {
    const ours = getEditorSchema();
    const theirs = getSchema(withTiptapLists());
    // The nodes' order decides which one the HTML parser tries first.
    expect(Object.keys(ours.nodes)).toEqual(Object.keys(theirs.nodes));
    for (const name of LIST_NODES) {
      const [a, b] = [ours.nodes[name]!.spec, theirs.nodes[name]!.spec];
      expect([a.content, a.group, a.defining, a.marks, a.inline, a.atom], name).toEqual([b.content, b.group, b.defining, b.marks, b.inline, b.atom]);
      expect(Object.fromEntries(Object.entries(a.attrs ?? {}).map(([k, v]) => [k, v.default])), name).toEqual(
        Object.fromEntries(Object.entries(b.attrs ?? {}).map(([k, v]) => [k, v.default])),
      );
      expect(a.parseDOM?.map((r) => r.tag), name).toEqual(b.parseDOM?.map((r) => r.tag));
    }
    const cases: [Record<string, string>, string?][] = [
      [{}],
      [{ start: "4" }],
      [{ start: "x" }],
      [{ type: "a" }],
      [{ type: "", style: "list-style-type: upper-roman" }],
      [{ style: "margin: 0; LIST-STYLE-TYPE : lower-latin ;" }],
      [{ style: "list-style-type: disc" }, "list-style-type:lower-roman"],
      [{}, "list-style-type: upper-alpha"],
    ];
    const getAttrs = (schema: typeof ours) => schema.nodes.orderedList!.spec.parseDOM![0]!.getAttrs!;
    for (const [attributes, itemStyle] of cases) {
      expect(getAttrs(ours)(element(attributes, itemStyle)), JSON.stringify(attributes)).toEqual(getAttrs(theirs)(element(attributes, itemStyle)));
    }
    const json = {
      type: "doc",
      content: [
        { type: "orderedList", attrs: { start: 3, type: "i" }, content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "one" }] }] }] },
        { type: "orderedList", attrs: { start: 1, type: "1" }, content: [{ type: "listItem", content: [{ type: "paragraph" }] }] },
        { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph" }, { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph" }] }] }] }] },
      ],
    };
    const rendered = (schema: typeof ours) =>
      schema.nodeFromJSON(json).content.content.map((node) => JSON.stringify(DOMSerializer.renderSpec({ createElement: fakeElement } as unknown as Document, schema.nodes[node.type.name]!.spec.toDOM!(node)).dom));
    expect(rendered(ours)).toEqual(rendered(theirs));
  });

  it("answer the same keys and typed markers as Tiptap's, and offer the same commands", () => {
    for (const name of LIST_NODES) {
      const ours = editorExtensions().find((e) => e.name === name)!;
      const theirs = tiptaps[name]!;
      expect(Object.keys(field<object>(ours, "addKeyboardShortcuts")), name).toEqual(Object.keys(field<object>(theirs, "addKeyboardShortcuts")));
      expect(Object.keys(field<object>(ours, "addCommands") ?? {}), name).toEqual(Object.keys(field<object>(theirs, "addCommands") ?? {}));
      const rules = (e: AnyExtension) => (field<{ find: RegExp }[]>(e, "addInputRules") ?? []).map((r) => r.find.source);
      expect(rules(ours), name).toEqual(rules(theirs));
      const children = (e: AnyExtension) => (field<AnyExtension[]>(e, "addExtensions") ?? []).map((c) => [c.name, c.config.priority, Object.keys(field<object>(c, "addKeyboardShortcuts"))]);
      expect(children(ours), name).toEqual(children(theirs));
    }
  });

  it("turn pasted plain text into the numbered list Tiptap made of it, and leave other text alone", () => {
    const examples = [
      "1. one\n2. two",
      "3) three\n\n4) four\n",
      "  a. first\nb. second",
      "iv. four\nv. five\nvi. six",
      "IX. nine\nX. ten",
      "Y. y\nZ. z\nAA. aa",
      "z. z\naa. aa\nab. ab",
      "ii. two\niii. three",
      "Ab. mixed\nAc. mixed",
      "0. zero\n1. one",
      "1. one\n3. three",
      "1. one\nplain",
      "i. one\nj. two",
      "1.one",
      "",
      "\n \n",
    ];
    for (const text of examples) expect(pastedOrderedList(text), JSON.stringify(text)).toEqual(parsePlainTextOrderedListPaste(text));
    expect(pastedOrderedList("iv. four\nv. five")).toEqual({
      type: "orderedList",
      attrs: { type: "i", start: 4 },
      content: ["four", "five"].map((text) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }] }] })),
    });
    const marker = fc.oneof(fc.integer({ min: 0, max: 60 }).map(String), fc.constantFrom("i", "ii", "iii", "iv", "v", "x", "xl", "IV", "IIII", "mcm", "a", "b", "z", "aa", "az", "ba", "A", "B", "Zz", "c", "d", "l", "m"));
    const line = fc.tuple(fc.constantFrom("", " ", "  "), marker, fc.constantFrom(".", ")", ":"), fc.constantFrom(" ", "  ", ""), fc.string({ maxLength: 6 })).map((parts) => parts.join(""));
    fc.assert(
      fc.property(fc.array(fc.oneof(line, fc.constant(""), fc.string({ maxLength: 8 })), { maxLength: 6 }), (lines) => {
        const text = lines.join("\n");
        expect(pastedOrderedList(text)).toEqual(parsePlainTextOrderedListPaste(text));
      }),
      { numRuns: 3000 },
    );
  });
});

/** Just enough of a DOM element for ProseMirror's renderSpec, recorded as data. */
function fakeElement(tag: string) {
  const node = { tag, attrs: {} as Record<string, string>, children: [] as unknown[] };
  return Object.assign(node, {
    setAttribute: (name: string, value: string) => void (node.attrs[name] = value),
    appendChild: (child: unknown) => void node.children.push(child),
  });
}
