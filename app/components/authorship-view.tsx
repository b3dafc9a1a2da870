/**
 * The authorship view, loaded lazily by authorship-toggle.tsx. It asks the server who wrote what
 * (GET /api/documents/:id/authorship), colours the text by author with ProseMirror decorations (drawn in this browser
 * only: the shared document does not change), and shows a legend (colour, underline style and name) and, for the
 * paragraph the caret is in, who wrote it and when. Each coloured run also names its author on hover. While it is
 * on, edits move the colours with the text and a fresh answer is asked for a moment after typing stops.
 */
import { useEffect, useMemo, useState } from "react";
import type { Editor } from "@tiptap/core";
import type { Plugin, PluginKey } from "@tiptap/pm/state";
import type { DecorationSet } from "@tiptap/pm/view";
import type { ProseMirrorClasses } from "./authorship-toggle";
import { authorStyle, authorshipRanges, paragraphIndexOf, type Authorship } from "../editor/authorship";

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

type Loaded = { state: "loading" } | { state: "error"; message: string } | { state: "ready"; answer: Authorship };

export default function AuthorshipView({ editor, documentId, pm }: { editor: Editor; documentId: string; pm: ProseMirrorClasses }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [paragraph, setParagraph] = useState(() => selectedParagraph(editor));
  const format = useMemo(() => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }), []);

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
        <p className="authorship__status">Put the caret in a paragraph to see who wrote it and when.</p>
      )}
    </div>
  );
}
