/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The authorship view, loaded lazily by authorship-toggle.tsx. It asks the server who wrote what
 * (GET /api/documents/:id/authorship), colours the text by author with ProseMirror decorations (drawn in this browser
 * only: the shared document does not change), and shows a legend (colour, underline style and name) and, for the
 * paragraph the caret is in (or a reader clicked), who wrote it and when. Each coloured run also names its author on
 * hover. While it is on, edits move the colours with the text and a fresh answer is asked for a moment after typing
 * stops.
 *
 * By keyboard: "Previous paragraph" and "Next paragraph" pick a paragraph (from the caret's, wrapping at the ends),
 * outline it, scroll it into view and announce its authors in a polite live region; focus stays on the button, so a
 * reader (whose text takes no caret) and a screen reader user can go through the text paragraph by paragraph.
 * "Say who wrote this paragraph" (the last button, so Shift+Tab from the text reaches it) announces the caret's.
 */
import { useEffect, useMemo, useState } from "react";
import type { Editor } from "@tiptap/core";
import type { Plugin, PluginKey } from "@tiptap/pm/state";
import type { DecorationSet } from "@tiptap/pm/view";
import type { ProseMirrorClasses } from "./authorship-toggle";
import { authorStyle, authorshipRanges, paragraphIndexOf, textblockStarts, type Authorship } from "../editor/authorship";

const REFRESH_AFTER_MS = 2000;

/** Keeps the colours; `onClick` hears clicks in the text (a reader's text takes no caret, so clicks pick a paragraph). */
function authorshipPlugin(pm: ProseMirrorClasses, key: PluginKey<DecorationSet>, onClick: (pos: number) => void): Plugin<DecorationSet> {
  return new pm.Plugin<DecorationSet>({
    key,
    state: {
      init: () => pm.DecorationSet.empty,
      apply: (tr, set) => (tr.getMeta(key) as DecorationSet | undefined) ?? set.map(tr.mapping, tr.doc),
    },
    props: {
      decorations: (state) => key.getState(state),
      handleClick: (_view, pos) => {
        onClick(pos);
        return false;
      },
    },
  });
}

const when = (iso: string | null, format: Intl.DateTimeFormat) => (iso ? format.format(new Date(iso)) : "at an unknown time");

function draw(pm: ProseMirrorClasses, key: PluginKey<DecorationSet>, editor: Editor, answer: Authorship, format: Intl.DateTimeFormat): void {
  if (editor.isDestroyed) return;
  const doc = editor.state.doc;
  const decorations = authorshipRanges(doc, answer).map((r) =>
    pm.Decoration.inline(r.from, r.to, { class: authorStyle(r.author), title: `${answer.authors[r.author]?.name ?? ""}, ${when(r.at, format)}` }),
  );
  editor.view.dispatch(editor.state.tr.setMeta(key, pm.DecorationSet.create(doc, decorations)).setMeta("addToHistory", false));
}

/** The index of the paragraph at `pos`, by default where the caret is (-1 outside any). */
function selectedParagraph(editor: Editor, pos = editor.state.selection.from): number {
  const $from = editor.state.doc.resolve(Math.min(Math.max(pos, 0), editor.state.doc.content.size));
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).isTextblock) return paragraphIndexOf(editor.state.doc, $from.start(depth));
  }
  return -1;
}

const span = (first: string, last: string) => (first === last ? first : `${first} to ${last}`);

/** Outlines the picked paragraph (its index in `key`'s state), wherever edits move it. */
function pickedPlugin(pm: ProseMirrorClasses, key: PluginKey<number>): Plugin<number> {
  return new pm.Plugin<number>({
    key,
    state: {
      init: () => -1,
      apply: (tr, index) => (tr.getMeta(key) as number | undefined) ?? index,
    },
    props: {
      decorations: (state) => {
        const block = textblockStarts(state.doc)[key.getState(state) ?? -1];
        if (!block) return null;
        const $start = state.doc.resolve(block.start);
        return pm.DecorationSet.create(state.doc, [pm.Decoration.node($start.before(), $start.after(), { class: "authorship-picked" })]);
      },
    },
  });
}

const PREVIEW_LENGTH = 48;

