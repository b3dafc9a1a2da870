/**
 * The collaborative document editor. It owns the whole client collab lifecycle:
 *
 * - Server render and first client render show the server's HTML, so the page reads before JavaScript; without
 *   JavaScript a <noscript> note says that live editing needs it, and no connection status is shown.
 * - On mount: one Y.Doc and one WebsocketProvider (`/collab/<documentId>`), destroyed on unmount.
 * - The live Tiptap editor (the shared `editorExtensions()` plus Collaboration and CollaborationCaret) replaces
 *   the server HTML once the provider synced the first time, so there is never a flash of an empty editor.
 * - Our `saved` message (protocol.ts) tells the author when PostgreSQL committed their edits; the status line
 *   says "Saving…" until then, and leaving the page warns while edits are unconfirmed.
 * - For editors, the document and the unconfirmed changes are also kept on this device (IndexedDB,
 *   app/collab/device-copy.ts) before connecting: what was typed offline survives a reload or a browser restart, is
 *   sent (and merged by Yjs) when the tab reconnects, and the status says "Offline — N changes kept on this device".
 *   The copy is deleted when the server says access was lost (4403); readers keep none. Editors' pages also register
 *   the worker that reopens this page offline (app/collab/offline-pages.ts).
 */
import { useEffect, useReducer, useState } from "react";
import { useBlocker, useRouteLoaderData } from "@remix-run/react";
import { EditorContent, useEditor, useEditorState } from "@tiptap/react";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { COLLAB_PATH, MESSAGE_SAVED, describeClose, readSaved, CloseCode, shouldReconnect } from "../collab/protocol";
import { SLOW_SAVE_MS, UnconfirmedEdits, saveStatus, transientCloseNote, type SaveStatus } from "../collab/saved-state";
import { openDeviceCopy, type DeviceCopy } from "../collab/device-copy";
import { deleteDeviceCopy, unsavedChanges } from "../collab/device-copies";
import { documentPagePath, keepPageOffline } from "../collab/offline-pages";
import { YJS_FIELD, editorExtensions } from "../editor/extensions";
import { EditorToolbar } from "./editor-toolbar";
import { PresenceList } from "./presence-list";
import { DocumentOutline } from "./document-outline";
import { AuthorshipToggle } from "./authorship-toggle";
import { WordCount } from "./word-count";
import { documentFacts, type DocumentFacts } from "../editor/document-outline";
import { PanelPlace, discussionButtons, useDiscussion, useThreadHighlightsExtension } from "./discussion";
import type { Role } from "../models/roles";
import type { loader as rootLoader } from "../root";
import { useT } from "../i18n/react";

export interface CollabEditorProps {
  documentId: string;
  /** The document as HTML, rendered and escaped by the server. */
  initialHtml: string;
  /** Its headings and words (the outline and the word count until the live editor has drawn its own). */
  initialFacts: DocumentFacts;
  /** How many of its threads were open when the page was loaded ("Discussion (3 open)" until the threads arrive). */
  initialOpenThreads: number;
  canEdit: boolean;
  /** The reader's role in the workshop: what the discussion offers (commenters comment and propose). */
  role: Role;
  /** Each role's name in the page's language, for the presence list. */
  roleNames: Record<Role, string>;
  user: { name: string; colour: string };
  /**
   * When the session that loaded the page ends (ms since the epoch; an editor's page only), else null. Past it, and
   * not connected, the page stops showing the text, the device copy's included (see `useSessionEnded`).
   */
  sessionEnds?: number | null;
}

