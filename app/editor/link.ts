/**
 * The link mark, ours rather than @tiptap/extension-link: that one finds URLs with linkifyjs (≈ 13 kB gzipped in the
 * editor's JavaScript), while Accord links only what `isSafeHref` accepts, which needs no URL grammar. The schema is
 * the one @tiptap/extension-link made (mark `link`, attributes href, target, rel, class, title; priority 1000,
 * inclusive, not kept on split, exitable), so stored documents and the server's checks are unchanged.
 *
 * Behaviour, as with the configuration Accord gave the Tiptap extension:
 * - typing a space or Enter after a word that is an http:, https: or mailto: URL (alone, or wrapped in () or [])
 *   links it, unless it already has a link;
 * - pasting text links every http:, https: and mailto: URL in it (trailing punctuation left out);
 * - pasting one address over a selection links the selection to it ("example.org" → https://example.org,
 *   "ana@example.org" → mailto:ana@example.org; a bare domain needs "www." or a common ending, see COMMON_TLDS);
 * - `<a href>` parsed from HTML keeps its link only when the href is safe; an unsafe href is rendered empty.
 *
 * Browser-safe: imported by app/editor/extensions.ts, which the server shares.
 */
import {
  combineTransactionSteps,
  findChildrenInRange,
  getChangedRanges,
  Mark,
  markPasteRule,
  mergeAttributes,
  type PasteRuleMatch,
} from "@tiptap/core";
import type { MarkType } from "@tiptap/pm/model";
import { Plugin, PluginKey, type Transaction } from "@tiptap/pm/state";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    link: {
      /** Links the selection; refused (false) when the href is not safe. */
      setLink: (attributes: { href: string; title?: string | null }) => ReturnType;
      /** Removes the link around the selection or caret. */
      unsetLink: () => ReturnType;
    };
  }
}

export interface LinkOptions {
  /** True when an href may be stored and rendered. */
  isAllowedUri: (href: string) => boolean;
  /** Attributes every rendered link carries (rel, target). */
  HTMLAttributes: Record<string, string | null>;
}

