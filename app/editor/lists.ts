/**
 * The list nodes (bulletList, orderedList, listItem), ours rather than @tiptap/extension-list's: theirs also carry a
 * Markdown parser and writer (a tokenizer of nested numbered lists, letter and roman markers written back out), which
 * Accord never uses, and the list item's module brings a second copy of the roman numerals: 2.4 kB gzipped of the
 * editor's JavaScript (docs/benchmarks.md). The schema is the one @tiptap/extension-list 3.31 made (names, content,
 * groups, attributes, HTML both ways), so stored documents and the server's checks are unchanged, and so is the
 * behaviour with the options Accord used (tests/unit/list-nodes.test.ts compares both):
 * - "- ", "+ " or "* " at the start of a paragraph makes a bulleted list, "3. " a numbered one starting at 3 (joined to
 *   the numbered list just above when it continues its numbering); Mod-Shift-8 and Mod-Shift-7 toggle them;
 * - Enter splits an item, Tab nests it, Shift-Tab lifts it; Delete at the end of an item whose next sibling is a list
 *   with items of several blocks lifts those items out (ListKeymap, still Tiptap's, does the rest);
 * - pasting plain text (no HTML) whose every line is "1. …", "a) …", "iv. …" with consecutive markers makes a
 *   numbered list of that type and start.
 *
 * Adapted from @tiptap/extension-list 3.31.3 (MIT licence, © Tiptap GmbH). Browser-safe: app/editor/extensions.ts,
 * shared with the server, imports it.
 */
import { Extension, mergeAttributes, Node, wrappingInputRule } from "@tiptap/core";
import { Fragment, type Node as ProseMirrorNode } from "@tiptap/pm/model";
import { Plugin, type EditorState, type Transaction } from "@tiptap/pm/state";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    bulletList: {
      /** Toggle a bullet list. */
      toggleBulletList: () => ReturnType;
    };
    orderedList: {
      /** Toggle an ordered list. */
      toggleOrderedList: () => ReturnType;
    };
  }
}

interface ListOptions {
  HTMLAttributes: Record<string, unknown>;
}

const ITEM = "listItem";
const WRAPPERS = ["bulletList", "orderedList"];

export const BulletList = Node.create<ListOptions>({
  name: "bulletList",
  addOptions: () => ({ HTMLAttributes: {} }),
  group: "block list",
  content: `${ITEM}+`,
  parseHTML: () => [{ tag: "ul" }],
  renderHTML({ HTMLAttributes }) {
    return ["ul", mergeAttributes(this.options.HTMLAttributes, HTMLAttributes), 0];
  },
  addCommands() {
    return { toggleBulletList: () => ({ commands }) => commands.toggleList(this.name, ITEM, false) };
  },
  addKeyboardShortcuts() {
    return { "Mod-Shift-8": () => this.editor.commands.toggleBulletList() };
  },
  addInputRules() {
    return [wrappingInputRule({ find: /^\s*([-+*])\s$/, type: this.type })];
  },
});

/** The `type` of `<ol>` a CSS list-style-type stands for (Google Docs writes it on the first `<li>`). */
function typeOfListStyle(style: string | null): string | null {
  const value = style?.match(/list-style-type\s*:\s*([^;]+)/i)?.[1]!.trim().toLowerCase();
  if (value === "upper-roman") return "I";
  if (value === "lower-roman") return "i";
  if (value === "upper-alpha" || value === "upper-latin") return "A";
  if (value === "lower-alpha" || value === "lower-latin") return "a";
  return null;
}

