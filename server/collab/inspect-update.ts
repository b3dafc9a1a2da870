/**
 * Inspect a Yjs update before it may touch a document: which client IDs wrote it, and whether everything it
 * inserts fits the editor's schema (app/editor/extensions.ts). This runs on the update bytes alone (no copy of
 * the document), so it is cheap enough for every message.
 *
 * Whether the document stays valid as a whole once an update is applied is checked by whole-document.ts.
 *
 * Refused: root types other than the editor's field; elements whose name is not a node of the schema; text
 * formatting that is not a mark of the schema; links whose href is not http(s)/mailto; embeds, binary, JSON,
 * sub-documents and plain arrays/maps (the editor never writes them); malformed or truncated bytes.
 */
import * as Y from "yjs";
import { getEditorSchema, isSafeHref, YJS_FIELD } from "../../app/editor/extensions";
import { ANCHOR_MARK, THREAD_ID_PATTERN } from "../../app/editor/thread-anchor";

/** What an update deletes (Yjs's delete set), as `Y.decodeUpdate` reads it. */
export type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/** `inserts`: the update carries structs (it may add content); without, it only deletes. */
export type Inspection = { ok: true; clients: Set<number>; deletes: DeleteSet; empty: boolean; inserts: boolean } | { ok: false; reason: string };

let nodeNames: Set<string> | null = null;
let markNames: Set<string> | null = null;
function schemaNames(): { nodes: Set<string>; marks: Set<string> } {
  if (!nodeNames || !markNames) {
    const schema = getEditorSchema();
    nodeNames = new Set(Object.keys(schema.nodes).filter((n) => n !== "doc" && n !== "text"));
    markNames = new Set(Object.keys(schema.marks));
  }
  return { nodes: nodeNames, marks: markNames };
}

/** y-tiptap keys marks that may overlap themselves (only the thread anchor) as "name--<hash of the attributes>". */
const HASHED_ANCHOR_KEY = new RegExp(`^${ANCHOR_MARK}--[a-zA-Z0-9+/=]{8}$`);

function inspectFormat(content: Y.ContentFormat, marks: Set<string>): string | null {
  const anchor = content.key === ANCHOR_MARK || HASHED_ANCHOR_KEY.test(content.key);
  if (!anchor && !marks.has(content.key)) return `unknown mark "${String(content.key).slice(0, 40)}"`;
  const value = content.value as unknown;
  if (value === null) return null;
  if (typeof value !== "object") return `mark "${content.key}" has a non-object value`;
  if (anchor) {
    const threadId = (value as { threadId?: unknown }).threadId;
    if (typeof threadId !== "string" || !THREAD_ID_PATTERN.test(threadId)) return "anchor without a thread id";
  }
  if (content.key === "link") {
    const href = (value as { href?: unknown }).href;
    if (typeof href !== "string" || !isSafeHref(href)) return "link with an unsafe or missing href";
  }
  return null;
}

function inspectItem(item: Y.Item, names: { nodes: Set<string>; marks: Set<string> }): string | null {
  const parent = item.parent as unknown; // decoded structs carry a root name (string), an ID, or null
  if (typeof parent === "string" && parent !== YJS_FIELD) return `write to unknown root "${parent.slice(0, 40)}"`;
  const content = item.content;
  if (content instanceof Y.ContentString || content instanceof Y.ContentDeleted) return null;
  if (content instanceof Y.ContentFormat) return inspectFormat(content, names.marks);
  if (content instanceof Y.ContentType) {
    const type = content.type;
    if (type instanceof Y.XmlElement) return names.nodes.has(type.nodeName) ? null : `unknown node "${String(type.nodeName).slice(0, 40)}"`;
    if (type instanceof Y.XmlText && !(type instanceof Y.XmlHook)) return null;
    return "a shared type the editor never writes";
  }
  if (content instanceof Y.ContentAny && item.parentSub !== null) {
    // An attribute of an element (heading level, link target, list start…): values must be plain and safe.
    for (const value of content.arr as unknown[]) {
      if (value !== null && typeof value === "object") return `attribute "${item.parentSub}" is not a plain value`;
      if (typeof value === "string" && /href|src/i.test(item.parentSub) && !isSafeHref(value)) return "unsafe URL attribute";
    }
    return null;
  }
  if (content instanceof Y.ContentAny && item.parent === null) {
    // A new value of an existing attribute (a heading's level changed): the update names its previous value, not its
    // element or key. Which element and key it lands on is known once applied: whole-document.ts checks it there.
    for (const value of content.arr as unknown[]) if (value !== null && typeof value === "object") return "an attribute that is not a plain value";
    return null;
  }
  return `content the editor never writes (${content.constructor.name})`;
}

export function inspectUpdate(update: Uint8Array): Inspection {
  let decoded: { structs: Array<Y.Item | Y.GC | Y.Skip>; ds: DeleteSet };
  try {
    decoded = Y.decodeUpdate(update) as typeof decoded;
  } catch {
    return { ok: false, reason: "malformed update" };
  }
  const names = schemaNames();
  const clients = new Set<number>();
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue;
    clients.add(struct.id.client);
    if (struct instanceof Y.Item) {
      const problem = inspectItem(struct, names);
      if (problem) return { ok: false, reason: problem };
    }
  }
  return { ok: true, clients, deletes: decoded.ds, empty: decoded.structs.length === 0 && decoded.ds.clients.size === 0, inserts: decoded.structs.length > 0 };
}
