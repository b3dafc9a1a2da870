/**
 * y-tiptap's ProseMirror view of a Y.Doc, kept up to date block by block (issue 13's benchmark: rebuilding the whole
 * 300-paragraph document for every new thread, and again for every relayed thread event, was most of a thread's
 * server time).
 *
 * The first call converts the document as `initProseMirrorDoc` does, one top-level block at a time, and keeps each
 * block's node with its part of the mapping (Y type → ProseMirror node) that `updateYFragment` and relative positions
 * need. Yjs lists, after each transaction, the types it changed and their parents: the top-level block holding each
 * of them is dropped from the cache, so the next call converts only those blocks and reuses the others' nodes (which
 * are immutable). A transaction that happens while a block is being converted (y-tiptap itself may delete a node it
 * cannot build) leaves that block out of the cache.
 */
import type * as Y from "yjs";
import type { Node as PMNode, Schema } from "@tiptap/pm/model";
import { Fragment } from "@tiptap/pm/model";
import { initProseMirrorDoc, type updateYFragment } from "@tiptap/y-tiptap";
import { getEditorSchema, YJS_FIELD } from "../editor/extensions";

type Meta = Parameters<typeof updateYFragment>[3];

interface Block {
  node: PMNode | null;
  mapping: Meta["mapping"];
  isOMark: Meta["isOMark"];
}

export interface ProseMirrorOf {
  doc: PMNode;
  mapping: Meta["mapping"];
  meta: Meta;
}

class ProseMirrorView {
  private readonly blocks = new Map<Y.AbstractType<unknown>, Block>();
  /** Bumped by every transaction on the document: a block converted across one is not kept. */
  private generation = 0;
  private readonly fragment: Y.XmlFragment;
  private readonly schema: Schema;
  /** The last document built, at the generation it was built at (read-only callers take it again until a change). */
  private lastDoc: { generation: number; doc: PMNode } | null = null;

  constructor(ydoc: Y.Doc) {
    this.fragment = ydoc.getXmlFragment(YJS_FIELD);
    this.schema = getEditorSchema();
    ydoc.on("afterTransaction", (transaction: Y.Transaction) => this.forget(transaction));
  }

  private forget(transaction: Y.Transaction): void {
    this.generation++;
    if (this.blocks.size === 0) return;
    const drop = (type: Y.AbstractType<unknown>) => {
      let block: Y.AbstractType<unknown> | null = type;
      while (block && block.parent !== this.fragment) block = block.parent as Y.AbstractType<unknown> | null;
      if (block) this.blocks.delete(block);
    };
    for (const type of transaction.changed.keys()) drop(type as Y.AbstractType<unknown>);
    for (const type of transaction.changedParentTypes.keys()) drop(type as Y.AbstractType<unknown>);
  }

  /** Every top-level block, converted where the cache did not hold it. */
  private currentBlocks(): Block[] {
    const blocks: Block[] = [];
    const present = new Set<Y.AbstractType<unknown>>();
    for (const element of this.fragment.toArray() as Y.AbstractType<unknown>[]) {
      present.add(element);
      let block = this.blocks.get(element);
      if (!block) {
        const before = this.generation;
        // One block as a document of its own: the same conversion, the same mapping entries.
        const converted = initProseMirrorDoc({ toArray: () => [element] } as unknown as Y.XmlFragment, this.schema);
        block = { node: converted.doc.firstChild, mapping: converted.meta.mapping, isOMark: converted.meta.isOMark };
        if (this.generation === before) this.blocks.set(element, block);
      }
      blocks.push(block);
    }
    // Blocks deleted from the document leave the cache.
    if (this.blocks.size > present.size) for (const element of this.blocks.keys()) if (!present.has(element)) this.blocks.delete(element);
    return blocks;
  }

  private docOf(blocks: Block[], generation: number): PMNode {
    const doc = this.schema.topNodeType.create(null, Fragment.fromArray(blocks.flatMap((b) => (b.node ? [b.node] : []))));
    if (this.generation === generation) this.lastDoc = { generation, doc };
    return doc;
  }

  /** The document only (ProseMirror nodes are immutable: the same one until the Y.Doc changes). */
  doc(): PMNode {
    if (this.lastDoc?.generation === this.generation) return this.lastDoc.doc;
    const generation = this.generation;
    return this.docOf(this.currentBlocks(), generation);
  }

  /** The document with a fresh mapping (updateYFragment adds to it), for changes and relative positions. */
  current(): ProseMirrorOf {
    const generation = this.generation;
    const blocks = this.currentBlocks();
    const meta: Meta = { mapping: new Map(), isOMark: new Map() };
    for (const block of blocks) {
      for (const [type, node] of block.mapping) meta.mapping.set(type, node);
      for (const [mark, overlapping] of block.isOMark) meta.isOMark.set(mark, overlapping);
    }
    const doc = this.lastDoc?.generation === generation ? this.lastDoc.doc : this.docOf(blocks, generation);
    return { doc, mapping: meta.mapping, meta };
  }
}

const views = new WeakMap<Y.Doc, ProseMirrorView>();

function viewOf(ydoc: Y.Doc): ProseMirrorView {
  let view = views.get(ydoc);
  if (!view) views.set(ydoc, (view = new ProseMirrorView(ydoc)));
  return view;
}

/** The document as y-tiptap's ProseMirror node, with the mapping between the two; reuses what did not change. */
export function proseMirrorViewOf(ydoc: Y.Doc): ProseMirrorOf {
  return viewOf(ydoc).current();
}

/** The document as y-tiptap's ProseMirror node, for reading only: the same node until the Y.Doc changes. */
export function proseMirrorDocOf(ydoc: Y.Doc): PMNode {
  return viewOf(ydoc).doc();
}
