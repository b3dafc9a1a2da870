/**
 * The toolbar's "More" menu: a WAI-ARIA menu button. The button says `aria-haspopup="menu"` and whether it is open
 * (`aria-expanded`); Enter, Space or Down arrow open it on its first item, Up arrow on its last. In the menu, the
 * arrow keys, Home and End move between items, Enter or Space runs one (and the caret goes back into the text, as
 * with the toolbar's own buttons), Escape closes it and returns focus to the button, Tab closes it and moves on, and
 * a click outside closes it. Toggles are `menuitemcheckbox`es that say whether the format is on.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { ToolbarCommand, ToolbarState } from "../editor/toolbar-commands";
import { useT } from "../i18n/react";

interface MoreMenuProps {
  commands: ToolbarCommand[];
  state: ToolbarState;
  /** The toolbar's roving tab stop. */
  tabIndex: number;
  onFocus: () => void;
  onRun: (command: ToolbarCommand) => void;
}

type Opening = "first" | "last";

/** Symbols, not words: the same in every language. */
const ARROW = "\u25BE";
const CHECK = "\u2713";

const MENU_KEYS: Record<string, (index: number, count: number) => number> = {
  ArrowDown: (i, n) => (i + 1) % n,
  ArrowUp: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

export function MoreMenu({ commands, state, tabIndex, onFocus, onRun }: MoreMenuProps) {
  const [open, setOpen] = useState<Opening | null>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const { t } = useT();
  const id = useId();
  const buttonId = `${id}-button`;
  const menuId = `${id}-menu`;

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>("[data-menu-item]") ?? []);

  useEffect(() => {
    if (!open) return;
    const list = items();
    (open === "first" ? list[0] : list[list.length - 1])?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) setOpen(null);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const close = (returnFocus: boolean) => {
    setOpen(null);
    if (returnFocus) buttonRef.current?.focus();
  };

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      event.stopPropagation();
      setOpen(event.key === "ArrowDown" ? "first" : "last");
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // Keys inside the menu are the menu's: the toolbar around it must not move its tab stop.
    event.stopPropagation();
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
      return;
    }
    if (event.key === "Tab") {
      setOpen(null);
      return;
    }
    const move = MENU_KEYS[event.key];
    if (!move) return;
    event.preventDefault();
    const list = items();
    const current = list.indexOf(document.activeElement as HTMLElement);
    list[move(current, list.length)]?.focus();
  };

  return (
    <div className="more-menu" ref={wrapperRef}>
      <button
        ref={buttonRef}
        id={buttonId}
        type="button"
        className="toolbar__button toolbar__button--group more-menu__button"
        aria-haspopup="menu"
        aria-expanded={open !== null}
        aria-controls={menuId}
        title={t("editor:toolbar.more.title")}
        tabIndex={tabIndex}
        data-toolbar-item
        onFocus={onFocus}
        onKeyDown={onButtonKeyDown}
        onClick={() => setOpen(open ? null : "first")}
      >
        {t("editor:toolbar.more.text")}
        <span aria-hidden="true" className="more-menu__arrow">{ARROW}</span>
      </button>
      <div ref={menuRef} id={menuId} role="menu" tabIndex={-1} aria-labelledby={buttonId} className="more-menu__list" hidden={!open} onKeyDown={onMenuKeyDown}>
        {commands.map((command) => {
          const checked = command.pressed ? state[command.pressed] : undefined;
          const words = command.words(t);
          return (
            <button
              key={command.id}
              type="button"
              role={checked === undefined ? "menuitem" : "menuitemcheckbox"}
              aria-checked={checked}
              className="more-menu__item"
              title={words.title}
              tabIndex={-1}
              data-menu-item
              onClick={() => {
                setOpen(null);
                onRun(command);
              }}
            >
              <span aria-hidden="true" className="more-menu__check">
                {checked ? CHECK : null}
              </span>
              {words.text}
            </button>
          );
        })}
      </div>
    </div>
  );
}
