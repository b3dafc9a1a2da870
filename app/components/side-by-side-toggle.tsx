/**
 * "Show the source side by side" on a translation document's page: the view (./side-by-side.tsx) is its own chunk,
 * loaded on the first click. Its words are editor.json's `sideBySide`, sent with the page.
 */
import { lazy, Suspense, useState } from "react";
import type { SideBySideProps } from "./side-by-side";
import { useT } from "../i18n/react";

const SideBySide = lazy(() => import("./side-by-side"));

export function SideBySideToggle(props: SideBySideProps) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  return (
    <div className="side-by-side-toggle">
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? t("editor:sideBySide.hide") : t("editor:sideBySide.show")}
      </button>
      {open ? (
        <Suspense fallback={<p role="status" className="muted">{t("editor:sideBySide.loading")}</p>}>
          <SideBySide {...props} />
        </Suspense>
      ) : null}
    </div>
  );
}