export const OrderedList = Node.create<ListOptions>({
  name: "orderedList",
  addOptions: () => ({ HTMLAttributes: {} }),
  group: "block list",
  content: `${ITEM}+`,
  addAttributes() {
    return {
      start: {
        default: 1,
        parseHTML: (element) => (element.hasAttribute("start") ? parseInt(element.getAttribute("start") || "", 10) : 1),
      },
      type: {
        default: null,
        parseHTML: (element) =>
          element.getAttribute("type") ||
          typeOfListStyle(element.getAttribute("style")) ||
          typeOfListStyle(element.querySelector("li")?.getAttribute("style") ?? null),
      },
    };
  },
  parseHTML: () => [{ tag: "ol" }],
  renderHTML({ HTMLAttributes }) {
    const { start, type, ...rest } = HTMLAttributes;
    const attrs = mergeAttributes(this.options.HTMLAttributes, rest);
    if (start !== 1) attrs.start = start;
    if (type && type !== "1") attrs.type = type;
    return ["ol", attrs, 0];
  },
  addCommands() {
    return { toggleOrderedList: () => ({ commands }) => commands.toggleList(this.name, ITEM, false) };
  },
  addKeyboardShortcuts() {
    return { "Mod-Shift-7": () => this.editor.commands.toggleOrderedList() };
  },
  addProseMirrorPlugins() {
    return [
      new Plugin({
        props: {
          handlePaste: (view, event) => {
            if (event.clipboardData?.getData("text/html")?.trim()) return false;
            const list = pastedOrderedList(event.clipboardData?.getData("text/plain") ?? "");
            if (!list) return false;
            try {
              view.dispatch(view.state.tr.replaceSelectionWith(view.state.schema.nodeFromJSON(list)));
              return true;
            } catch {
              return false;
            }
          },
        },
      }),
    ];
  },
  addInputRules() {
    return [
      wrappingInputRule({
        find: /^(\d+)\.\s$/,
        type: this.type,
        getAttributes: (match) => ({ start: +match[1]! }),
        // Joined only to a list of the default type that this number continues.
        joinPredicate: (match, node: ProseMirrorNode) =>
          (!node.attrs.type || node.attrs.type === "1") && node.childCount + node.attrs.start === +match[1]!,
      }),
    ];
  },
});

/** A list item whose next block is a list with items of several blocks, the caret at the item's end: those items move up a level. */
function liftBranchingNestedList(state: EditorState, dispatch: (tr: Transaction) => void): boolean {
  const { selection } = state;
  const { $from } = selection;
  if (!selection.empty || !$from.parent.isTextblock || $from.parentOffset !== $from.parent.content.size) return false;
  let depth = $from.depth;
  while (depth > 0 && $from.node(depth).type.name !== ITEM) depth -= 1;
  if (depth <= 0) return false;
  const item = $from.node(depth);
  const index = $from.index(depth);
  if (index + 1 >= item.childCount) return false;
  const next = item.child(index + 1);
  if (!WRAPPERS.includes(next.type.name)) return false;
  let branching = false;
  next.forEach((child) => {
    if (child.type.name === ITEM && child.childCount > 1) branching = true;
  });
  const nested = state.doc.resolve($from.after()).nodeAfter;
  if (!branching || !nested || !WRAPPERS.includes(nested.type.name) || nested.childCount === 0) return false;
  const items: ProseMirrorNode[] = [];
  nested.forEach((child) => void items.push(child));
  const tr = state.tr.delete($from.after(), $from.after() + nested.nodeSize);
  tr.insert(tr.mapping.map($from.after(depth)), Fragment.from(items));
  tr.setSelection(selection.map(tr.doc, tr.mapping));
  dispatch(tr);
  return true;
}

export const ListItem = Node.create<ListOptions>({
  name: ITEM,
  addOptions: () => ({ HTMLAttributes: {} }),
  content: "paragraph block*",
  defining: true,
  parseHTML: () => [{ tag: "li" }],
  renderHTML({ HTMLAttributes }) {
    return ["li", mergeAttributes(this.options.HTMLAttributes, HTMLAttributes), 0];
  },
  addExtensions() {
    return [
      Extension.create({
        name: `${ITEM}BranchingDeleteKeymap`,
        priority: 101,
        addKeyboardShortcuts() {
          const lift = () => liftBranchingNestedList(this.editor.state, this.editor.view.dispatch);
          return { Delete: lift, "Mod-Delete": lift };
        },
      }),
    ];
  },
  addKeyboardShortcuts() {
    return {
      Enter: () => this.editor.commands.splitListItem(this.name),
      Tab: () => this.editor.commands.sinkListItem(this.name),
      "Shift-Tab": () => this.editor.commands.liftListItem(this.name),
    };
  },
});

