/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * "Show the source side by side" on a translation document's page: the view (./side-by-side.tsx) is its own chunk,
 * loaded on the first click. Every English word of the toggle is here (to move into i18n keys later).
 */
import { lazy, Suspense, useState } from "react";
import type { SideBySideProps } from "./side-by-side";

const SideBySide = lazy(() => import("./side-by-side"));

export function SideBySideToggle(props: SideBySideProps) {
  const [open, setOpen] = useState(false);
  return (
    <div className="side-by-side-toggle">
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? "Hide the source" : "Show the source side by side"}
      </button>
      {open ? (
        <Suspense fallback={<p role="status" className="muted">Loading the source…</p>}>
          <SideBySide {...props} />
        </Suspense>
      ) : null}
    </div>
  );
}
