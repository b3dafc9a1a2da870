/**
 * The formatting toolbar of the collaborative editor: one tab stop, arrow keys move between buttons (WAI-ARIA
 * toolbar pattern), `aria-pressed` follows the marks and nodes at the selection. Undo and redo are the
 * collaboration ones (they only undo this person's own changes).
 */
import { useRef, useState, type KeyboardEvent } from "react";
import { useEditorState, type Editor, type EditorStateSnapshot } from "@tiptap/react";
import { isSafeHref } from "../editor/extensions";
import { SHORT_STATUS_TEXT, type SaveStatus } from "../collab/saved-state";

interface ToolbarState {
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

function selectToolbarState({ editor }: EditorStateSnapshot<Editor>): ToolbarState {
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

interface ToolbarButton {
  label: string;
  text: string;
  title: string;
  /** Toggle buttons say whether the format is on; action buttons have no `pressed`. */
  pressed?: keyof ToolbarState;
  enabled?: keyof ToolbarState;
  /** Starts a new group (a little space before it). */
  groupStart?: boolean;
  /** Runs the command; may return words to show (a refused link). */
  run: (editor: Editor) => unknown;
}

const BUTTONS: ToolbarButton[] = [
  { label: "Bold", text: "B", title: "Bold (Ctrl+B)", pressed: "bold", run: (e) => e.chain().focus().toggleBold().run() },
  { label: "Italic", text: "I", title: "Italic (Ctrl+I)", pressed: "italic", run: (e) => e.chain().focus().toggleItalic().run() },
  { label: "Strikethrough", text: "S", title: "Strikethrough (Ctrl+Shift+S)", pressed: "strike", run: (e) => e.chain().focus().toggleStrike().run() },
  { label: "Heading 1", text: "H1", title: "Heading 1", pressed: "heading1", groupStart: true, run: (e) => e.chain().focus().toggleHeading({ level: 1 }).run() },
  { label: "Heading 2", text: "H2", title: "Heading 2", pressed: "heading2", run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
  { label: "Heading 3", text: "H3", title: "Heading 3", pressed: "heading3", run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
  { label: "Bullet list", text: "• List", title: "Bullet list", pressed: "bulletList", groupStart: true, run: (e) => e.chain().focus().toggleBulletList().run() },
  { label: "Numbered list", text: "1. List", title: "Numbered list", pressed: "orderedList", run: (e) => e.chain().focus().toggleOrderedList().run() },
  { label: "Blockquote", text: "Quote", title: "Blockquote", pressed: "blockquote", run: (e) => e.chain().focus().toggleBlockquote().run() },
  { label: "Horizontal rule", text: "Rule", title: "Horizontal rule", run: (e) => e.chain().focus().setHorizontalRule().run() },
  { label: "Link", text: "Link", title: "Link (asks for the address)", pressed: "link", run: (e) => editLink(e) },
  { label: "Undo", text: "Undo", title: "Undo your last change (Ctrl+Z)", enabled: "canUndo", groupStart: true, run: (e) => e.commands.undo() },
  { label: "Redo", text: "Redo", title: "Redo (Ctrl+Shift+Z)", enabled: "canRedo", run: (e) => e.commands.redo() },
];

const LINK_REFUSED =
  "That link was not added: only web addresses (https:// or http://) and email addresses (mailto:) are allowed.";

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const EMAIL = /^[^\s@/:]+@[^\s@/:]+\.[^\s@/:]+$/;

/** "example.org" means https://example.org and "ana@example.org" means mailto:ana@example.org. */
function withDefaultScheme(value: string): string {
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

const ROVING_KEYS: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

/**
 * `status` is shown, in short, at the toolbar's end: the toolbar stays at the top of the window while someone writes
 * far down a long document, where the full status line above the editor has scrolled away. It is for the eyes only
 * (`aria-hidden`): the status line is the live region that screen readers announce.
 */
export function EditorToolbar({ editor, status }: { editor: Editor; status: SaveStatus }) {
  const state = useEditorState({ editor, selector: selectToolbarState });
  const toolbarRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const [message, setMessage] = useState<string | null>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const move = ROVING_KEYS[event.key];
    const buttons = Array.from(toolbarRef.current?.querySelectorAll<HTMLButtonElement>("button") ?? []);
    if (!move || buttons.length === 0) return;
    event.preventDefault();
    const next = move(focusIndex, buttons.length);
    setFocusIndex(next);
    buttons[next]?.focus();
  };

  return (
    <>
      <div className="toolbar-bar">
        <div ref={toolbarRef} className="toolbar" role="toolbar" aria-label="Formatting" onKeyDown={onKeyDown}>
          {BUTTONS.map((button, index) => {
            const tabIndex = index === focusIndex ? 0 : -1;
            const onFocus = () => setFocusIndex(index);
            const disabled = button.enabled ? !state[button.enabled] : false;
            return (
              <button
                key={button.label}
                type="button"
                className={button.groupStart ? "toolbar__button toolbar__button--group" : "toolbar__button"}
                aria-label={button.label}
                aria-pressed={button.pressed ? state[button.pressed] : undefined}
                aria-disabled={disabled || undefined}
                title={button.title}
                tabIndex={tabIndex}
                onFocus={onFocus}
                onClick={() => {
                  if (disabled) return;
                  const said = button.run(editor);
                  setMessage(typeof said === "string" ? said : null);
                }}
              >
                {button.text}
              </button>
            );
          })}
        </div>
        <span className="toolbar__status save-status" data-state={status.state} data-testid="toolbar-status" aria-hidden="true" title={status.text}>
          {SHORT_STATUS_TEXT[status.state]}
        </span>
      </div>
      {message ? (
        <p className="toolbar__message" role="alert">
          {message}
        </p>
      ) : null}
    </>
  );
}