interface Session {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

interface Connection {
  everSynced: boolean;
  online: boolean;
  dropped: boolean;
  /** How many local changes are unconfirmed, and whether the device copy keeps them. */
  unsavedCount: number;
  /** Counts the confirmations that left fewer changes unconfirmed. */
  confirmations: number;
  keptOnDevice: boolean;
  /** Some counted change is not yet confirmed written to the device copy (its IndexedDB transaction not complete). */
  deviceBehind: boolean;
  /** The device copy held a state, shown before the first sync. */
  restored: boolean;
  closedCode: number | null;
  lastCloseCode: number | null;
}

type ConnectionEvent =
  | { type: "reset" | "synced" | "unsynced" | "retry" }
  | { type: "pending"; count: number }
  | { type: "device-written"; behind: boolean }
  | { type: "device-copy"; restored: boolean }
  | { type: "connection-close" | "closed"; code: number | null };

const INITIAL: Connection = {
  everSynced: false,
  online: false,
  dropped: false,
  unsavedCount: 0,
  confirmations: 0,
  keptOnDevice: false,
  deviceBehind: false,
  restored: false,
  closedCode: null,
  lastCloseCode: null,
};

function connectionReducer(state: Connection, event: ConnectionEvent): Connection {
  switch (event.type) {
    case "reset":
      return INITIAL;
    case "synced":
      return { ...state, everSynced: true, online: true, dropped: false, closedCode: null, lastCloseCode: null };
    case "unsynced":
      return state.online ? { ...state, online: false } : state;
    case "connection-close":
      return { ...state, online: false, dropped: true, lastCloseCode: event.code };
    case "closed":
      return { ...state, online: false, closedCode: event.code };
    case "retry":
      return { ...state, closedCode: null };
    case "pending":
      return state.unsavedCount === event.count
        ? state
        : { ...state, unsavedCount: event.count, confirmations: state.confirmations + (event.count < state.unsavedCount ? 1 : 0) };
    case "device-copy":
      return { ...state, keptOnDevice: true, restored: event.restored };
    case "device-written":
      return state.deviceBehind === event.behind ? state : { ...state, deviceBehind: event.behind };
  }
}

function collabServerUrl(): string {
  return window.location.origin.replace(/^http/, "ws") + COLLAB_PATH;
}

/**
 * One Y.Doc and one provider per mounted document, and what the status line needs to know about them. `prefix`
 * names the account's device copies: this document's is kept for editors, deleted for readers (`keepCopy` false).
 */
function useCollabSession(documentId: string, prefix: string | undefined, keepCopy: boolean) {
  const [session, setSession] = useState<Session | null>(null);
  const [connection, dispatch] = useReducer(connectionReducer, INITIAL);

  useEffect(() => {
    dispatch({ type: "reset" });
    const copyName = `${prefix}${documentId}`;
    const forget = () => (prefix ? deleteDeviceCopy(prefix, documentId).catch(() => undefined) : undefined);
    const doc = new Y.Doc();
    // Connects once the device copy is applied, so the first sync sends what it holds that the server lacks.
    const provider = new WebsocketProvider(collabServerUrl(), documentId, doc, { disableBc: true, shouldReconnect, connect: false });
    const unconfirmed = new UnconfirmedEdits();
    let copy: DeviceCopy | null = null;
    let active = true;
    const send = (event: ConnectionEvent) => {
      if (active) dispatch(event);
    };
    // Local changes are numbered; `written` is the last one the device copy confirmed written (transaction complete).
    let counted = 0;
    let written = 0;
    const changed = () => {
      const upTo = counted;
      copy?.keep(
        () => unconfirmed.merged(),
        () => {
          written = Math.max(written, upTo);
          send({ type: "device-written", behind: written < counted });
        },
      );
      unsavedChanges.set(unconfirmed.count);
      send({ type: "pending", count: unconfirmed.count });
    };
    provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
      try {
        const before = unconfirmed.count;
        unconfirmed.confirm(readSaved(decoder).snapshot);
        if (unconfirmed.count !== before) changed();
      } catch {
        console.warn("Ignored a malformed saved message");
      }
    };
    provider.on("sync", (isSynced) => send({ type: isSynced ? "synced" : "unsynced" }));
    provider.on("connection-close", (event) => send({ type: "connection-close", code: event?.code ?? null }));
    // The browser knows before the socket does when the network went: say "Offline" now, reconnect when it is back.
    let ready = false;
    let closed = false;
    const onOffline = () => provider.disconnect();
    const onOnline = () => ready && !closed && provider.connect();
    addEventListener("offline", onOffline);
    addEventListener("online", onOnline);
    provider.on("closed", ({ code }) => {
      closed = true;
      send({ type: "closed", code });
      if (code === CloseCode.AccessChanged) {
        // Access lost or changed: what this device kept can no longer be saved as it was.
        void copy?.origin.destroy();
        copy = null;
        void forget();
      }
    });
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      // Not local changes: the server's, and what the device copy restores (before `ready`).
      if (origin === provider || !ready) return;
      unconfirmed.add(update);
      counted += 1;
      if (copy) send({ type: "device-written", behind: true });
      changed();
    });
    if (keepCopy) {
      keepPageOffline(documentPagePath(documentId));
      openDeviceCopy(copyName, doc)
        .then((opened) => {
          if (!active) return opened.origin.destroy();
          copy = opened;
          if (opened.pending) {
            // The record alone restores the changes (y-indexeddb's own writes of them may not have completed).
            Y.applyUpdate(doc, opened.pending.update, opened.origin);
            unconfirmed.add(opened.pending.update, opened.pending.changes);
          }
          changed();
          send({ type: "device-copy", restored: doc.store.clients.size > 0 });
        })
        // No IndexedDB here (some private windows): the changes are kept in this tab only, and the status says so.
        .catch(() => undefined)
        .finally(() => {
          // From here on, updates not from the server are this tab's changes; the editor binds to the document
          // with the device copy in it, and the first sync sends what the server lacks.
          ready = active;
          if (!ready) return;
          setSession({ doc, provider });
          if (navigator.onLine) provider.connect();
          else send({ type: "connection-close", code: null });
        });
    } else {
      void forget(); // readers keep no copy
      ready = true;
      setSession({ doc, provider });
      provider.connect();
    }
    return () => {
      active = false;
      unsavedChanges.set(0);
      removeEventListener("offline", onOffline);
      removeEventListener("online", onOnline);
      setSession(null);
      provider.destroy();
      doc.destroy();
    };
  }, [documentId, prefix, keepCopy]);

  const retry = () => {
    dispatch({ type: "retry" });
    session?.provider.connect();
  };
  return { session, connection, retry };
}

