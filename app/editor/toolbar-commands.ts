/**
 * What the editor's toolbar can do: each command's visible text, accessible name and keyboard hint, and whether it
 * sits on the toolbar itself or in its "More" menu (the rarer ones, so the toolbar stays one row in the document
 * column). A command's accessible name always contains its visible text (WCAG 2.5.3): a speech user who says
 * "click H1" or "click List" reaches it. `glyph` is decoration shown before the text and hidden from the name.
 */
import type { Editor } from "@tiptap/core";
import type { Translate } from "../i18n/instance";
import { isSafeHref } from "./extensions";

/** What the toolbar needs to know about the selection to show pressed and disabled states. */
export interface ToolbarState {
  bold: boolean;
  italic: boolean;
  strike: boolean;
  heading1: boolean;
  heading2: boolean;
  heading3: boolean;
  bulletList: boolean;
  orderedList: boolean;
  blockquote: boolean;
  link: boolean;
  canUndo: boolean;
  canRedo: boolean;
}

export function readToolbarState(editor: Editor): ToolbarState {
  return {
    bold: editor.isActive("bold"),
    italic: editor.isActive("italic"),
    strike: editor.isActive("strike"),
    heading1: editor.isActive("heading", { level: 1 }),
    heading2: editor.isActive("heading", { level: 2 }),
    heading3: editor.isActive("heading", { level: 3 }),
    bulletList: editor.isActive("bulletList"),
    orderedList: editor.isActive("orderedList"),
    blockquote: editor.isActive("blockquote"),
    link: editor.isActive("link"),
    canUndo: editor.can().undo(),
    canRedo: editor.can().redo(),
  };
}

/** A command's words in the page's language. */
export interface CommandWords {
  /** The accessible name; contains `text`. */
  label: string;
  /** The words shown. */
  text: string;
  /** The tooltip: the name and its keyboard shortcut. */
  title: string;
}

export interface ToolbarCommand {
  /** Stable name (React key, tests). */
  id: string;
  words: (t: Translate) => CommandWords;
  /** A symbol shown before the text, hidden from assistive technology. */
  glyph?: string;
  /** Toggles say whether the format is on; actions have no `pressed`. */
  pressed?: keyof ToolbarState;
  enabled?: keyof ToolbarState;
  /** Starts a new group on the toolbar (a little space before it). */
  groupStart?: boolean;
  /** Runs the command; may return words to show (a refused link). */
  run: (editor: Editor, t: Translate) => unknown;
}

const words = (label: string, text: string, title: string): CommandWords => ({ label, text, title });

/** On the toolbar, in this order. */
export const TOOLBAR_COMMANDS: ToolbarCommand[] = [
  { id: "bold", words: (t) => words(t("editor:toolbar.bold.label"), t("editor:toolbar.bold.text"), t("editor:toolbar.bold.title")), pressed: "bold", run: (e) => e.chain().focus().toggleBold().run() },
  { id: "italic", words: (t) => words(t("editor:toolbar.italic.label"), t("editor:toolbar.italic.text"), t("editor:toolbar.italic.title")), pressed: "italic", run: (e) => e.chain().focus().toggleItalic().run() },
  { id: "heading1", words: (t) => words(t("editor:toolbar.heading1.label"), "H1", t("editor:toolbar.heading1.title")), pressed: "heading1", groupStart: true, run: (e) => e.chain().focus().toggleHeading({ level: 1 }).run() },
  { id: "heading2", words: (t) => words(t("editor:toolbar.heading2.label"), "H2", t("editor:toolbar.heading2.title")), pressed: "heading2", run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
  { id: "bulletList", words: (t) => words(t("editor:toolbar.bulletList.label"), t("editor:toolbar.bulletList.text"), t("editor:toolbar.bulletList.title")), glyph: "•", pressed: "bulletList", groupStart: true, run: (e) => e.chain().focus().toggleBulletList().run() },
  { id: "orderedList", words: (t) => words(t("editor:toolbar.orderedList.label"), t("editor:toolbar.orderedList.text"), t("editor:toolbar.orderedList.title")), glyph: "1.", pressed: "orderedList", run: (e) => e.chain().focus().toggleOrderedList().run() },
  { id: "link", words: (t) => words(t("editor:toolbar.link.label"), t("editor:toolbar.link.text"), t("editor:toolbar.link.title")), pressed: "link", run: (e, t) => editLink(e, t) },
  { id: "undo", words: (t) => words(t("editor:toolbar.undo.label"), t("editor:toolbar.undo.text"), t("editor:toolbar.undo.title")), enabled: "canUndo", groupStart: true, run: (e) => e.commands.undo() },
  { id: "redo", words: (t) => words(t("editor:toolbar.redo.label"), t("editor:toolbar.redo.text"), t("editor:toolbar.redo.title")), enabled: "canRedo", run: (e) => e.commands.redo() },
];

/** In the "More" menu, in this order: the visible text is the whole name. */
export const MORE_COMMANDS: ToolbarCommand[] = [
  { id: "strike", words: (t) => words(t("editor:toolbar.strike.label"), t("editor:toolbar.strike.label"), "Ctrl+Shift+S"), pressed: "strike", run: (e) => e.chain().focus().toggleStrike().run() },
  { id: "heading3", words: (t) => words(t("editor:toolbar.heading3.label"), t("editor:toolbar.heading3.label"), "Ctrl+Alt+3"), pressed: "heading3", run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
  { id: "blockquote", words: (t) => words(t("editor:toolbar.blockquote.label"), t("editor:toolbar.blockquote.label"), t("editor:toolbar.blockquote.title")), pressed: "blockquote", run: (e) => e.chain().focus().toggleBlockquote().run() },
  { id: "horizontalRule", words: (t) => words(t("editor:toolbar.horizontalRule.label"), t("editor:toolbar.horizontalRule.label"), t("editor:toolbar.horizontalRule.title")), run: (e) => e.chain().focus().setHorizontalRule().run() },
];

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/;

/** "example.org" means https://example.org and "ana@example.org" means mailto:ana@example.org. */
export function withDefaultScheme(value: string): string {
  if (HAS_SCHEME.test(value)) return value;
  return EMAIL.test(value) ? `mailto:${value}` : `https://${value}`;
}

/** Asks for an address and links the selection (or inserts the address as a link). Returns a refusal, or null. */
function editLink(editor: Editor, t: Translate): string | null {
  const previous = editor.getAttributes("link").href as string | undefined;
  const input = window.prompt(t("editor:toolbar.link.prompt"), previous ?? "https://");
  if (input === null) return null;
  const value = input.trim();
  if (value === "" || value === "https://") {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    return null;
  }
  const href = withDefaultScheme(value);
  if (!isSafeHref(href)) return t("editor:toolbar.link.refused");
  if (editor.state.selection.empty && !editor.isActive("link")) {
    editor
      .chain()
      .focus()
      .insertContent({ type: "text", text: value, marks: [{ type: "link", attrs: { href } }] })
      .unsetMark("link")
      .run();
  } else {
    editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
  }
  return null;
}
