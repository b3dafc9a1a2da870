/**
 * The discussion panel: beside the text on wide screens, a sheet opened from the toolbar on phones (Escape or
 * "Close" shuts it and returns focus to the toolbar). It lists the threads in document order, filtered Open /
 * Resolved / All with counts, and holds the form for a new comment or proposal on the words selected. Loaded lazily
 * by the editor (its own chunk), so reading a document does not wait for it.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import type { Translate } from "../i18n/instance";
import type { Editor } from "@tiptap/core";
import { useEditorState } from "@tiptap/react";
import { threadErrorText, threadsApi, ThreadApiError } from "../threads/api";
import { Trans, useT } from "../i18n/react";
import { anchorRanges, type AnchorRange } from "../threads/thread-highlights";
import { countThreads, quoteExcerpt, THREAD_FILTERS, visibleThreads, type ThreadFilter } from "../threads/panel-model";
import type { EncodedRange, Quote, Thread } from "../threads/types";
import { MAX_PROPOSAL_CHARS as MAX_PROPOSAL } from "../threads/contract";
import type { Role } from "../models/roles";
import { MAX_COMMENT, ProposedWords, ThreadCard } from "./thread-card";
import { MentionField } from "./mention-field";
import { encodeRange, selectedWords } from "../threads/selection";

export interface ThreadDraft {
  kind: "comment" | "proposal";
  quote: Quote;
  range: EncodedRange | null;
}

export interface ThreadPanelProps {
  editor: Editor;
  documentId: string;
  threads: Thread[] | null;
  error: unknown;
  role: Role;
  focused: string | null;
  /** Set when the panel should move keyboard focus to the focused thread (a shortcut, a click on its words). */
  focusRequest: number;
  draft: ThreadDraft | null;
  open: boolean;
  onClose: () => void;
  onFocusThread: (id: string, scrollText: boolean) => void;
  onDraftDone: (createdId: string | null) => void;
  onChanged: () => void;
  onVisible: (ids: string[]) => void;
}