/**
 * Warn before leaving while edits are unconfirmed and only in this tab (not kept on the device, or not yet confirmed
 * written there); block in-app navigation while they never left this tab.
 */
function useLeaveWarning(unsaved: boolean, offline: boolean, question: string) {
  useEffect(() => {
    if (!unsaved) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [unsaved]);

  const blocker = useBlocker(unsaved && offline);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    const leave = window.confirm(question);
    if (leave) blocker.proceed();
    else blocker.reset();
  }, [blocker, question]);
}

interface LiveEditorProps extends Session {
  documentId: string;
  role: Role;
  user: CollabEditorProps["user"];
  canEdit: boolean;
  editable: boolean;
  hidden: boolean;
  status: SaveStatus;
  initialOpenThreads: number;
  /** Told the number of words whenever it changes. */
  onWords: (words: number) => void;
}

function LiveEditor({ doc, provider, documentId, role, user, canEdit, editable, hidden, status, initialOpenThreads, onWords }: LiveEditorProps) {
  const { t } = useT();
  const threadHighlights = useThreadHighlightsExtension();
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable,
      extensions: [
        ...editorExtensions(),
        Collaboration.configure({ document: doc, field: YJS_FIELD }),
        CollaborationCaret.configure({ provider, user: { name: user.name, color: user.colour } }),
        threadHighlights.extension,
      ],
      editorProps: {
        attributes: {
          "aria-label": t("editor:editor.documentText"),
          role: "textbox",
          "aria-multiline": "true",
          ...(canEdit ? {} : { "aria-readonly": "true" }),
          class: "document-editor",
        },
      },
    },
    [provider],
  );

  useEffect(() => {
    if (editor && !editor.isDestroyed && editor.isEditable !== editable) editor.setEditable(editable, false);
  }, [editor, editable]);

  const facts = useEditorState({ editor, selector: ({ editor: e }) => (e ? documentFacts(e.state.doc) : null) });
  const words = facts?.words ?? null;
  useEffect(() => {
    if (words !== null) onWords(words);
  }, [words, onWords]);

  const discussion = useDiscussion({ editor, provider, documentId, role, initialOpen: initialOpenThreads, onActivate: threadHighlights.onActivate });

  return (
    <div className="collab-editor__live editor-layout" hidden={hidden} ref={discussion.rootRef}>
      <div className="editor-layout__main">
        {editor ? <EditorToolbar editor={editor} status={canEdit ? status : null} formatting={canEdit} extras={discussion.extras} /> : null}
        {editor ? <AuthorshipToggle editor={editor} documentId={documentId} /> : null}
        {discussion.noticeLine}
        <div className="document">
          <EditorContent editor={editor} />
        </div>
      </div>
      <div className="editor-layout__side">
        {editor && facts ? <DocumentOutline editor={editor} headings={facts.headings} /> : null}
        {discussion.panel}
      </div>
    </div>
  );
}

