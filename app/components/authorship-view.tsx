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
import type { Translate } from "../i18n/instance";
import type { ProseMirrorClasses } from "./authorship-toggle";
import { authorStyle, authorshipRanges, paragraphIndexOf, textblockStarts, UNKNOWN_AUTHOR, type Authorship } from "../editor/authorship";
import { useT } from "../i18n/react";
import { formatDateTimeIn } from "../i18n/format";
import type { Locale } from "../i18n/locales";

/** The page's language: its words and its way of writing dates. */
interface Words {
  t: Translate;
  locale: Locale;
}

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

const when = (iso: string | null, words: Words) => (iso ? formatDateTimeIn(words.locale, new Date(iso)) : words.t("editor:authorship.unknownTime"));

/** An author's name; text from the seed, the system or a removed account is said to be so in the page's language. */
function nameOf(answer: Authorship, index: number, t: Translate): string {
  const name = answer.authors[index]?.name ?? "";
  return name === UNKNOWN_AUTHOR ? t("editor:authorship.unknownAuthor") : name;
}

function draw(pm: ProseMirrorClasses, key: PluginKey<DecorationSet>, editor: Editor, answer: Authorship, words: Words): void {
  if (editor.isDestroyed) return;
  const doc = editor.state.doc;
  const decorations = authorshipRanges(doc, answer).map((r) =>
    pm.Decoration.inline(r.from, r.to, {
      class: authorStyle(r.author),
      title: words.t("editor:authorship.nameWhen", { name: nameOf(answer, r.author, words.t), when: when(r.at, words) }),
    }),
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

const span = (first: string, last: string, t: Translate) => (first === last ? first : t("editor:authorship.span", { first, last }));

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
function describeParagraph(editor: Editor, index: number, t: Translate): string {
  const blocks = textblockStarts(editor.state.doc);
  const block = blocks[index];
  if (!block) return "";
  const text = editor.state.doc.textBetween(block.start, block.start + block.size, " ", " ").replace(/\s+/g, " ").trim();
  const preview = text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH).trimEnd()}…` : text;
  return preview
    ? t("editor:authorship.paragraph", { number: index + 1, total: blocks.length, preview })
    : t("editor:authorship.paragraphEmpty", { number: index + 1, total: blocks.length });
}

/** What the live region says of a paragraph picked by keyboard. */
export function announceParagraph(place: string, answer: Authorship, index: number, words: Words): string {
  const { t } = words;
  const authors = answer.paragraphs[index]?.authors ?? [];
  if (authors.length === 0) return t("editor:authorship.nobodyHere", { place });
  const names = authors.map((a) => t("editor:authorship.nameWhen", { name: nameOf(answer, a.author, t), when: span(when(a.first, words), when(a.last, words), t) }));
  return t("editor:authorship.writtenBy", { place, names: names.join("; ") });
}

/**
 * Why the answer did not come: the network (`status` 0), or the server's status and, in English, its own words (a
 * signed-in page never meets the API's 403, which is for tokens without the "read" scope).
 */
type Failure = { status: number; said: string | null };

function failureText({ status, said }: Failure, { t, locale }: Words): string {
  if (status === 0) return t("editor:errors.offline");
  if (locale === "en" && said) return said;
  switch (status) {
    case 401:
      return t("editor:errors.signedOut");
    case 404:
      return t("editor:authorship.notFound");
    case 429:
      return t("editor:errors.tooMany");
    default:
      return t("editor:authorship.serverAnswered", { status });
  }
}

type Loaded = { state: "loading" } | { state: "error"; failure: Failure } | { state: "ready"; answer: Authorship };

export default function AuthorshipView({ editor, documentId, pm }: { editor: Editor; documentId: string; pm: ProseMirrorClasses }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [paragraph, setParagraph] = useState(() => selectedParagraph(editor));
  const [announcement, setAnnouncement] = useState("");
  const { t, locale } = useT();
  const words = useMemo<Words>(() => ({ t, locale }), [t, locale]);
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
      // 0 until the server answers: no answer at all is said as no connection.
      let status = 0;
      let said: unknown = null;
      try {
        const res = await fetch(`/api/documents/${encodeURIComponent(documentId)}/authorship`, { headers: { accept: "application/json" } });
        status = res.status;
        if (res.ok) {
          const answer = (await res.json()) as Authorship;
          if (!active) return;
          draw(pm, key, editor, answer, words);
          setLoaded({ state: "ready", answer });
          return;
        }
        said = ((await res.json().catch(() => null)) as { error?: unknown } | null)?.error;
      } catch {
        // said below
      }
      if (active) setLoaded({ state: "error", failure: { status, said: typeof said === "string" ? said : null } });
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
  }, [editor, documentId, words, pm]);

  if (loaded.state === "loading") return <p className="authorship__status">{t("editor:authorship.loading")}</p>;
  if (loaded.state === "error") {
    return (
      <p className="authorship__status alert error" role="alert">
        {t("editor:authorship.loadFailed", { reason: failureText(loaded.failure, words) })}
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
    setAnnouncement(announceParagraph(describeParagraph(editor, next, t), answer, next, words));
  };
  // The paragraph with the caret (Shift+Tab from the text lands here) or the one picked last; said again if unchanged.
  const sayWhoWrote = () => {
    const text = paragraph < 0 ? t("editor:authorship.noParagraph") : announceParagraph(describeParagraph(editor, paragraph, t), answer, paragraph, words);
    setAnnouncement(text === announcement ? `${text}\u00a0` : text);
  };
  return (
    <div className="authorship__view" data-testid="authorship-view">
      <h2 className="authorship__title">{t("editor:authorship.authors")}</h2>
      {answer.authors.length === 0 ? (
        <p className="authorship__status">{t("editor:authorship.nobody")}</p>
      ) : (
        <ul className="authorship__legend" aria-label={t("editor:authorship.legend")}>
          {answer.authors.map((author, index) => (
            <li key={index}>
              <span className={`${authorStyle(index)} authorship__sample`} aria-hidden="true">
                {t("editor:authorship.sample")}
              </span>{" "}
              {nameOf(answer, index, t)}{" "}
              <span className="authorship__share">{t("editor:authorship.share", { percent: Math.round((author.characters / total) * 100) })}</span>
            </li>
          ))}
        </ul>
      )}
      <h2 className="authorship__title">{t("editor:authorship.thisParagraph")}</h2>
      <div className="authorship__picker" role="group" aria-label={t("editor:authorship.choose")}>
        <button type="button" className="secondary" onClick={() => step(-1)}>
          {t("editor:authorship.previous")}
        </button>
        <button type="button" className="secondary" onClick={() => step(1)}>
          {t("editor:authorship.next")}
        </button>
        <button type="button" className="secondary" onClick={sayWhoWrote}>
          {t("editor:authorship.say")}
        </button>
        {paragraph >= 0 ? <span className="authorship__place">{describeParagraph(editor, paragraph, t)}</span> : null}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="authorship-announcement">
        {announcement}
      </p>
      {selected ? (
        selected.authors.length === 0 ? (
          <p className="authorship__status">{t("editor:authorship.empty")}</p>
        ) : (
          <ul className="authorship__paragraph" data-testid="paragraph-authors">
            {selected.authors.map((a) => (
              <li key={a.author}>
                <span className={`${authorStyle(a.author)} authorship__sample`} aria-hidden="true">
                  {t("editor:authorship.sample")}
                </span>{" "}
                {t("editor:authorship.nameSpan", { name: nameOf(answer, a.author, t), span: span(when(a.first, words), when(a.last, words), t) })}
              </li>
            ))}
          </ul>
        )
      ) : (
        <p className="authorship__status">{t("editor:authorship.pickHelp")}</p>
      )}
    </div>
  );
}
