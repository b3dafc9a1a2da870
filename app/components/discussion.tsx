/**
 * The discussion layer of the live editor, as one hook: the threads (use-threads.ts), the highlights in the text
 * (thread-highlights.ts), the toolbar's "Comment", "Propose a change" and "Discussion" buttons, the keyboard
 * shortcuts, and the lazily loaded panel. The text itself is never written here: the server writes every anchor.
 *
 * Keys, anywhere in the editor or the panel: Ctrl+Alt+M comments on the selected words; Alt+Shift+↓ / ↑ move to
 * the next / previous thread (its words scroll into view, focus goes to its card).
 */
import { lazy, Suspense, useCallback, useEffect, useId, useMemo, useRef, useState, type MutableRefObject } from "react";
import type { Editor } from "@tiptap/core";
import type { WebsocketProvider } from "y-websocket";
import type { Role } from "../models/roles";
import { ThreadHighlights, setThreadHighlights, threadDrawn } from "../threads/thread-highlights";
import { setDraftHighlight } from "../threads/draft-highlight";
import { encodeRange, selectedWords } from "../threads/selection";
import { canComment, countThreads, highlighted } from "../threads/panel-model";
import { useThreads } from "../threads/use-threads";
import type { ThreadDraft } from "./thread-panel";
import type { ToolbarExtra } from "./editor-toolbar";
import { useT } from "../i18n/react";
import type { Translate } from "../i18n/instance";

const ThreadPanel = lazy(() => import("./thread-panel"));

/**
 * The panel's place while its code loads. The side column is wider with a panel in it (app.css,
 * `.editor-layout:has(.thread-panel)`): without this, the text column narrowed when the panel arrived, its lines
 * wrapped again and everything below moved up to a line down, under the pointer of someone about to click.
 */
export function PanelPlace({ open }: { open: boolean }) {
  const { t } = useT();
  return (
    <div className={open ? "thread-panel thread-panel--open" : "thread-panel"} aria-busy="true">
      <p className="thread-panel__empty">{t("editor:panel.loading")}</p>
    </div>
  );
}

/**
 * The "Discussion" toolbar's buttons for this role. `actions` null: the page's frame drawn by the server before the
 * editor is live (collab-editor.tsx), the same buttons doing nothing.
 */
export function discussionButtons(
  t: Translate,
  role: Role,
  openCount: number,
  actions: { toggleId: string; open: boolean; startDraft: (kind: ThreadDraft["kind"]) => string | void; showPanel: () => void } | null,
): ToolbarExtra[] {
  return [
    ...(canComment(role)
      ? [
          { label: t("editor:discussion.comment"), title: t("editor:discussion.commentTitle"), keyshortcuts: COMMENT_KEYS, onRun: () => actions?.startDraft("comment") },
          {
            label: t("editor:discussion.propose"),
            shortLabel: t("editor:discussion.proposeShort"),
            title: t("editor:discussion.proposeTitle"),
            onRun: () => actions?.startDraft("proposal"),
          },
        ]
      : []),
    {
      id: actions?.toggleId,
      label: t("editor:discussion.toggle", { count: openCount }),
      shortLabel: t("editor:discussion.toggleShort", { count: openCount }),
      title: t("editor:discussion.toggleTitle"),
      expanded: actions?.open ?? false,
      onRun: () => actions?.showPanel(),
    },
  ];
}

export const COMMENT_KEYS = "Control+Alt+M";
export const NEXT_THREAD_KEYS = "Alt+Shift+ArrowDown";
export const PREVIOUS_THREAD_KEYS = "Alt+Shift+ArrowUp";
/** How long a sent draft's words stay marked at most while its thread's highlight is on its way. */
const HAND_OVER_MS = 5_000;

/** The extension to give the editor, calling back into the hook once the editor exists. */
export function useThreadHighlightsExtension(): { extension: ReturnType<typeof ThreadHighlights.configure>; onActivate: MutableRefObject<(id: string) => void> } {
  const onActivate = useRef<(id: string) => void>(() => {});
  const extension = useMemo(() => ThreadHighlights.configure({ onActivate: (id) => onActivate.current(id) }), []);
  return { extension, onActivate };
}

interface DiscussionInput {
  editor: Editor | null;
  provider: WebsocketProvider;
  documentId: string;
  role: Role;
  /** The open threads the page was loaded with: counted until the threads themselves arrive. */
  initialOpen: number;
  onActivate: MutableRefObject<(id: string) => void>;
}

function isCommentKey(event: KeyboardEvent): boolean {
  return event.ctrlKey && event.altKey && !event.shiftKey && !event.metaKey && event.code === "KeyM" && !event.getModifierState("AltGraph");
}

function threadStep(event: KeyboardEvent): number {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return 0;
  return event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
}