function Composer({ draft, documentId, onDone }: { draft: ThreadDraft; documentId: string; onDone: (id: string | null) => void }) {
  const { t, locale } = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [proposed, setProposed] = useState(draft.quote.exact);
  const id = useId();
  const proposing = draft.kind === "proposal";
  const send = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = String(new FormData(event.currentTarget).get("body") ?? "").trim();
    if (!proposing && !body) {
      setError(t("editor:composer.writeFirst"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = proposing
        ? await threadsApi.createProposal(documentId, { ...(draft.range ? { range: draft.range } : { quote: draft.quote }), proposed, ...(body ? { body } : {}) })
        : await threadsApi.createComment(documentId, draft.range ? { body, range: draft.range } : { body, quote: draft.quote });
      onDone(created.id);
    } catch (caught) {
      setError(threadErrorText(t, locale, caught, t("editor:composer.notSent")));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="thread-composer" onSubmit={send} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{proposing ? t("editor:composer.proposeTitle") : t("editor:composer.commentTitle")}</h3>
      {/* The text box that gets the focus is described by the words, so a screen reader says them on arriving. */}
      <p className="thread-composer__on" id={`${id}-on`}>
        {t("editor:composer.onTheWords")}
      </p>
      <blockquote className="thread__quote" id={`${id}-quote`}>
        {quoteExcerpt(draft.quote.exact)}
      </blockquote>
      {proposing ? (
        <>
          <label htmlFor={`${id}-proposed`}>{t("editor:composer.replaceWith")}</label>
          <textarea
            id={`${id}-proposed`}
            value={proposed}
            onChange={(e) => setProposed(e.target.value)}
            maxLength={MAX_PROPOSAL}
            rows={3}
            aria-describedby={`${id}-on ${id}-quote`}
            autoFocus
          />
          <p className="proposal__line" aria-live="polite">
            <span className="proposal__label">{`${t("editor:proposal.proposed")} `}</span>
            <span className="proposal__new">
              <ProposedWords original={draft.quote.exact} proposed={proposed} />
            </span>
          </p>
          <label htmlFor={`${id}-body`}>{t("editor:composer.why")}</label>
          <MentionField id={`${id}-body`} name="body" maxLength={MAX_COMMENT} rows={2} />
        </>
      ) : (
        <>
          <label htmlFor={`${id}-body`}>{t("editor:composer.yourComment")}</label>
          <MentionField id={`${id}-body`} name="body" maxLength={MAX_COMMENT} rows={3} required aria-describedby={`${id}-on ${id}-quote`} autoFocus />
        </>
      )}
      {error ? (
        <p className="thread__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy || (proposing && proposed === draft.quote.exact)}>
          {proposing ? t("editor:composer.sendProposal") : t("editor:composer.sendComment")}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          {t("editor:thread.cancel")}
        </button>
      </div>
    </form>
  );
}

const kbd = (c: ReactNode) => <kbd>{c}</kbd>;

function filterLabel(t: Translate, filter: ThreadFilter, count: number): string {
  switch (filter) {
    case "open":
      return t("editor:panel.filter.open", { count });
    case "resolved":
      return t("editor:panel.filter.resolved", { count });
    case "all":
      return t("editor:panel.filter.all", { count });
  }
}

const selectRanges = ({ editor }: { editor: Editor | null }): [string, AnchorRange][] => (editor ? Array.from(anchorRanges(editor.state.doc)) : []);

export function ThreadPanel(props: ThreadPanelProps) {
  const { editor, threads, error, role, focused, focusRequest, draft, open, onClose, onFocusThread, onDraftDone, onChanged, onVisible } = props;
  const { t, locale } = useT();
  const [filter, setFilter] = useState<ThreadFilter>("open");
  const rangeList = useEditorState({ editor, selector: selectRanges });
  const ranges = useMemo(() => new Map(rangeList), [rangeList]);
  const list = useMemo(() => visibleThreads(threads ?? [], filter, ranges), [threads, filter, ranges]);
  const counts = countThreads(threads ?? []);
  const panelRef = useRef<HTMLElement>(null);
  const id = useId();

  // An orphaned thread goes to the words selected in the text (the selection stays while the panel has the focus).
  const reattach = useCallback(
    (threadId: string) => {
      const words = selectedWords(editor);
      const range = words ? encodeRange(editor, words.from, words.to) : null;
      if (!words || !range) return Promise.reject(new ThreadApiError(t("editor:panel.selectToReattach"), 0, null, true));
      return threadsApi.reattach(threadId, { range });
    },
    [editor, t],
  );

  const visibleIds = list.map((t) => t.id).join(" ");
  useEffect(() => onVisible(visibleIds ? visibleIds.split(" ") : []), [visibleIds, onVisible]);

  // A focused thread hidden by the filter: show all, so it can be seen.
  useEffect(() => {
    if (focused && filter !== "all" && threads?.some((t) => t.id === focused && t.status !== filter)) setFilter("all");
  }, [focused, filter, threads]);

  // Each request moves the focus once, as soon as its card is drawn (a new thread's may come with the next list).
  // Never again after: a list redrawn by a live event, or highlights moved by someone typing, must not take the focus
  // from where the person went since (a reply being written, "Resolve"), nor a click on highlighted words the caret.
  const request = useRef<{ n: number; threadId: string | null; served: boolean }>({ n: 0, threadId: null, served: true });
  useEffect(() => {
    if (focusRequest !== request.current.n) request.current = { n: focusRequest, threadId: focused, served: false };
    const wanted = request.current;
    if (wanted.served || !wanted.threadId || wanted.threadId !== focused) return;
    const card = panelRef.current?.querySelector<HTMLElement>(`[data-thread-id="${CSS.escape(wanted.threadId)}"]`);
    if (!card) return;
    wanted.served = true;
    card.scrollIntoView({ block: "nearest" });
    card.focus({ preventScroll: true });
  }, [focusRequest, focused, list]);

  // Escape closes the sheet (on phones); a native listener, as the panel is a section, not a widget.
  useEffect(() => {
    const panel = panelRef.current;
    if (!panel || !open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      onClose();
    };
    panel.addEventListener("keydown", onKeyDown);
    return () => panel.removeEventListener("keydown", onKeyDown);
  }, [open, onClose]);

  return (
    <section
      ref={panelRef}
      className={open ? "thread-panel thread-panel--open" : "thread-panel"}
      aria-labelledby={`${id}-title`}
      data-testid="thread-panel"
    >
      <div className="thread-panel__head">
        <h2 className="thread-panel__title" id={`${id}-title`} tabIndex={-1}>
          {t("editor:panel.title")}
        </h2>
        <button type="button" className="secondary thread-panel__close" onClick={onClose}>
          {t("editor:panel.close")}
          <span className="visually-hidden">{` ${t("editor:panel.closeWhat")}`}</span>
        </button>
      </div>
      {draft ? <Composer key={`${draft.kind}-${draft.quote.exact}`} draft={draft} documentId={props.documentId} onDone={onDraftDone} /> : null}
      <fieldset className="thread-filter">
        <legend className="visually-hidden">{t("editor:panel.show")}</legend>
        {THREAD_FILTERS.map((value) => (
          <label key={value} className="thread-filter__choice">
            <input type="radio" name={`${id}-filter`} value={value} checked={filter === value} onChange={() => setFilter(value)} />
            {filterLabel(t, value, counts[value])}
          </label>
        ))}
      </fieldset>
      {error ? (
        <p className="thread__error" role="alert">
          {threadErrorText(t, locale, error, t("editor:panel.loadFailed"))}
        </p>
      ) : null}
      {threads === null ? (
        <p className="thread-panel__empty">{t("editor:panel.loading")}</p>
      ) : list.length === 0 ? (
        <p className="thread-panel__empty">
          {filter === "resolved" ? t("editor:panel.noResolved") : role === "viewer" ? t("editor:panel.noOpen") : t("editor:panel.noOpenStart")}
        </p>
      ) : (
        <ol className="thread-list">
          {list.map((thread) => (
            <li key={thread.id}>
              <ThreadCard
                thread={thread}
                currentText={ranges.get(thread.id)?.text}
                role={role}
                focused={thread.id === focused}
                onShow={() => onFocusThread(thread.id, true)}
                onChanged={onChanged}
                onReattach={() => reattach(thread.id)}
              />
            </li>
          ))}
        </ol>
      )}
      <p className="thread-panel__keys">
        <Trans k="editor:panel.keys" tags={{ k: kbd }} />
      </p>
    </section>
  );
}

export default ThreadPanel;
