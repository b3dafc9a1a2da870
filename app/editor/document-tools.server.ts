/**
 * Server-side document tools (Node only).
 *
 * Converts between Tiptap JSON, ProseMirror nodes and Yjs documents using the
 * one shared schema (`./extensions`), renders documents to HTML without a DOM
 * library, extracts plain text, and validates Yjs documents strictly so the
 * collaboration server can refuse hostile updates.
 */
import * as Y from "yjs";
import {
  DOMSerializer,
  Node as PMNode,
  type Mark,
  type MarkType,
  type NodeType,
  type Schema,
} from "@tiptap/pm/model";
import type { JSONContent } from "@tiptap/core";
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import { HEADING_LEVELS, LINK_REL, YJS_FIELD, getEditorSchema, isSafeHref } from "./extensions";
import { ANCHOR_MARK, THREAD_ID_PATTERN, stripAnchors } from "./thread-anchor";

export type ValidationResult = { ok: true } | { ok: false; reason: string };

/** Deepest element nesting accepted from a Y.Doc (guards the recursive walks). */
export const MAX_NESTING_DEPTH = 48;

class DocumentRejected extends Error {}

function reject(reason: string): never {
  throw new DocumentRejected(reason);
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/* ------------------------------------------------------------------------ */
/* Semantic checks shared by the JSON and Y.Doc paths                        */
/* ------------------------------------------------------------------------ */

const ORDERED_LIST_TYPES = new Set(["1", "a", "A", "i", "I"]);

function checkLinkMark(mark: Mark): void {
  const { href, target, rel, title } = mark.attrs as Record<string, unknown>;
  if (typeof href !== "string" || !isSafeHref(href)) reject(`link href is not an http(s)/mailto URL: ${JSON.stringify(href)}`);
  if (target !== null && target !== "_blank") reject(`link target not allowed: ${JSON.stringify(target)}`);
  if (rel !== null && rel !== LINK_REL) reject(`link rel not allowed: ${JSON.stringify(rel)}`);
  if (mark.attrs.class !== null) reject("link class not allowed");
  if (title !== null && typeof title !== "string") reject("link title must be a string");
}

/** A thread anchor carries exactly one thing: a thread id (a UUID). */
function checkAnchorMark(mark: Mark): void {
  const { threadId } = mark.attrs as Record<string, unknown>;
  if (typeof threadId !== "string" || !THREAD_ID_PATTERN.test(threadId)) reject(`anchor threadId is not a thread id: ${JSON.stringify(threadId)}`);
}

function checkNodeAttrs(node: PMNode): void {
  const name = node.type.name;
  if (name === "heading" && !(HEADING_LEVELS as readonly unknown[]).includes(node.attrs.level)) {
    reject(`heading level not allowed: ${JSON.stringify(node.attrs.level)}`);
  }
  if (name === "orderedList") {
    const { start, type } = node.attrs as Record<string, unknown>;
    if (typeof start !== "number" || !Number.isSafeInteger(start) || start < 0) reject("orderedList start must be a non-negative integer");
    if (type !== null && !(typeof type === "string" && ORDERED_LIST_TYPES.has(type))) reject("orderedList type not allowed");
  }
}

/** Schema validity (content, marks, attributes) plus Accord's stricter rules. Throws DocumentRejected. */
function checkProseMirrorNode(node: PMNode, schema: Schema): void {
  if (node.type !== schema.topNodeType) reject(`top node must be "${schema.topNodeType.name}", got "${node.type.name}"`);
  try {
    node.check();
  } catch (error) {
    reject(`schema check failed: ${errorMessage(error)}`);
  }
  node.descendants((child) => {
    checkAccordRules(child);
    return true;
  });
}

/** Accord's rules beyond the schema, for one node (attributes, link marks). */
function checkAccordRules(node: PMNode): void {
  checkNodeAttrs(node);
  for (const mark of node.marks) {
    if (mark.type.name === "link") checkLinkMark(mark);
    else if (mark.type.name === ANCHOR_MARK) checkAnchorMark(mark);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/* ------------------------------------------------------------------------ */
/* JSON <-> Y.Doc <-> ProseMirror                                            */
/* ------------------------------------------------------------------------ */

/** Parse Tiptap JSON into a ProseMirror doc of the shared schema; throws if it is not valid. */
export function tiptapJsonToProseMirror(json: JSONContent): PMNode {
  const schema = getEditorSchema();
  let node: PMNode;
  try {
    node = PMNode.fromJSON(schema, json);
  } catch (error) {
    throw new Error(`Invalid Tiptap JSON: ${errorMessage(error)}`);
  }
  try {
    checkProseMirrorNode(node, schema);
  } catch (error) {
    throw new Error(`Invalid Tiptap JSON: ${errorMessage(error)}`);
  }
  return node;
}

/** A fresh Y.Doc holding `json` in the YJS_FIELD fragment (validated first). */
export function tiptapJsonToYDoc(json: JSONContent): Y.Doc {
  const node = tiptapJsonToProseMirror(json);
  const doc = new Y.Doc();
  prosemirrorToYXmlFragment(node, doc.getXmlFragment(YJS_FIELD));
  return doc;
}

/** The full Yjs state of `json` as one update (for seeding a new collaborative document). */
export function tiptapJsonToYDocUpdate(json: JSONContent): Uint8Array {
  const doc = tiptapJsonToYDoc(json);
  try {
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * The ProseMirror doc held in `doc`'s YJS_FIELD fragment.
 *
 * Uses y-tiptap's converter, which silently drops elements it cannot build
 * AND deletes them from the Y.Doc while doing so: only call this on documents
 * that passed `validateYDocAgainstSchema`, or on a scratch copy.
 */
export function yDocToProseMirror(doc: Y.Doc): PMNode {
  return yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(YJS_FIELD), getEditorSchema());
}

/** Tiptap JSON of the document held in `doc` (see `yDocToProseMirror`). */
export function yDocToTiptapJson(doc: Y.Doc): JSONContent {
  return yDocToProseMirror(doc).toJSON() as JSONContent;
}

function toProseMirror(input: Y.Doc | PMNode): PMNode {
  return input instanceof Y.Doc ? yDocToProseMirror(input) : input;
}

/* ------------------------------------------------------------------------ */
/* HTML rendering without a DOM library                                      */
/* ------------------------------------------------------------------------ */

type FakeChild = FakeElement | FakeText;

class FakeText {
  readonly nodeType = 3;
  constructor(readonly text: string) {}
}

class FakeContainer {
  readonly childNodes: FakeChild[] = [];

  appendChild(child: FakeChild | FakeFragment): FakeChild | FakeFragment {
    this.childNodes.push(...FakeContainer.unwrap(child));
    return child;
  }

  insertBefore(child: FakeChild | FakeFragment, reference: FakeChild | null): FakeChild | FakeFragment {
    const index = reference ? this.childNodes.indexOf(reference) : -1;
    if (index < 0) return this.appendChild(child);
    this.childNodes.splice(index, 0, ...FakeContainer.unwrap(child));
    return child;
  }

  /** A fragment is replaced by its children when inserted, like the real DOM. */
  private static unwrap(child: FakeChild | FakeFragment): FakeChild[] {
    return child instanceof FakeFragment ? child.childNodes.splice(0) : [child];
  }
}

class FakeFragment extends FakeContainer {
  readonly nodeType = 11;
}

class FakeElement extends FakeContainer {
  readonly nodeType = 1;
  readonly attributes = new Map<string, string>();
  constructor(readonly tagName: string) {
    super();
  }

  setAttribute(name: string, value: unknown): void {
    this.attributes.set(name, String(value));
  }

  setAttributeNS(_namespace: string | null, name: string, value: unknown): void {
    this.setAttribute(name, value);
  }
}

/** Just enough of `document` for ProseMirror's DOMSerializer. */
const fakeDocument = {
  createElement: (tagName: string) => new FakeElement(tagName),
  createElementNS: (_namespace: string | null, tagName: string) => new FakeElement(tagName),
  createTextNode: (text: string) => new FakeText(text),
  createDocumentFragment: () => new FakeFragment(),
};

const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "poster", "cite", "background"]);
const TAG_NAME = /^[a-z][a-z0-9-]*$/i;
const ATTRIBUTE_NAME = /^[a-z_:][a-z0-9_.:-]*$/i;
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape `& < > " '` for use in HTML text or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

function isAllowedAttribute(name: string, value: string): boolean {
  if (!ATTRIBUTE_NAME.test(name) || /^on/i.test(name)) return false;
  if (URL_ATTRIBUTES.has(name.toLowerCase())) return isSafeHref(value);
  return true;
}

function elementAttributes(element: FakeElement): Map<string, string> {
  const attributes = new Map(element.attributes);
  if (element.tagName.toLowerCase() === "a") attributes.set("rel", LINK_REL);
  return attributes;
}

function stringifyAttributes(element: FakeElement): string {
  let html = "";
  for (const [name, value] of elementAttributes(element)) {
    if (isAllowedAttribute(name, value)) html += ` ${name.toLowerCase()}="${escapeHtml(value)}"`;
  }
  return html;
}

function stringifyElement(element: FakeElement): string {
  if (!TAG_NAME.test(element.tagName)) throw new Error(`Refusing to render tag ${JSON.stringify(element.tagName)}`);
  const tag = element.tagName.toLowerCase();
  const open = `<${tag}${stringifyAttributes(element)}>`;
  if (VOID_ELEMENTS.has(tag)) return open;
  return `${open}${stringifyChildren(element.childNodes)}</${tag}>`;
}

function stringifyChildren(children: readonly FakeChild[]): string {
  return children.map((child) => (child instanceof FakeText ? escapeHtml(child.text) : stringifyElement(child))).join("");
}

/**
 * HTML of the document (its content, without a wrapping element), produced
 * only from the schema's toDOM specs. Text and attribute values are escaped,
 * hrefs that fail `isSafeHref` are dropped, links always get rel="noopener noreferrer nofollow".
 */
/** HTML of a document, without thread anchors (they belong to the workshop's discussion, never to a page). */
export function renderDocumentHtml(input: Y.Doc | PMNode): string {
  const node = stripAnchors(toProseMirror(input));
  const root = new FakeFragment();
  DOMSerializer.fromSchema(node.type.schema).serializeFragment(
    node.content,
    { document: fakeDocument as unknown as Document },
    root as unknown as HTMLElement,
  );
  return stringifyChildren(root.childNodes);
}

/* ------------------------------------------------------------------------ */
/* Plain text                                                                */
/* ------------------------------------------------------------------------ */

function inlineText(node: PMNode): string {
  let text = "";
  node.forEach((child) => {
    if (child.isText) text += child.text ?? "";
    else if (child.type.name === "hardBreak") text += "\n";
    else text += child.textContent;
  });
  return text;
}

function indentContinuation(text: string, prefix: string): string {
  const padding = " ".repeat(prefix.length);
  return prefix + text.split("\n").join(`\n${padding}`);
}

function listText(list: PMNode, ordered: boolean): string {
  const start = typeof list.attrs.start === "number" ? list.attrs.start : 1;
  const items: string[] = [];
  list.forEach((item, _offset, index) => {
    const prefix = ordered ? `${start + index}. ` : "- ";
    items.push(indentContinuation(blocksText(item, "\n"), prefix));
  });
  return items.join("\n");
}

function blockText(node: PMNode): string {
  if (node.isTextblock) return inlineText(node);
  switch (node.type.name) {
    case "bulletList":
      return listText(node, false);
    case "orderedList":
      return listText(node, true);
    case "blockquote":
      return blocksText(node, "\n\n").split("\n").map((line) => (line ? `> ${line}` : ">")).join("\n");
    case "horizontalRule":
      return "---";
    default:
      return node.isLeaf ? "" : blocksText(node, "\n\n");
  }
}

function blocksText(node: PMNode, separator: string): string {
  const parts: string[] = [];
  node.forEach((child) => {
    const text = blockText(child);
    if (text.trim() !== "") parts.push(text);
  });
  return parts.join(separator);
}

/**
 * Plain text of the document: blocks separated by a blank line, list items
 * prefixed "- " or "1. ", quotes with "> ", empty blocks left out.
 */
export function documentPlainText(input: Y.Doc | PMNode): string {
  return blocksText(toProseMirror(input), "\n\n");
}

/* ------------------------------------------------------------------------ */
/* Strict validation of a Y.Doc                                              */
/* ------------------------------------------------------------------------ */

type AttributeValue = string | number | boolean | null;

function isAttributeValue(value: unknown): value is AttributeValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  return typeof value === "number" && Number.isFinite(value);
}

function checkedAttributes(values: Record<string, unknown>, allowed: object, what: string): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!hasOwn(allowed, key)) reject(`unknown attribute "${key}" on ${what}`);
    if (!isAttributeValue(value)) reject(`attribute "${key}" on ${what} is not a plain value`);
    result[key] = value;
  }
  return result;
}

