/**
 * What the editor's toolbar can do: each command's visible text, accessible name and keyboard hint, and whether it
 * sits on the toolbar itself or in its "More" menu (the rarer ones, so the toolbar stays one row in the document
 * column). A command's accessible name always contains its visible text (WCAG 2.5.3): a speech user who says
 * "click H1" or "click List" reaches it. `glyph` is decoration shown before the text and hidden from the name.
 */
import type { Editor } from "@tiptap/core";
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

export interface ToolbarCommand {
  /** The accessible name; contains `text`. */
  label: string;
  /** The words shown. */
  text: string;
  /** A symbol shown before the text, hidden from assistive technology. */
  glyph?: string;
  /** The tooltip: the name and its keyboard shortcut. */
  title: string;
  /** Toggles say whether the format is on; actions have no `pressed`. */
  pressed?: keyof ToolbarState;
  enabled?: keyof ToolbarState;
  /** Starts a new group on the toolbar (a little space before it). */
  groupStart?: boolean;
  /** Runs the command; may return words to show (a refused link). */
  run: (editor: Editor) => unknown;
}

/** On the toolbar, in this order. */
export const TOOLBAR_COMMANDS: ToolbarCommand[] = [
  { label: "Bold", text: "B", title: "Bold (Ctrl+B)", pressed: "bold", run: (e) => e.chain().focus().toggleBold().run() },
  { label: "Italic", text: "I", title: "Italic (Ctrl+I)", pressed: "italic", run: (e) => e.chain().focus().toggleItalic().run() },
  { label: "H1 heading", text: "H1", title: "Heading 1 (Ctrl+Alt+1)", pressed: "heading1", groupStart: true, run: (e) => e.chain().focus().toggleHeading({ level: 1 }).run() },
  { label: "H2 heading", text: "H2", title: "Heading 2 (Ctrl+Alt+2)", pressed: "heading2", run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
  { label: "Bullet list", glyph: "•", text: "List", title: "Bullet list (Ctrl+Shift+8)", pressed: "bulletList", groupStart: true, run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: "Numbered list", glyph: "1.", text: "List", title: "Numbered list (Ctrl+Shift+7)", pressed: "orderedList", run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: "Link", text: "Link", title: "Link (asks for the address)", pressed: "link", run: (e) => editLink(e) },
  { label: "Undo", text: "Undo", title: "Undo your last change (Ctrl+Z)", enabled: "canUndo", groupStart: true, run: (e) => e.commands.undo() },
  { label: "Redo", text: "Redo", title: "Redo (Ctrl+Shift+Z)", enabled: "canRedo", run: (e) => e.commands.redo() },
];

/** In the "More" menu, in this order: the visible text is the whole name. */
export const MORE_COMMANDS: ToolbarCommand[] = [
  { label: "Strikethrough", text: "Strikethrough", title: "Ctrl+Shift+S", pressed: "strike", run: (e) => e.chain().focus().toggleStrike().run() },
  { label: "Heading 3", text: "Heading 3", title: "Ctrl+Alt+3", pressed: "heading3", run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
  { label: "Quote", text: "Quote", title: "Blockquote (Ctrl+Shift+B)", pressed: "blockquote", run: (e) => e.chain().focus().toggleBlockquote().run() },
  { label: "Horizontal rule", text: "Horizontal rule", title: "A line across the page", run: (e) => e.chain().focus().setHorizontalRule().run() },
];

export const LINK_REFUSED =
  "That link was not added: only web addresses (https:// or http://) and email addresses (mailto:) are allowed.";

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/;

/** "example.org" means https://example.org and "ana@example.org" means mailto:ana@example.org. */
export function withDefaultScheme(value: string): string {
  if (HAS_SCHEME.test(value)) return value;
  return EMAIL.test(value) ? `mailto:${value}` : `https://${value}`;
}

/** Asks for an address and links the selection (or inserts the address as a link). Returns a refusal, or null. */
function editLink(editor: Editor): string | null {
  const previous = editor.getAttributes("link").href as string | undefined;
  const input = window.prompt("Link address (leave empty to remove the link)", previous ?? "https://");
  if (input === null) return null;
  const value = input.trim();
  if (value === "" || value === "https://") {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    return null;
  }
  const href = withDefaultScheme(value);
  if (!isSafeHref(href)) return LINK_REFUSED;
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
