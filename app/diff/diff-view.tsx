/**
 * Shows a diff made by `./text-diff` (its HTML is escaped there, and only that HTML may be passed here), with a
 * summary, a legend, "Previous change" / "Next change" controls and a list of all changes.
 *
 * Without JavaScript the controls are plain links (#change-1 …) and the list of changes links to each one.
 * With JavaScript, the controls and the `n` / `p` keys move focus from change to change; the keys work only while
 * focus is in the diff or on its controls (so they never take over typing elsewhere: WCAG 2.1.4).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { Translate } from "../i18n/instance";
import { Trans, useT } from "../i18n/react";
import type { ChangeSummary } from "./text-diff";

export interface DiffViewProps {
  html: string;
  changes: ChangeSummary[];
  insertedWords: number;
  deletedWords: number;
  truncated: boolean;
  /** Accessible name of the diff, e.g. "Changes from “After session 1” to the live text". */
  label: string;
}

function describe(change: ChangeSummary, t: Translate): string {
  switch (change.kind) {
    case "inserted":
      return t("common:diff.wasInserted", { text: change.added });
    case "deleted":
      return t("common:diff.wasDeleted", { text: change.removed });
    case "replaced":
      return t("common:diff.wasReplaced", { removed: change.removed, added: change.added });
    default:
      return change.added || t("common:diff.formatting");
  }
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName);
}

export function DiffView({ html, changes, insertedWords, deletedWords, truncated, label }: DiffViewProps) {
  const { t } = useT();
  const total = changes.length;
  const [current, setCurrent] = useState(0);
  // The key handler and the controls read the position from here: several quick key presses must not see a stale state.
  const currentRef = useRef(0);
  const diffRef = useRef<HTMLDivElement>(null);
  const navRef = useRef<HTMLElement>(null);

  const go = useCallback(
    (n: number) => {
      if (total === 0) return;
      const target = Math.min(total, Math.max(1, n));
      const element = diffRef.current?.querySelector<HTMLElement>(`#change-${target}`);
      if (!element) return;
      diffRef.current?.querySelectorAll(".diff-change.is-current").forEach((e) => e.classList.remove("is-current"));
      element.classList.add("is-current");
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      element.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
      element.focus({ preventScroll: true });
      window.history.replaceState(window.history.state, "", `#change-${target}`);
      currentRef.current = target;
      setCurrent(target);
    },
    [total],
  );

  // Arriving at (or following a link to) #change-N focuses that change.
  useEffect(() => {
    const fromHash = () => {
      const match = /^#change-(\d+)$/.exec(window.location.hash);
      if (match) go(Number(match[1]));
    };
    fromHash();
    window.addEventListener("hashchange", fromHash);
    return () => window.removeEventListener("hashchange", fromHash);
  }, [go]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      const active = document.activeElement;
      const inside = active && (diffRef.current?.contains(active) || navRef.current?.contains(active));
      if (!inside) return;
      if (event.key === "n" || event.key === "j") {
        event.preventDefault();
        go(currentRef.current + 1);
      } else if (event.key === "p" || event.key === "k") {
        event.preventDefault();
        go(currentRef.current - 1);
      }
    };
    // Clicking or tabbing into a change makes it the current one.
    const onFocus = (event: FocusEvent) => {
      const change = event.target instanceof Element ? event.target.closest<HTMLElement>("[data-change]") : null;
      const n = Number(change?.dataset.change);
      if (Number.isInteger(n) && n > 0) {
        currentRef.current = n;
        setCurrent(n);
      }
    };
    const diff = diffRef.current;
    document.addEventListener("keydown", onKey);
    diff?.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("keydown", onKey);
      diff?.removeEventListener("focusin", onFocus);
    };
  }, [go]);

  const previous = Math.max(1, current - 1);
  const next = Math.min(total, current + 1);
  return (
    <div className="diff-view">
      <p className="diff-summary">
        {total === 0
          ? t("common:diff.identical")
          : t("common:diff.summary", {
              changes: t("common:diff.changes", { count: total }),
              inserted: t("common:diff.inserted", { count: insertedWords }),
              deleted: t("common:diff.deleted", { count: deletedWords }),
            })}
      </p>
      {total > 0 ? (
        <>
          <p className="diff-legend">
            <Trans k="common:diff.legend" tags={{ ins: (c) => <ins>{c}</ins>, del: (c) => <del>{c}</del> }} />
          </p>
          {truncated ? (
            <p className="alert info">{t("common:diff.truncated")}</p>
          ) : null}
          <nav className="diff-nav" aria-label={t("common:diff.move")} ref={navRef}>
            <a
              className="button secondary"
              href={`#change-${previous}`}
              aria-disabled={current <= 1 ? true : undefined}
              onClick={(event) => {
                event.preventDefault();
                go(currentRef.current - 1);
              }}
            >
              {t("common:diff.previous")}
            </a>
            <a
              className="button secondary"
              href={`#change-${next}`}
              aria-disabled={current >= total ? true : undefined}
              onClick={(event) => {
                event.preventDefault();
                go(currentRef.current + 1);
              }}
            >
              {t("common:diff.next")}
            </a>
            <span className="diff-position">{current > 0 ? t("common:diff.position", { current, total }) : t("common:diff.changes", { count: total })}</span>
            <span className="diff-keys">
              <Trans k="common:diff.keys" tags={{ kbd: (c) => <kbd>{c}</kbd> }} />
            </span>
          </nav>
        </>
      ) : null}
      <div ref={diffRef} className="document diff" role="region" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />
      {total > 0 ? (
        <details className="diff-all-changes">
          <summary>{t("common:diff.list", { count: total })}</summary>
          <ol>
            {changes.map((c) => (
              <li key={c.number}>
                <a href={`#change-${c.number}`}>{describe(c, t)}</a>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </div>
  );
}
