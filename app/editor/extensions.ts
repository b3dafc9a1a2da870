/**
 * The one Tiptap extension list shared by the browser editor and the server.
 *
 * Both sides build their ProseMirror schema from `editorExtensions()`, so a
 * document written in the browser always parses, validates and renders the
 * same way on the server. Links are restricted to http:, https: and mailto:
 * everywhere (typing, pasting, parsing HTML and rendering).
 *
 * Browser-safe: this module must not import anything Node-only.
 */
import { getSchema, type Extensions } from "@tiptap/core";
import { Blockquote } from "@tiptap/extension-blockquote";
import { Bold } from "@tiptap/extension-bold";
import { Document } from "@tiptap/extension-document";
import { HardBreak } from "@tiptap/extension-hard-break";
import { Heading } from "@tiptap/extension-heading";
import { HorizontalRule } from "@tiptap/extension-horizontal-rule";
import { Italic } from "@tiptap/extension-italic";
import { ListKeymap } from "@tiptap/extension-list/keymap";
import { Paragraph } from "@tiptap/extension-paragraph";
import { Strike } from "@tiptap/extension-strike";
import { Text } from "@tiptap/extension-text";
import { Dropcursor } from "@tiptap/extensions/drop-cursor";
import { Gapcursor } from "@tiptap/extensions/gap-cursor";
import type { Schema } from "@tiptap/pm/model";
import { Link } from "./link";
import { BulletList, ListItem, OrderedList } from "./lists";
import { ThreadAnchor } from "./thread-anchor";

/** Name of the Y.XmlFragment that Tiptap's Collaboration extension uses by default. */
export const YJS_FIELD = "default";

/** The only URL schemes a link may point to. */
export const SAFE_LINK_PROTOCOLS = ["http:", "https:", "mailto:"] as const;

/** The rel value every rendered link carries. */
export const LINK_REL = "noopener noreferrer nofollow";

/** Heading levels the editor offers. */
export const HEADING_LEVELS = [1, 2, 3] as const;

/** Longest href accepted; longer values are refused rather than truncated. */
export const MAX_HREF_LENGTH = 4096;

/* Browsers strip leading/trailing C0 controls and spaces, and remove tabs and
 * newlines anywhere, before parsing a URL ("java\tscript:" is javascript:). */
const LEADING_TRAILING_C0_OR_SPACE = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
const EXPLICIT_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function isSafeProtocol(protocol: string): boolean {
  return (SAFE_LINK_PROTOCOLS as readonly string[]).includes(protocol);
}

/** Strip what browsers ignore in an href, the way the URL parser does. */
function normaliseHref(href: string): string {
  return href.replace(LEADING_TRAILING_C0_OR_SPACE, "").replace(TAB_OR_NEWLINE, "");
}

/**
 * True when `href` is an absolute http:, https: or mailto: URL.
 * Relative URLs, other schemes (javascript:, data:, vbscript:, file:, …),
 * values with embedded control characters and over-long values are refused.
 */
export function isSafeHref(href: string): boolean {
  if (typeof href !== "string" || href.length > MAX_HREF_LENGTH) return false;
  const cleaned = normaliseHref(href);
  if (cleaned === "" || ANY_CONTROL.test(cleaned) || !EXPLICIT_SCHEME.test(cleaned)) return false;
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    return false;
  }
  if (!isSafeProtocol(url.protocol)) return false;
  if (url.protocol === "mailto:") return url.pathname.length > 0;
  return url.hostname.length > 0;
}

/**
 * The Tiptap extensions of the Accord editor: StarterKit's, in its order, without code, code blocks, underline, undo
 * (collaboration provides it) and the trailing node (it would make every browser, even a viewer's, append an empty
 * paragraph to a document that ends in a heading or list — a write nobody typed). Listed one by one rather than
 * through StarterKit so the browser does not download the extensions left out. The list nodes and the link mark are our
 * own (lists.ts, link.ts), with the schema Tiptap's gave them.
 */
export function editorExtensions(): Extensions {
  return [
    Bold,
    Blockquote,
    BulletList,
    Document,
    Dropcursor,
    Gapcursor,
    HardBreak,
    Heading.configure({ levels: [...HEADING_LEVELS] }),
    HorizontalRule,
    Italic,
    ListItem,
    ListKeymap,
    // Our own link mark (link.ts): the same schema as @tiptap/extension-link's, without linkifyjs.
    Link.configure({
      HTMLAttributes: { rel: LINK_REL, target: "_blank", class: null },
      isAllowedUri: (url: string) => isSafeHref(url),
    }),
    OrderedList,
    Paragraph,
    Strike,
    Text,
    // The anchor of a discussion thread (thread-anchor.ts): written only by the server, never copied or published.
    ThreadAnchor,
  ];
}

let cachedSchema: Schema | undefined;

/** The ProseMirror schema of `editorExtensions()`, built once. */
export function getEditorSchema(): Schema {
  cachedSchema ??= getSchema(editorExtensions());
  return cachedSchema;
}
