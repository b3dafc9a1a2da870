/**
 * The source beside the translation, paragraph beside paragraph (issue 14), loaded only when a translator asks for it
 * (app/components/side-by-side-toggle.tsx), so the editor's own bundle barely grows. The translation side follows the
 * live editor (its DOM, watched for changes); rows whose structure no longer matches carry a warning. Its words are
 * editor.json's `sideBySide`, sent with the page (the view is its own chunk: it carries none).
 */
import { useEffect, useMemo, useState } from "react";
import { pairBlocks, shapeOf, type BlockShape } from "../declarations/parallel-blocks";
import { useT } from "../i18n/react";

export interface SideBySideProps {
  sourceHtml: string;
  sourceLanguage: string;
  sourceNumber: number;
  language: string;
  dir: "rtl" | "ltr";
  /** The element that holds the live editor of the translation. */
  editorContainerId: string;
}

function sourceBlocks(html: string): BlockShape[] {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  return Array.from(parsed.body.children).map(shapeOf);
}

function liveBlocks(containerId: string): BlockShape[] {
  const container = document.getElementById(containerId);
  const root = container?.querySelector(".ProseMirror") ?? container?.querySelector(".document") ?? null;
  return root ? Array.from(root.children).map(shapeOf) : [];
}

export default function SideBySide({ sourceHtml, sourceLanguage, sourceNumber, language, dir, editorContainerId }: SideBySideProps) {
  const { t, locale } = useT();
  const source = useMemo(() => sourceBlocks(sourceHtml), [sourceHtml]);
  const [translation, setTranslation] = useState<BlockShape[]>(() => liveBlocks(editorContainerId));
  useEffect(() => {
    const container = document.getElementById(editorContainerId);
    if (!container) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const observer = new MutationObserver(() => {
      clearTimeout(timer);
      timer = setTimeout(() => setTranslation(liveBlocks(editorContainerId)), 250);
    });
    observer.observe(container, { childList: true, subtree: true, characterData: true });
    setTranslation(liveBlocks(editorContainerId));
    return () => {
      clearTimeout(timer);
      observer.disconnect();
    };
  }, [editorContainerId]);
  const rows = pairBlocks(source, translation);
  const mismatches = rows.filter((r) => r.mismatch).length;
  return (
    <section className="side-by-side" aria-labelledby="side-by-side-title">
      <h2 id="side-by-side-title">{t("editor:sideBySide.title", { number: sourceNumber })}</h2>
      <p role="status" className={mismatches > 0 ? "notice" : "muted small"}>
        {t("editor:sideBySide.mismatches", { count: mismatches })}
      </p>
      <ol className="parallel-rows">
        {rows.map((row, i) => (
          <li key={i} className={`parallel-row${row.mismatch ? " mismatch" : ""}`}>
            <div className="parallel-cell" lang={sourceLanguage}>
              {row.source ? row.source.text || "—" : <em className="muted">{t("editor:sideBySide.noSource")}</em>}
            </div>
            <div className="parallel-cell" lang={language} dir={dir}>
              {row.translation ? row.translation.text || "—" : <em className="muted" lang={locale} dir="ltr">
                  {t("editor:sideBySide.notTranslated")}
                </em>}
            </div>
            {row.mismatch && row.source && row.translation ? <p className="parallel-warning">{t("editor:sideBySide.mismatch")}</p> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
