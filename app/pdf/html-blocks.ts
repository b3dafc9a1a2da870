/**
 * A published version's sealed HTML (published_versions.html, rendered from its Tiptap JSON by the editor's own schema
 * at publishing, so only the schema's elements and escaped text) as a tree of blocks with styled runs, for the PDF.
 * Pure, no DOM. Whitespace collapses as a browser would; an element outside the schema keeps its text (its children are
 * read as if it were not there), so nothing that the web page shows is lost from the PDF.
 */

export interface Run {
  text: string;
  bold: boolean;
  italic: boolean;
  strike: boolean;
  underline: boolean;
  /** An http(s)/mailto link's target (only as the sealed HTML holds it). */
  link: string | null;
}

export type Block =
  | { type: "heading"; level: 1 | 2 | 3; runs: Run[] }
  | { type: "paragraph"; runs: Run[] }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "quote"; blocks: Block[] }
  | { type: "rule" };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

interface Element {
  tag: string;
  attrs: Record<string, string>;
  children: Node[];
}
type Node = Element | string;

const VOID = new Set(["br", "hr", "img", "wbr", "input", "meta", "link", "col", "area", "base", "source", "track", "embed"]);
const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>|([^<]+)|</g;
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

const BLOCK_TAGS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "div", "pre"]);
const PARAGRAPH_LIKE = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6"]);

/** A forgiving tree builder: unmatched closing tags are ignored, open elements are closed at the end. */
function parse(html: string): Element {
  const root: Element = { tag: "#root", attrs: {}, children: [] };
  const stack: Element[] = [root];
  for (const m of html.matchAll(TOKEN)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined || m[0] === "<") {
      top.children.push(decodeEntities(m[5] ?? "<"));
      continue;
    }
    if (m[2] === undefined) continue; // a comment
    const tag = m[2].toLowerCase();
    if (m[1] === "/") {
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
      continue;
    }
    if (BLOCK_TAGS.has(tag)) {
      // A block closes the inline elements (and the paragraph) left open around it, as a browser's parser does.
      while (stack.length > 1) {
        const open = stack[stack.length - 1]!.tag;
        if (BLOCK_TAGS.has(open) && !(PARAGRAPH_LIKE.has(open) && tag !== "li")) break;
        stack.pop();
      }
    }
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? "").matchAll(ATTRIBUTE)) attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? "");
    const element: Element = { tag, attrs, children: [] };
    stack[stack.length - 1]!.children.push(element);
    if (!VOID.has(tag) && m[4] !== "/") stack.push(element);
  }
  return root;
}

interface Marks {
  bold: boolean;
  italic: boolean;
  strike: boolean;
  underline: boolean;
  link: string | null;
}
const PLAIN: Marks = { bold: false, italic: false, strike: false, underline: false, link: null };

const isBlock = (n: Node) => typeof n !== "string" && BLOCK_TAGS.has(n.tag);

function marksOf(tag: string, attrs: Record<string, string>, outer: Marks): Marks {
  switch (tag) {
    case "strong":
    case "b":
      return { ...outer, bold: true };
    case "em":
    case "i":
      return { ...outer, italic: true };
    case "s":
    case "del":
    case "strike":
      return { ...outer, strike: true };
    case "u":
      return { ...outer, underline: true };
    case "a":
      return { ...outer, link: /^(https?:|mailto:)/i.test(attrs.href ?? "") ? attrs.href! : outer.link };
    default:
      return outer;
  }
}

function collectRuns(nodes: Node[], marks: Marks, out: Run[]): void {
  for (const node of nodes) {
    if (typeof node === "string") out.push({ text: node, ...marks });
    else if (node.tag === "br") out.push({ text: "\n", ...marks });
    else collectRuns(node.children, marksOf(node.tag, node.attrs, marks), out);
  }
}

/** Collapse whitespace as HTML does (a hard break stays a line break), merge runs that look the same, drop empty ones. */
export function normaliseRuns(runs: Run[]): Run[] {
  const out: Run[] = [];
  let atLineStart = true;
  for (const run of runs) {
    let text = run.text === "\n" ? "\n" : run.text.replace(/[ \t\r\n\f]+/g, " ");
    if (atLineStart) text = text.replace(/^ +/, "");
    if (text === "") continue;
    atLineStart = text.endsWith(" ") || text.endsWith("\n");
    const last = out[out.length - 1];
    if (last && last.bold === run.bold && last.italic === run.italic && last.strike === run.strike && last.underline === run.underline && last.link === run.link) {
      last.text += text;
    } else {
      out.push({ ...run, text });
    }
  }
  const last = out[out.length - 1];
  if (last) {
    last.text = last.text.replace(/ +$/, "");
    if (last.text === "") out.pop();
  }
  for (const run of out) run.text = run.text.replace(/ *\n */g, "\n");
  return out;
}

const runsOf = (nodes: Node[]) => normaliseRuns((() => { const r: Run[] = []; collectRuns(nodes, PLAIN, r); return r; })());

function blocksOf(nodes: Node[]): Block[] {
  const blocks: Block[] = [];
  let inline: Node[] = [];
  const flush = () => {
    const runs = runsOf(inline);
    if (runs.length > 0) blocks.push({ type: "paragraph", runs });
    inline = [];
  };
  for (const node of nodes) {
    if (!isBlock(node)) {
      inline.push(node);
      continue;
    }
    flush();
    const el = node as Element;
    switch (el.tag) {
      case "h1":
      case "h2":
      case "h3":
      case "h4":
      case "h5":
      case "h6": {
        const runs = runsOf(el.children);
        if (runs.length > 0) blocks.push({ type: "heading", level: Math.min(3, Number(el.tag[1])) as 1 | 2 | 3, runs });
        break;
      }
      case "ul":
      case "ol": {
        const items = el.children.filter((c): c is Element => typeof c !== "string" && c.tag === "li").map((li) => blocksOf(li.children));
        const start = Number.parseInt(el.attrs.start ?? "1", 10);
        if (items.length > 0) blocks.push({ type: "list", ordered: el.tag === "ol", start: Number.isSafeInteger(start) && start >= 0 ? start : 1, items });
        break;
      }
      case "blockquote": {
        const inner = blocksOf(el.children);
        if (inner.length > 0) blocks.push({ type: "quote", blocks: inner });
        break;
      }
      case "hr":
        blocks.push({ type: "rule" });
        break;
      default: {
        // p, div, pre, a stray li: its inline content is a paragraph, its block content stays blocks.
        if (el.children.some(isBlock)) blocks.push(...blocksOf(el.children));
        else {
          const runs = runsOf(el.children);
          if (runs.length > 0) blocks.push({ type: "paragraph", runs });
        }
      }
    }
  }
  flush();
  return blocks;
}

/** The blocks of a sealed HTML fragment. */
export function htmlToBlocks(html: string): Block[] {
  return blocksOf(parse(html).children);
}

/** The plain text of some runs (for measuring, titles). */
export const runsText = (runs: Run[]) => runs.map((r) => r.text).join("");