/* Markers of a pasted numbered list: digits, roman numerals, or one or two letters. */
const ROMAN: [number, string][] = [[1000, "m"], [900, "cm"], [500, "d"], [400, "cd"], [100, "c"], [90, "xc"], [50, "l"], [40, "xl"], [10, "x"], [9, "ix"], [5, "v"], [4, "iv"], [1, "i"]];
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const PASTED_LINE = /^(\d+|[ivxlcdmIVXLCDM]+|[a-zA-Z]{1,2})([.)])\s+(.+)$/;

function toRoman(n: number): string {
  let out = "";
  for (const [value, numeral] of ROMAN) {
    while (n >= value) {
      out += numeral;
      n -= value;
    }
  }
  return out;
}

function fromRoman(marker: string): number {
  const lower = marker.toLowerCase();
  let at = 0;
  let total = 0;
  while (at < lower.length) {
    const found = ROMAN.find(([, numeral]) => lower.startsWith(numeral, at));
    if (!found) return 0;
    total += found[0];
    at += found[1].length;
  }
  return total;
}

function toLetters(n: number): string {
  const first = Math.floor((n - 1) / 26) - 1;
  return n <= 26 || first < 0 ? LETTERS[(n - 1) % 26]! : LETTERS[first]! + LETTERS[(n - 1) % 26]!;
}

/** `<ol type>` of a marker: "i"/"I" for a well-formed roman numeral, "a"/"A" for one or two letters, none for digits. */
function markerType(marker: string): string | undefined {
  if (/^\d+$/.test(marker)) return undefined;
  const lower = marker === marker.toLowerCase();
  const value = fromRoman(marker);
  if (/^[ivxlcdm]+$/i.test(marker) && value > 0 && (lower ? toRoman(value) : toRoman(value).toUpperCase()) === marker) return lower ? "i" : "I";
  if (/^[a-z]{1,2}$/.test(marker)) return "a";
  if (/^[A-Z]{1,2}$/.test(marker)) return "A";
  return undefined;
}

function markerStart(marker: string, type: string | undefined): number {
  if (type === "i" || type === "I") return fromRoman(marker);
  if (type === "a" || type === "A") {
    const l = marker.toLowerCase();
    return l.length === 1 ? l.charCodeAt(0) - 96 : (l.charCodeAt(0) - 96) * 26 + l.charCodeAt(1) - 96;
  }
  const parsed = parseInt(marker, 10);
  return Number.isNaN(parsed) ? 1 : parsed;
}

function markerOf(type: string | undefined, n: number): string {
  if (type === "a") return toLetters(n);
  if (type === "A") return toLetters(n).toUpperCase();
  if (type === "i") return toRoman(n);
  if (type === "I") return toRoman(n).toUpperCase();
  return String(n);
}

/** The numbered list a pasted plain text is, when every non-blank line is an item with consecutive markers; else null. */
export function pastedOrderedList(text: string) {
  const lines = text.split("\n").filter((line) => line.trim().length > 0);
  const items: { marker: string; text: string }[] = [];
  for (const line of lines) {
    const match = PASTED_LINE.exec(line.trim());
    if (!match) return null;
    items.push({ marker: match[1]!, text: match[3]! });
  }
  if (items.length === 0) return null;
  const type = markerType(items[0]!.marker);
  const start = markerStart(items[0]!.marker, type);
  if (start < 1 || items.some((item, i) => item.marker !== markerOf(type, start + i))) return null;
  const attrs: { type?: string; start?: number } = {};
  if (type) attrs.type = type;
  if (start !== 1) attrs.start = start;
  return {
    type: "orderedList",
    attrs,
    content: items.map((item) => ({ type: ITEM, content: [{ type: "paragraph", content: [{ type: "text", text: item.text }] }] })),
  };
}