/** setTimeout's longest delay (about 24.8 days); a later end is checked again then. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * True once the session that loaded the page has ended, by this device's clock (the server closes a connected
 * socket whose session ended; this covers a page kept or left open offline). False on the server and during
 * hydration.
 */
function useSessionEnded(ends: number | null | undefined): boolean {
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    setEnded(false);
    if (ends === null || ends === undefined) return;
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      const left = ends - Date.now();
      if (left <= 0) setEnded(true);
      else timer = setTimeout(check, Math.min(left, LONGEST_TIMER_MS));
    };
    check();
    return () => clearTimeout(timer);
  }, [ends]);
  return ended;
}

/** False on the server and during hydration, true once this browser runs the page's JavaScript. */
function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

/**
 * The server's text in the live editor's frame: its toolbars, "Who wrote what", its outline and the panel's place,
 * drawn as they will be but inert, so that the text sits where the live editor's will, and nothing moves when it
 * takes over. Without JavaScript (CSS `scripting: none`) the frame is not shown: a plain reading page.
 */
function ServerText({ documentId, html, facts, openThreads, canEdit, role }: { documentId: string; html: string; facts: DocumentFacts; openThreads: number; canEdit: boolean; role: Role }) {
  const { t } = useT();
  // React 18 knows no `inert` prop; the attribute is passed as it is.
  const frame = { className: "collab-editor__frame", "aria-hidden": true, ...{ inert: "" } };
  return (
    // In the live editor's columns (app.css, `.collab-editor__server-text`): its lines wrap as the editor's will.
    <div className="collab-editor__server-text">
      <div className="editor-layout__main">
        <div {...frame}>
          <EditorToolbar editor={null} status={canEdit ? "unknown" : null} formatting={canEdit} extras={discussionButtons(t, role, openThreads, null)} />
          <AuthorshipToggle editor={null} documentId={documentId} />
        </div>
        <article className="document" aria-label={t("editor:editor.documentText")} dangerouslySetInnerHTML={{ __html: html }} />
      </div>
      <div {...frame} className="editor-layout__side collab-editor__frame">
        <DocumentOutline editor={null} headings={facts.headings} />
        <PanelPlace open={false} />
      </div>
    </div>
  );
}