/** "Paragraph 3 of 12, “Officers refer people to…”". */
function describeParagraph(editor: Editor, index: number): string {
  const blocks = textblockStarts(editor.state.doc);
  const block = blocks[index];
  if (!block) return "";
  const text = editor.state.doc.textBetween(block.start, block.start + block.size, " ", " ").replace(/\s+/g, " ").trim();
  const preview = text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH).trimEnd()}…` : text;
  return `Paragraph ${index + 1} of ${blocks.length}, ${preview ? `“${preview}”` : "empty"}`;
}

/** What the live region says of a paragraph picked by keyboard. */
export function announceParagraph(place: string, answer: Authorship, index: number, format: Intl.DateTimeFormat): string {
  const authors = answer.paragraphs[index]?.authors ?? [];
  if (authors.length === 0) return `${place}: nobody wrote in it yet.`;
  const names = authors.map((a) => `${answer.authors[a.author]?.name ?? ""}, ${span(when(a.first, format), when(a.last, format))}`);
  return `${place}: written by ${names.join("; ")}.`;
}

type Loaded = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; answer: Authorship };

export default function AuthorshipView({ editor, documentId, pm }: { editor: Editor; documentId: string; pm: ProseMirrorClasses }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [paragraph, setParagraph] = useState(() => selectedParagraph(editor));
  const [announcement, setAnnouncement] = useState("");
  const format = useMemo(() => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }), []);
  const pickedKey = useMemo(() => new pm.PluginKey<number>("authorship-picked"), [pm]);

  useEffect(() => {
    editor.registerPlugin(pickedPlugin(pm, pickedKey));
    return () => {
      if (!editor.isDestroyed) editor.unregisterPlugin(pickedKey);
    };
  }, [editor, pm, pickedKey]);

  useEffect(() => {
    if (!editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(pickedKey, paragraph).setMeta("addToHistory", false));
  }, [editor, pickedKey, paragraph]);

  useEffect(() => {
    const key = new pm.PluginKey<DecorationSet>("authorship");
    editor.registerPlugin(authorshipPlugin(pm, key, (pos) => setParagraph(selectedParagraph(editor, pos))));
    let active = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const res = await fetch(`/api/documents/${encodeURIComponent(documentId)}/authorship`, { headers: { accept: "application/json" } });
        if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `The server answered ${res.status}.`);
        const answer = (await res.json()) as Authorship;
        if (!active) return;
        draw(pm, key, editor, answer, format);
        setLoaded({ state: "ready", answer });
      } catch (error) {
        if (active) setLoaded({ state: "error", message: error instanceof Error ? error.message : String(error) });
      }
    };
    const onUpdate = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load(), REFRESH_AFTER_MS);
    };
    const onSelection = () => setParagraph(selectedParagraph(editor));
    void load();
    editor.on("update", onUpdate);
    editor.on("selectionUpdate", onSelection);
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
      editor.off("update", onUpdate);
      editor.off("selectionUpdate", onSelection);
      if (!editor.isDestroyed) editor.unregisterPlugin(key);
    };
  }, [editor, documentId, format, pm]);

  if (loaded.state === "loading") return <p className="authorship__status">Loading who wrote what…</p>;
  if (loaded.state === "error") {
    return (
      <p className="authorship__status alert error" role="alert">
        Could not load who wrote what: {loaded.message}
      </p>
    );
  }
  const { answer } = loaded;
  const total = answer.authors.reduce((sum, a) => sum + a.characters, 0) || 1;
  const selected = paragraph >= 0 ? answer.paragraphs[paragraph] : undefined;

  const step = (by: 1 | -1) => {
    const count = textblockStarts(editor.state.doc).length;
    if (count === 0) return;
    const next = paragraph < 0 ? (by === 1 ? 0 : count - 1) : (paragraph + by + count) % count;
    setParagraph(next);
    const start = textblockStarts(editor.state.doc)[next]!.start;
    const dom = editor.view.nodeDOM(editor.state.doc.resolve(start).before());
    if (dom instanceof HTMLElement) dom.scrollIntoView({ block: "nearest" });
    setAnnouncement(announceParagraph(describeParagraph(editor, next), answer, next, format));
  };
  // The paragraph with the caret (Shift+Tab from the text lands here) or the one picked last; said again if unchanged.
  const sayWhoWrote = () => {
    const text = paragraph < 0 ? "No paragraph chosen: put the caret in one, or use Previous or Next paragraph." : announceParagraph(describeParagraph(editor, paragraph), answer, paragraph, format);
    setAnnouncement(text === announcement ? `${text}\u00a0` : text);
  };
  return (
    <div className="authorship__view" data-testid="authorship-view">
      <h2 className="authorship__title">Authors</h2>
      {answer.authors.length === 0 ? (
        <p className="authorship__status">Nobody has written anything yet.</p>
      ) : (
        <ul className="authorship__legend" aria-label="Legend: each author's colour and underline">
          {answer.authors.map((author, index) => (
            <li key={index}>
              <span className={`${authorStyle(index)} authorship__sample`} aria-hidden="true">
                Text
              </span>{" "}
              {author.name} <span className="authorship__share">({Math.round((author.characters / total) * 100)}% of the text)</span>
            </li>
          ))}
        </ul>
      )}
      <h2 className="authorship__title">This paragraph</h2>
      <div className="authorship__picker" role="group" aria-label="Choose a paragraph">
        <button type="button" className="secondary" onClick={() => step(-1)}>
          Previous paragraph
        </button>
        <button type="button" className="secondary" onClick={() => step(1)}>
          Next paragraph
        </button>
        <button type="button" className="secondary" onClick={sayWhoWrote}>
          Say who wrote this paragraph
        </button>
        {paragraph >= 0 ? <span className="authorship__place">{describeParagraph(editor, paragraph)}</span> : null}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="authorship-announcement">
        {announcement}
      </p>
      {selected ? (
        selected.authors.length === 0 ? (
          <p className="authorship__status">This paragraph is empty.</p>
        ) : (
          <ul className="authorship__paragraph" data-testid="paragraph-authors">
            {selected.authors.map((a) => (
              <li key={a.author}>
                <span className={`${authorStyle(a.author)} authorship__sample`} aria-hidden="true">
                  Text
                </span>{" "}
                {answer.authors[a.author]?.name}: {span(when(a.first, format), when(a.last, format))}
              </li>
            ))}
          </ul>
        )
      ) : (
        <p className="authorship__status">Put the caret in a paragraph, or choose one with the buttons above, to see who wrote it and when.</p>
      )}
    </div>
  );
}
