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

  current(): ProseMirrorOf {
    const meta: Meta = { mapping: new Map(), isOMark: new Map() };
    const children: PMNode[] = [];
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
      for (const [type, node] of block.mapping) meta.mapping.set(type, node);
      for (const [mark, overlapping] of block.isOMark) meta.isOMark.set(mark, overlapping);
      if (block.node) children.push(block.node);
    }
    // Blocks deleted from the document leave the cache.
    if (this.blocks.size > present.size) for (const element of this.blocks.keys()) if (!present.has(element)) this.blocks.delete(element);
    const doc = this.schema.topNodeType.create(null, Fragment.fromArray(children));
    return { doc, mapping: meta.mapping, meta };
  }
}

const views = new WeakMap<Y.Doc, ProseMirrorView>();

/** The document as y-tiptap's ProseMirror node, with the mapping between the two; reuses what did not change. */
export function proseMirrorViewOf(ydoc: Y.Doc): ProseMirrorOf {
  let view = views.get(ydoc);
  if (!view) views.set(ydoc, (view = new ProseMirrorView(ydoc)));
  return view.current();
}