const HASHED_MARK_KEY = /^(.*)--[a-zA-Z0-9+/=]{8}$/;

/** y-tiptap stores overlapping marks as "name--hash"; self-excluding marks by plain name. */
function markTypeForKey(schema: Schema, key: string): MarkType {
  if (hasOwn(schema.marks, key)) {
    const type = schema.marks[key];
    if (type && type.excludes(type)) return type;
  }
  const hashed = HASHED_MARK_KEY.exec(key)?.[1];
  if (hashed !== undefined && hasOwn(schema.marks, hashed)) {
    const type = schema.marks[hashed];
    if (type && !type.excludes(type)) return type;
  }
  return reject(`unknown mark "${key}"`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function marksFromFormatting(schema: Schema, formatting: Record<string, unknown> | undefined): Mark[] {
  const marks: Mark[] = [];
  const seen = new Set<MarkType>();
  for (const [key, value] of Object.entries(formatting ?? {})) {
    const type = markTypeForKey(schema, key);
    if (seen.has(type) && type.excludes(type)) reject(`mark "${type.name}" applied twice`);
    seen.add(type);
    if (!isPlainObject(value)) reject(`mark "${key}" attributes are not an object`);
    marks.push(type.create(checkedAttributes(value, type.spec.attrs ?? {}, `mark ${type.name}`)));
  }
  return marks;
}

interface DeltaOp {
  insert?: unknown;
  attributes?: Record<string, unknown>;
}

function textNodesFromYText(schema: Schema, text: Y.XmlText): PMNode[] {
  const nodes: PMNode[] = [];
  for (const op of text.toDelta() as DeltaOp[]) {
    if (typeof op.insert !== "string") reject("text contains an embed, not a string");
    if (op.insert === "") continue;
    nodes.push(schema.text(op.insert, marksFromFormatting(schema, op.attributes)));
  }
  return nodes;
}

function nodeTypeForName(schema: Schema, name: string): NodeType {
  const type = hasOwn(schema.nodes, name) ? schema.nodes[name] : undefined;
  if (!type || type === schema.topNodeType || type.isText) reject(`unknown node "${name}"`);
  return type;
}

function nodeFromYElement(schema: Schema, element: Y.XmlElement, depth: number): PMNode {
  if (depth > MAX_NESTING_DEPTH) reject(`elements nested deeper than ${MAX_NESTING_DEPTH}`);
  const type = nodeTypeForName(schema, element.nodeName);
  const attrs = checkedAttributes(element.getAttributes() as Record<string, unknown>, type.spec.attrs ?? {}, `node ${type.name}`);
  return type.create(attrs, childrenFromYType(schema, element, depth + 1));
}

function childrenFromYType(schema: Schema, parent: Y.XmlFragment, depth: number): PMNode[] {
  const children: PMNode[] = [];
  for (const child of parent.toArray() as unknown[]) {
    if (child instanceof Y.XmlElement) children.push(nodeFromYElement(schema, child, depth));
    else if (child instanceof Y.XmlText) children.push(...textNodesFromYText(schema, child));
    else reject(`unexpected ${describe(child)} in the XML fragment`);
  }
  return children;
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return typeof value;
}

function fragmentOf(doc: Y.Doc): Y.XmlFragment {
  try {
    return doc.getXmlFragment(YJS_FIELD);
  } catch (error) {
    return reject(`"${YJS_FIELD}" is not an XML fragment: ${errorMessage(error)}`);
  }
}

/**
 * Strictly check the YJS_FIELD fragment of `doc` against the shared schema:
 * only known element names, attribute keys and mark keys, only string text,
 * schema-valid content, allowed heading levels, and safe link hrefs.
 * An empty fragment (a brand-new Y.Doc, before the editor writes its first
 * paragraph) is accepted.
 * Never mutates `doc` (it builds its own ProseMirror nodes rather than using
 * y-tiptap's converter, which deletes what it cannot build).
 */
export function validateYDocAgainstSchema(doc: Y.Doc): ValidationResult {
  const schema = getEditorSchema();
  try {
    const fragment = fragmentOf(doc);
    if (fragment.length === 0) return { ok: true };
    const children = childrenFromYType(schema, fragment, 1);
    checkProseMirrorNode(schema.topNodeType.create(null, children), schema);
    return { ok: true };
  } catch (error) {
    if (error instanceof DocumentRejected) return { ok: false, reason: error.message };
    return { ok: false, reason: `invalid document: ${errorMessage(error)}` };
  }
}

/* ------------------------------------------------------------------------ */
/* Validating part of a Y.Doc (after a live update)                          */
/* ------------------------------------------------------------------------ */

/** Elements above `element`, plus one: its depth as validateYDocAgainstSchema counts it. */
function depthOf(element: Y.XmlElement): number {
  let depth = 1;
  for (let parent = element.parent; parent instanceof Y.XmlElement; parent = parent.parent) depth += 1;
  return depth;
}

/**
 * Strictly check one element and everything under it, the way `validateYDocAgainstSchema` checks a whole document:
 * its attributes, its content (children, text, marks) against the schema, and Accord's rules.
 */
export function validateYElement(element: Y.XmlElement): ValidationResult {
  const schema = getEditorSchema();
  try {
    const node = nodeFromYElement(schema, element, depthOf(element));
    try {
      node.check();
    } catch (error) {
      reject(`schema check failed: ${errorMessage(error)}`);
    }
    checkAccordRules(node);
    node.descendants((child) => {
      checkAccordRules(child);
      return true;
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof DocumentRejected) return { ok: false, reason: error.message };
    return { ok: false, reason: `invalid element: ${errorMessage(error)}` };
  }
}

/** A type that is no longer in the document (it, or an element holding it, was deleted). */
function removedFromDocument(type: Y.AbstractType<unknown>): boolean {
  for (let t: Y.AbstractType<unknown> | null = type; t; t = t.parent) if (t._item?.deleted) return true;
  return false;
}

/**
 * Check what one or more transactions changed, not the whole document: for each type in `changed` that is still in
 * the document, the nearest element holding it with everything under it (validateYElement); a change at the top
 * level checks the order of the top-level elements and each new one whole (created after `before`, the state vector
 * before the changes). A typed character costs a check of its paragraph, not of the document.
 */
export function validateChangedParts(doc: Y.Doc, changed: Iterable<Y.AbstractType<unknown>>, before: Map<number, number>): ValidationResult {
  const root = fragmentOf(doc);
  const elements = new Set<Y.XmlElement>();
  let top = false;
  for (const type of changed) {
    if (removedFromDocument(type)) continue;
    let holder: Y.AbstractType<unknown> | null = type;
    while (holder && holder !== root && !(holder instanceof Y.XmlElement)) holder = holder.parent;
    if (holder === root) top = true;
    else if (holder instanceof Y.XmlElement) elements.add(holder);
  }
  const isNew = (element: Y.XmlElement) => {
    const id = element._item?.id;
    return !id || id.clock >= (before.get(id.client) ?? 0);
  };
  if (top) {
    const result = validateYFragmentTop(root, isNew);
    if (!result.ok) return result;
  }
  for (const element of elements) {
    const result = validateYElement(element);
    if (!result.ok) return result;
  }
  return { ok: true };
}

/**
 * Strictly check the top level of the YJS_FIELD fragment: only elements, in an order the document node's content
 * allows (an empty fragment is accepted); children for which `isNew` says so are checked whole (validateYElement),
 * the others only by their node type.
 */
export function validateYFragmentTop(fragment: Y.XmlFragment, isNew: (element: Y.XmlElement) => boolean): ValidationResult {
  const schema = getEditorSchema();
  try {
    if (fragment.length === 0) return { ok: true };
    let match = schema.topNodeType.contentMatch;
    for (const child of fragment.toArray() as unknown[]) {
      if (!(child instanceof Y.XmlElement)) reject(`unexpected ${describe(child)} at the top of the document`);
      const type = nodeTypeForName(schema, child.nodeName);
      const next = match.matchType(type);
      if (!next) reject(`"${type.name}" is not allowed at the top of the document there`);
      match = next;
      if (isNew(child)) {
        const result = validateYElement(child);
        if (!result.ok) return result;
      }
    }
    if (!match.validEnd) reject("the document's content is incomplete");
    return { ok: true };
  } catch (error) {
    if (error instanceof DocumentRejected) return { ok: false, reason: error.message };
    return { ok: false, reason: `invalid document: ${errorMessage(error)}` };
  }
}