/* What browsers and DOMPurify count as white space. */
const WHITESPACE = /[\u0000-\u0020\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000]/;
/** Runs of non-whitespace (words), and the text's last one. */
const WORDS = new RegExp(`[^${WHITESPACE.source.slice(1, -1)}]+`, "g");
const LAST_WORD = new RegExp(`[^${WHITESPACE.source.slice(1, -1)}]+$`);
const URL_WITH_SCHEME = /^(?:https?:\/\/|mailto:)\S+$/i;
const URLS_IN_TEXT = /(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;
const BARE_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,})(?:[/?#]\S*)?$/i;
/* A bare domain is taken for an address only with "www." or one of these endings, so that pasting "Node.js" or
 * "notes.txt" over a selection still replaces it. */
const COMMON_TLDS = new Set(
  ("com org net edu gov int eu info biz app dev io co uk de fr nl be lu ch at it es pt ie se no dk fi is pl cz sk hu si " +
    "hr ro bg gr cy mt ee lv lt ua ca us mx br ar cl au nz jp kr cn tw hk sg in za ng ke ma tn eg il tr ru").split(" "),
);
const BARE_EMAIL = /^[^\s@/:]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;
const PREVENT_AUTOLINK = "preventAutolink";

/** The URL a typed word is, if it is one: the whole word, or its inside when wrapped in () or []. */
export function typedUrl(word: string): { url: string; offset: number } | null {
  const wrapped = (word.startsWith("(") && word.endsWith(")")) || (word.startsWith("[") && word.endsWith("]"));
  const url = wrapped ? word.slice(1, -1) : word;
  const offset = wrapped ? 1 : 0;
  if (!URL_WITH_SCHEME.test(url) || /[.,;:!?'"]$/.test(url)) return null;
  return { url, offset };
}

/** Every http:, https: and mailto: URL in a pasted text, without the punctuation that ends a sentence around it. */
export function urlsInText(text: string): { url: string; index: number }[] {
  const found: { url: string; index: number }[] = [];
  for (const match of text.matchAll(URLS_IN_TEXT)) {
    let url = match[0];
    // Keep a closing bracket the URL opened itself (https://en.wikipedia.org/wiki/Accord_(law)).
    while (TRAILING_PUNCTUATION.test(url)) {
      const last = url[url.length - 1]!;
      const open = last === ")" ? "(" : last === "]" ? "[" : last === "}" ? "{" : null;
      if (open && url.split(open).length > url.split(last).length - 1) break;
      url = url.slice(0, -1);
    }
    found.push({ url, index: match.index });
  }
  return found;
}

/** The href a pasted address means, when the whole pasted text is one address. */
export function pastedAddressHref(text: string): string | null {
  if (URL_WITH_SCHEME.test(text)) return text;
  if (BARE_EMAIL.test(text)) return `mailto:${text}`;
  const domain = BARE_DOMAIN.exec(text);
  if (domain && (/^www\./i.test(text) || COMMON_TLDS.has(domain[1]!.toLowerCase()))) return `https://${text}`;
  return null;
}

/**
 * Links a URL typed before a space or a new paragraph (as @tiptap/extension-link's autolink did): every word followed
 * by whitespace that this change typed. Not only the change's last character: a busy browser may hand ProseMirror
 * several keystrokes as one change (" a" after the address), which must link the address all the same. A space that
 * was there before does not link the word before it when that word is edited.
 */
export function autolink(type: MarkType, isAllowed: (href: string) => boolean): Plugin {
  return new Plugin({
    key: new PluginKey("autolink"),
    appendTransaction: (transactions, oldState, newState) => {
      if (!transactions.some((t) => t.docChanged) || oldState.doc.eq(newState.doc)) return null;
      if (transactions.some((t) => t.getMeta(PREVENT_AUTOLINK))) return null;
      // Another person's change, arriving through Yjs: their editor linked what they typed; linking it here too would
      // write the same link again, in this reader's name.
      if (transactions.some(fromCollaboration)) return null;
      const { tr } = newState;
      for (const { newRange } of getChangedRanges(combineTransactionSteps(oldState.doc, [...transactions]))) {
        const blocks = findChildrenInRange(newState.doc, newRange, (node) => node.isTextblock);
        const block = blocks[0];
        if (!block) continue;
        // The block's text up to the change's end; index i is the document position block.pos + 1 + i.
        const text = newState.doc.textBetween(block.pos, blocks.length > 1 ? block.pos + block.node.nodeSize : newRange.to, undefined, " ");
        // Words ending where the change typed whitespace; Enter splitting a paragraph ends the first one's last word.
        const changedFrom = newRange.from - block.pos - 1;
        const candidates: { word: string; index: number }[] = [];
        for (const match of text.matchAll(WORDS)) {
          const end = match.index + match[0].length;
          if (end >= changedFrom && end < text.length) candidates.push({ word: match[0], index: match.index });
        }
        const last = text.match(LAST_WORD);
        if (blocks.length > 1 && last?.index !== undefined) candidates.push({ word: last[0], index: last.index });
        for (const { word, index } of candidates) {
          const found = typedUrl(word);
          if (!found || !isAllowed(found.url)) continue;
          const from = block.pos + 1 + index + found.offset;
          const to = from + found.url.length;
          if (newState.doc.rangeHasMark(from, to, type)) continue;
          tr.addMark(from, to, type.create({ href: found.url }));
        }
      }
      return tr.steps.length > 0 ? tr : null;
    },
  });
}

/** The Collaboration extension's key (y-prosemirror's ySyncPluginKey) marks a change that came from the Yjs document. */
const Y_SYNC_META = "y-sync$";

function fromCollaboration(transaction: Transaction): boolean {
  const meta = transaction.getMeta(Y_SYNC_META) as { isChangeOrigin?: boolean } | undefined;
  return meta?.isChangeOrigin === true;
}

/** Pasting one address over a selection links the selection to it. */
function linkOnPaste(type: MarkType, isAllowed: (href: string) => boolean): Plugin {
  return new Plugin({
    key: new PluginKey("handlePasteLink"),
    props: {
      handlePaste: (view, _event, slice) => {
        if (view.state.selection.empty) return false;
        let text = "";
        slice.content.forEach((node) => {
          text += node.textContent;
        });
        const href = pastedAddressHref(text);
        if (!href || !isAllowed(href)) return false;
        const { from, to } = view.state.selection;
        view.dispatch(view.state.tr.addMark(from, to, type.create({ href })).setMeta(PREVENT_AUTOLINK, true));
        return true;
      },
    },
  });
}

export const Link = Mark.create<LinkOptions>({
  name: "link",
  priority: 1000,
  keepOnSplit: false,
  exitable: true,
  inclusive: true,

  addOptions() {
    return { isAllowedUri: () => false, HTMLAttributes: {} };
  },

  addAttributes() {
    return {
      href: { default: null, parseHTML: (element) => element.getAttribute("href") },
      target: { default: this.options.HTMLAttributes.target ?? null },
      rel: { default: this.options.HTMLAttributes.rel ?? null },
      class: { default: this.options.HTMLAttributes.class ?? null },
      title: { default: null },
    };
  },

  parseHTML() {
    return [
      {
        tag: "a[href]",
        getAttrs: (dom) => {
          const href = dom.getAttribute("href");
          return href && this.options.isAllowedUri(href) ? null : false;
        },
      },
    ];
  },

  renderHTML({ HTMLAttributes }) {
    const href = HTMLAttributes.href as string | null;
    const safe = typeof href === "string" && this.options.isAllowedUri(href);
    return ["a", mergeAttributes(this.options.HTMLAttributes, { ...HTMLAttributes, href: safe ? href : "" }), 0];
  },

  addCommands() {
    return {
      setLink:
        (attributes) =>
        ({ chain }) =>
          this.options.isAllowedUri(attributes.href) && chain().setMark(this.name, attributes).setMeta(PREVENT_AUTOLINK, true).run(),
      unsetLink:
        () =>
        ({ chain }) =>
          chain().unsetMark(this.name, { extendEmptyMarkRange: true }).setMeta(PREVENT_AUTOLINK, true).run(),
    };
  },

  addPasteRules() {
    return [
      markPasteRule({
        find: (text) =>
          urlsInText(text)
            .filter(({ url }) => this.options.isAllowedUri(url))
            .map(({ url, index }): PasteRuleMatch => ({ text: url, index, data: { href: url } })),
        type: this.type,
        getAttributes: (match) => ({ href: match.data?.href as string }),
      }),
    ];
  },

  addProseMirrorPlugins() {
    return [autolink(this.type, this.options.isAllowedUri), linkOnPaste(this.type, this.options.isAllowedUri)];
  },
});