export function CollabEditor({ documentId, initialHtml, initialFacts, initialOpenThreads, canEdit, role, roleNames, user, sessionEnds }: CollabEditorProps) {
  const { t } = useT();
  const hydrated = useHydrated();
  // The root names this account's device copies (app/collab/device-key.server.ts); without it, none is kept.
  const prefix = useRouteLoaderData<typeof rootLoader>("root")?.user?.deviceCopies;
  const { session, connection, retry } = useCollabSession(documentId, prefix, canEdit && !!prefix);
  const [words, setWords] = useState<number | null>(null);
  const { everSynced, online, closedCode } = connection;
  const unsaved = canEdit && connection.unsavedCount > 0;
  // "Saving…" with no confirmation for a while: say in words that it is not saved yet and will be retried.
  const [slow, setSlow] = useState(false);
  const saving = unsaved && online;
  useEffect(() => {
    setSlow(false);
    if (!saving) return;
    const timer = setTimeout(() => setSlow(true), SLOW_SAVE_MS);
    return () => clearTimeout(timer);
  }, [saving, connection.confirmations]);
  const status = saveStatus({ ...connection, canEdit, unsaved, slow }, t);
  const note = online || closedCode !== null ? null : transientCloseNote(t, connection.lastCloseCode);
  // Not yet committed by the server, and not (or not yet) written to the device copy: leaving would lose it.
  useLeaveWarning(unsaved && (!connection.keptOnDevice || connection.deviceBehind), !online, t("editor:editor.leaveWarning"));
  // What the device kept is shown (and editable) before the first sync; Yjs merges it with the server's state. The
  // server's HTML stays until the live editor has drawn its text (`words` comes from the editor itself), so the page
  // never shows an empty moment — no text, no heading — between the two.
  const shown = (everSynced || connection.restored) && words !== null;
  // The session ended and nothing connected says otherwise: the text is no longer shown on this device (not the
  // server's, not the device copy's). The device copy stays, unsent changes and all: signing in again sends them.
  const sessionOver = useSessionEnded(sessionEnds) && !online;

  useEffect(() => {
    session?.provider.awareness.setLocalStateField("user", { name: user.name, color: user.colour });
  }, [session, user.name, user.colour]);

  return (
    <div className="collab-editor">
      <noscript>
        <p className="alert info">
          {canEdit ? t("editor:editor.noscriptEdit") : t("editor:editor.noscriptRead")}
        </p>
      </noscript>
      <div className="collab-editor__bar">
        {/* Only where JavaScript runs: without it the page would say "Connecting…" for ever. */}
        {hydrated ? (
          <p className="save-status" role="status" aria-live="polite" data-testid="save-status" data-state={status.state}>
            {status.text}
          </p>
        ) : (
          // Its place, until the page's scripts say "Connecting…" (the whole bar is hidden without them: app.css).
          <p className="save-status save-status--place" aria-hidden="true">
            {"\u00a0"}
          </p>
        )}
        {/* The count of the text shown: the server's until the live editor's. */}
        <WordCount words={shown ? words : initialFacts.words} />
        {note ? <p className="collab-editor__note">{note}</p> : null}
        <PresenceList awareness={session?.provider.awareness ?? null} roleNames={roleNames} you={user} />
      </div>
      {closedCode !== null ? (
        <div className="alert error collab-editor__closed" role="alert">
          <p>{describeClose(t, closedCode)}</p>
          <div className="actions">
            <button type="button" onClick={() => window.location.reload()}>
              {t("editor:editor.reload")}
            </button>
            {closedCode === CloseCode.Unauthenticated ? (
              <button type="button" className="secondary" onClick={retry}>
                {t("editor:editor.tryAgain")}
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
      {sessionOver ? (
        <div className="alert info collab-editor__session-ended" role="alert">
          <p>{t("editor:editor.sessionEnded")}</p>
          <div className="actions">
            <a className="button" href={`/login?redirectTo=${encodeURIComponent(`/documents/${documentId}`)}`}>
              {t("editor:editor.signInAgain")}
            </a>
          </div>
        </div>
      ) : null}
      {shown || sessionOver ? null : <ServerText documentId={documentId} html={initialHtml} facts={initialFacts} openThreads={initialOpenThreads} canEdit={canEdit} role={role} />}
      {session ? (
        <LiveEditor
          doc={session.doc}
          provider={session.provider}
          documentId={documentId}
          role={role}
          user={user}
          canEdit={canEdit}
          editable={canEdit && closedCode === null}
          hidden={!shown || sessionOver}
          status={status}
          initialOpenThreads={initialOpenThreads}
          onWords={setWords}
        />
      ) : null}
    </div>
  );
}