export function useDiscussion({ editor, provider, documentId, role, initialOpen, onActivate }: DiscussionInput) {
  const { t } = useT();
  const { threads, error, reload } = useThreads(documentId, provider);
  const [focused, setFocused] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const [draft, setDraft] = useState<ThreadDraft | null>(null);
  /** The thread a sent draft became, until its highlight has taken the draft's words over. */
  const [handOver, setHandOver] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const visible = useRef<string[]>([]);
  const toggleId = `${useId()}-discussion`;

  // What the text highlights follows the threads and the focused one.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    editor.view.dispatch(setThreadHighlights(editor.state, { threads: highlighted(threads ?? []), focused }));
  }, [editor, threads, focused]);

  const focusThread = useCallback(
    (id: string, scrollText: boolean, moveFocus = false) => {
      setFocused(id);
      if (moveFocus) setFocusRequest((n) => n + 1);
      if (scrollText && editor && !editor.isDestroyed) {
        const words = editor.view.dom.querySelector(`.thread-highlight[data-thread-id="${CSS.escape(id)}"]`);
        const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        words?.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
      }
    },
    [editor],
  );

  // A click on highlighted words makes their thread the focused one (the caret stays in the text).
  useEffect(() => {
    onActivate.current = (id) => focusThread(id, false);
  }, [onActivate, focusThread]);

  const startDraft = (kind: ThreadDraft["kind"]): string | void => {
    if (!editor) return;
    const words = selectedWords(editor);
    if (!words) return kind === "comment" ? t("editor:discussion.selectToComment") : t("editor:discussion.selectToChange");
    setHandOver(null);
    setDraft({ kind, quote: words.quote, range: encodeRange(editor, words.from, words.to) });
    // The words stay marked while the composer has the focus (the browser's selection leaves the text).
    editor.view.dispatch(setDraftHighlight(editor.state, { from: words.from, to: words.to }));
    setOpen(true);
  };

  // Once the draft is cancelled, its words are no longer marked. Once it is sent, they stay marked until its thread's
  // highlight takes them over (its mark comes on the socket after the answer to the request), so they never blink.
  const drafting = draft !== null;
  useEffect(() => {
    if (drafting || !editor || editor.isDestroyed) return;
    const unmark = () => {
      if (!editor.isDestroyed) editor.view.dispatch(setDraftHighlight(editor.state, null));
      setHandOver(null);
    };
    if (handOver === null || threadDrawn(editor.state, handOver)) return unmark();
    let waiting = true;
    const stop = () => {
      waiting = false;
      editor.off("transaction", onTransaction);
      clearTimeout(timer);
    };
    // Once, after the transaction that drew it (not inside it), before the page is painted again.
    const onTransaction = () => {
      if (!waiting || !threadDrawn(editor.state, handOver)) return;
      stop();
      queueMicrotask(unmark);
    };
    editor.on("transaction", onTransaction);
    // A thread whose words were deleted meanwhile is never drawn: the words are unmarked anyway.
    const timer = setTimeout(() => {
      stop();
      unmark();
    }, HAND_OVER_MS);
    return stop;
  }, [editor, drafting, handOver]);

  // Closing the panel (Escape, "Close") keeps an unsent draft, its words typed and its words marked: only "Cancel"
  // drops it (nothing typed is lost to a key pressed to get out of the way).
  const closePanel = useCallback(() => {
    setOpen(false);
    document.getElementById(toggleId)?.focus();
  }, [toggleId]);

  const onDraftDone = useCallback(
    (created: string | null) => {
      setHandOver(created);
      setDraft(null);
      if (created) {
        reload();
        focusThread(created, false, true);
      } else {
        document.getElementById(toggleId)?.focus();
      }
    },
    [reload, focusThread, toggleId],
  );

  const onVisible = useCallback((ids: string[]) => {
    visible.current = ids;
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (canComment(role) && isCommentKey(event)) {
      event.preventDefault();
      setNotice(startDraft("comment") ?? null);
      return;
    }
    const step = threadStep(event);
    if (step === 0) return;
    const ids = visible.current;
    if (ids.length === 0) return;
    event.preventDefault();
    const at = focused ? ids.indexOf(focused) : -1;
    const next = at === -1 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
    setOpen(true);
    focusThread(ids[next]!, true, true);
  };

  // Keys are read on the editor's whole area (text, toolbars, panel) through a native listener.
  const keyHandler = useRef(onKeyDown);
  keyHandler.current = onKeyDown;
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    const listener = (event: KeyboardEvent) => keyHandler.current(event);
    root.addEventListener("keydown", listener);
    return () => root.removeEventListener("keydown", listener);
  }, []);

  const extras = discussionButtons(t, role, threads ? countThreads(threads).open : initialOpen, {
    toggleId,
    open,
    startDraft,
    showPanel: () => {
      setOpen(true);
      // On wide screens the panel is always beside the text: take the reader there.
      requestAnimationFrame(() => document.querySelector<HTMLElement>(".thread-panel__title")?.focus());
    },
  });

  const panel = editor ? (
    <Suspense fallback={<PanelPlace open={open} />}>
      <ThreadPanel
        editor={editor}
        documentId={documentId}
        threads={threads}
        error={error}
        role={role}
        focused={focused}
        focusRequest={focusRequest}
        draft={draft}
        open={open}
        onClose={closePanel}
        onFocusThread={focusThread}
        onDraftDone={onDraftDone}
        onChanged={reload}
        onVisible={onVisible}
      />
    </Suspense>
  ) : null;

  const noticeLine = notice ? (
    <p className="toolbar__message" role="alert">
      {notice}
    </p>
  ) : null;

  return { extras, panel, rootRef, noticeLine };
}
