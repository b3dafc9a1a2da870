/**
 * The formatting toolbar of the collaborative editor: one tab stop, arrow keys, Home and End move between its
 * buttons (WAI-ARIA toolbar pattern), `aria-pressed` follows the marks and nodes at the selection. The rarer
 * commands sit in a "More" menu (more-menu.tsx) so the toolbar is one row in the document column. Undo and redo are
 * the collaboration ones (they only undo this person's own changes). The commands are app/editor/toolbar-commands.ts.
 */
import { useRef, useState, type KeyboardEvent, type RefObject } from "react";
import type { Editor } from "@tiptap/core";
import { useEditorState, type EditorStateSnapshot } from "@tiptap/react";
import { shortStatusText, type SaveStatus } from "../collab/saved-state";
import { useT } from "../i18n/react";
import {
  MORE_COMMANDS,
  TOOLBAR_COMMANDS,
  readToolbarState,
  type ToolbarCommand,
  type ToolbarState,
} from "../editor/toolbar-commands";
import { MoreMenu } from "./more-menu";

const selectToolbarState = ({
  editor,
}: EditorStateSnapshot<Editor | null>): ToolbarState | null =>
  editor ? readToolbarState(editor) : null;

/** The page's frame before the editor is live (`editor` null): nothing pressed, nothing to undo. */
const IDLE_STATE: ToolbarState = {
  bold: false,
  italic: false,
  strike: false,
  heading1: false,
  heading2: false,
  heading3: false,
  bulletList: false,
  orderedList: false,
  blockquote: false,
  link: false,
  canUndo: false,
  canRedo: false,
};

const ROVING_KEYS: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

const MORE_INDEX = TOOLBAR_COMMANDS.length;

/** A button of the second toolbar, "Discussion" (Comment, Propose a change, the panel's toggle). */
export interface ToolbarExtra {
  id?: string;
  label: string;
  /**
   * What a phone shows of the label: the label with words left out ("Propose", "Discussion (3)"); the words it leaves
   * out stay in the button's name for screen readers. Ignored unless it is the label's start and end put together.
   */
  shortLabel?: string;
  title?: string;
  keyshortcuts?: string;
  expanded?: boolean;
  onRun: () => string | void;
}

/** One tab stop for a toolbar; arrow keys, Home and End move between its `[data-toolbar-item]`s. */
function useRovingToolbar(): {
  ref: RefObject<HTMLDivElement>;
  focusIndex: number;
  setFocusIndex: (i: number) => void;
  onKeyDown: (e: KeyboardEvent<HTMLDivElement>) => void;
} {
  const ref = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const move = ROVING_KEYS[event.key];
    const items = Array.from(
      ref.current?.querySelectorAll<HTMLButtonElement>("[data-toolbar-item]") ??
        []
    );
    if (
      !move ||
      items.length === 0 ||
      event.altKey ||
      event.ctrlKey ||
      event.metaKey
    )
      return;
    event.preventDefault();
    const next = move(focusIndex, items.length);
    setFocusIndex(next);
    items[next]?.focus();
  };
  return { ref, focusIndex, setFocusIndex, onKeyDown };
}

/**
 * `editor` null: the toolbar as it will be, drawn by the server before the editor is live (collab-editor.tsx's
 * frame, inert), so that the text does not move down when the live editor replaces the server's.
 * `status` is shown, in short, at the toolbar's end: the toolbar stays at the top of the window while someone writes
 * far down a long document, where the full status line above the editor has scrolled away. It is for the eyes only
 * (`aria-hidden`): the status line is the live region that screen readers announce.
 */
