/**
 * The anchor of a discussion thread: a mark in the document carrying only the thread's id (issue 13).
 *
 * - Only the server writes it (app/threads/*.server.ts), in the same transaction as the thread row; browsers never
 *   add or remove it (commenters cannot write the document at all).
 * - Overlapping threads are allowed (`excludes: ""`: y-tiptap stores each as "anchor--<hash>"), and it is not
 *   inclusive at its edges: typing just before or after the marked words does not extend it.
 * - It is never copied: it has no HTML parse rule (pasted HTML cannot create one) and pasted slices are stripped of
 *   it, so a cut and paste orphans the thread instead of duplicating its anchor.
 * - It is never published: the canonical text ignores marks, and the server's HTML rendering drops it
 *   (renderDocumentHtml), so no thread id reaches a public page.
 *
 * Browser-safe: this module must not import anything Node-only.
 */
import { Mark, mergeAttributes } from "@tiptap/core";
import { Plugin, PluginKey } from "@tiptap/pm/state";
import { Fragment, Slice, type Node as PMNode, type Schema } from "@tiptap/pm/model";

/** The mark's name in the schema and in Tiptap JSON (`{type: "anchor", attrs: {threadId}}`). */
export const ANCHOR_MARK = "anchor";

/** Thread ids are UUIDs (the database's `gen_random_uuid()`); an anchor carrying anything else is refused. */
export const THREAD_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The HTML attribute the editor's rendering of an anchor carries (the editor's highlights find threads by it). */
export const ANCHOR_ATTRIBUTE = "data-thread-id";

/** `fragment` without any anchor mark. */
export function stripAnchorsFromFragment(fragment: Fragment, schema: Schema): Fragment {
  const type = schema.marks[ANCHOR_MARK];
  if (!type) return fragment;
  const children: PMNode[] = [];
  fragment.forEach((child) => {
    let node = child;
    if (node.isText) node = node.mark(type.removeFromSet(node.marks));
    else if (node.content.size > 0) node = node.copy(stripAnchorsFromFragment(node.content, schema));
    children.push(node);
  });
  return Fragment.fromArray(children);
}

/** A document (or any node) without any anchor mark. */
export function stripAnchors(node: PMNode): PMNode {
  if (node.isText) {
    const type = node.type.schema.marks[ANCHOR_MARK];
    return type ? node.mark(type.removeFromSet(node.marks)) : node;
  }
  return node.copy(stripAnchorsFromFragment(node.content, node.type.schema));
}

const stripPluginKey = new PluginKey("threadAnchorNeverCopied");

function withoutAnchors(slice: Slice, schema: Schema): Slice {
  return new Slice(stripAnchorsFromFragment(slice.content, schema), slice.openStart, slice.openEnd);
}

/** The editor plugin that strips anchors from whatever is copied or pasted. */
export function anchorsNeverCopiedPlugin(): Plugin {
  return new Plugin({
    key: stripPluginKey,
    props: {
      transformPasted: (slice, view) => withoutAnchors(slice, view.state.schema),
      transformCopied: (slice, view) => withoutAnchors(slice, view.state.schema),
    },
  });
}

export const ThreadAnchor = Mark.create({
  name: ANCHOR_MARK,
  inclusive: false,
  excludes: "",
  spanning: true,

  addAttributes() {
    return {
      threadId: {
        default: null,
        parseHTML: () => null,
        renderHTML: (attributes: { threadId?: unknown }) =>
          typeof attributes.threadId === "string" ? { [ANCHOR_ATTRIBUTE]: attributes.threadId } : {},
      },
    };
  },

  // No parse rule: pasted or loaded HTML never creates an anchor.
  parseHTML() {
    return [];
  },

  renderHTML({ HTMLAttributes }) {
    return ["span", mergeAttributes({ class: "thread-anchor" }, HTMLAttributes), 0];
  },

  addProseMirrorPlugins() {
    return [anchorsNeverCopiedPlugin()];
  },
});