export function EditorToolbar({
  editor,
  status,
  formatting = true,
  extras = [],
}: {
  editor: Editor | null;
  /** "unknown": the page's frame before its scripts run: the status's place, empty. */
  status: SaveStatus | "unknown" | null;
  /** False for those who may not edit the text (commenters, viewers): no formatting toolbar. */
  formatting?: boolean;
  extras?: ToolbarExtra[];
}) {
  const { t } = useT();
  const state =
    useEditorState({ editor, selector: selectToolbarState }) ?? IDLE_STATE;
  const {
    ref: toolbarRef,
    focusIndex,
    setFocusIndex,
    onKeyDown,
  } = useRovingToolbar();
  const discussion = useRovingToolbar();
  const [message, setMessage] = useState<string | null>(null);

  const run = (command: ToolbarCommand) => {
    if (!editor) return;
    const said = command.run(editor, t);
    setMessage(typeof said === "string" ? said : null);
  };

  return (
    <>
      <div className="toolbar-bar">
        {formatting ? (
          <div
            ref={toolbarRef}
            className="toolbar"
            role="toolbar"
            aria-label={t("editor:toolbar.formatting")}
            onKeyDown={onKeyDown}
          >
            {TOOLBAR_COMMANDS.map((command, index) => {
              const words = command.words(t);
              const disabled = command.enabled
                ? !state[command.enabled]
                : false;
              return (
                <button
                  key={command.id}
                  type="button"
                  className={
                    command.groupStart
                      ? "toolbar__button toolbar__button--group"
                      : "toolbar__button"
                  }
                  aria-label={words.label}
                  aria-pressed={
                    command.pressed ? state[command.pressed] : undefined
                  }
                  aria-disabled={disabled || undefined}
                  title={words.title}
                  tabIndex={index === focusIndex ? 0 : -1}
                  data-toolbar-item
                  onFocus={() => setFocusIndex(index)}
                  // A pointer leaves the keyboard in the text: the button never takes the focus, so the keys typed
                  // next go on into the text at once (Tiptap gives the focus back only a frame later; Undo not at
                  // all), and a phone's keyboard stays up. By keyboard the buttons take the focus as before.
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => {
                    if (!disabled) run(command);
                  }}
                >
                  {command.glyph ? (
                    <span aria-hidden="true" className="toolbar__glyph">
                      {command.glyph}
                    </span>
                  ) : null}
                  {words.text}
                </button>
              );
            })}
            <MoreMenu
              commands={MORE_COMMANDS}
              state={state}
              tabIndex={focusIndex === MORE_INDEX ? 0 : -1}
              onFocus={() => setFocusIndex(MORE_INDEX)}
              onRun={run}
            />
          </div>
        ) : null}
        {extras.length > 0 ? (
          <div
            ref={discussion.ref}
            className="toolbar toolbar--discussion"
            role="toolbar"
            aria-label={t("editor:toolbar.discussion")}
            onKeyDown={discussion.onKeyDown}
          >
            {extras.map((extra, index) => (
              <button
                key={extra.id ?? extra.label}
                id={extra.id}
                type="button"
                className="toolbar__button"
                aria-keyshortcuts={extra.keyshortcuts}
                aria-expanded={extra.expanded}
                title={extra.title}
                tabIndex={index === discussion.focusIndex ? 0 : -1}
                data-toolbar-item
                onFocus={() => discussion.setFocusIndex(index)}
                onClick={() => {
                  const said = extra.onRun();
                  setMessage(typeof said === "string" ? said : null);
                }}
              >
                <ShortenedLabel label={extra.label} short={extra.shortLabel} />
              </button>
            ))}
          </div>
        ) : null}
        {status === "unknown" ? (
          <span className="toolbar__status save-status save-status--place" aria-hidden="true">
            {"\u00a0"}
          </span>
        ) : status ? (
          <span
            className="toolbar__status save-status"
            data-state={status.state}
            data-testid="toolbar-status"
            aria-hidden="true"
            title={status.text}
          >
            {shortStatusText(t, status.state)}
          </span>
        ) : null}
      </div>
      {message ? (
        <p className="toolbar__message" role="alert">
          {message}
        </p>
      ) : null}
    </>
  );
}

/**
 * The label as [shown start, words a phone leaves out, shown end] when `short` is its start and end put together
 * ("Discussion (3 open)", "Discussion (3)" → "Discussion (3", " open", ")"); null when it is not, or is not shorter.
 */
export function shortenedParts(label: string, short: string | undefined): [string, string, string] | null {
  if (!short || short.length >= label.length) return null;
  let start = 0;
  while (start < short.length && short[start] === label[start]) start++;
  const end = short.length - start;
  if (end > 0 && !label.endsWith(short.slice(start))) return null;
  return [label.slice(0, start), label.slice(start, label.length - end), label.slice(label.length - end)];
}

/**
 * The label, with the words its short form leaves out in a span that narrow screens do not draw (app.css): the
 * button's name stays the whole label, and what a phone shows is its start and end, in order (WCAG 2.5.3).
 */
function ShortenedLabel({ label, short }: { label: string; short?: string }) {
  const parts = shortenedParts(label, short);
  if (!parts) return <>{label}</>;
  // One span around it all: a flex button would drop the spaces at the edges of its parts.
  return (
    <span>
      {parts[0]}
      <span className="toolbar__label-rest">{parts[1]}</span>
      {parts[2]}
    </span>
  );
}
