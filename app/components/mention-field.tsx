/**
 * A comment field that offers workshop members while `@Name` is typed (issue 13's mentions): a list under the field
 * of up to 8 matching names; ↓/↑ move through it, Enter or Tab writes the chosen `@Name `, Escape closes it (and
 * nothing else), a click chooses too. The field stays a plain textarea (its value is read from the form as before).
 *
 * ARIA: the listbox is tied to the textarea by aria-controls and aria-activedescendant, with aria-autocomplete="list"
 * (the combobox pattern; the textarea keeps its own textbox role, since ARIA in HTML allows no other role on a
 * textarea); a polite live region says how many members match and which keys to use.
 */
import { createContext, useContext, useEffect, useRef, useState, type KeyboardEvent, type TextareaHTMLAttributes } from "react";
import { matchingMembers, mentionAt, withMention } from "../threads/mention-picker";
import { useT } from "../i18n/react";

/** The names the picker offers: the members of the document's workshop (set by the document page). */
export const MentionNames = createContext<readonly string[]>([]);

interface Picking {
  start: number;
  options: string[];
  active: number;
}

export function MentionField(props: TextareaHTMLAttributes<HTMLTextAreaElement> & { id: string }) {
  const { t } = useT();
  const names = useContext(MentionNames);
  const ref = useRef<HTMLTextAreaElement>(null);
  const [picking, setPicking] = useState<Picking | null>(null);
  const listId = `${props.id}-mentions`;

  const look = () => {
    const field = ref.current;
    if (!field || field.selectionStart !== field.selectionEnd) return setPicking(null);
    const typed = mentionAt(field.value, field.selectionStart);
    const options = typed ? matchingMembers(names, typed.query) : [];
    setPicking(typed && options.length > 0 ? { start: typed.start, options, active: 0 } : null);
  };

  const choose = (name: string) => {
    const field = ref.current;
    if (!field || !picking) return;
    const next = withMention(field.value, picking.start, field.selectionStart, name);
    field.value = next.text;
    field.setSelectionRange(next.caret, next.caret);
    field.focus();
    setPicking(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    props.onKeyDown?.(event);
    if (!picking || event.altKey || event.ctrlKey || event.metaKey) return;
    const count = picking.options.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setPicking({ ...picking, active: (picking.active + step + count) % count });
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (event.shiftKey) return;
      event.preventDefault();
      choose(picking.options[picking.active]!);
    }
  };

  // Escape closes the list only, not the sheet around the field: the panel listens natively on its own element,
  // which a React handler (run at the root, after the event bubbled) would be too late to stop.
  const open = picking !== null;
  useEffect(() => {
    const field = ref.current;
    if (!field || !open) return;
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      setPicking(null);
    };
    field.addEventListener("keydown", onEscape);
    return () => field.removeEventListener("keydown", onEscape);
  }, [open]);

  const optionId = (i: number) => `${listId}-${i}`;
  return (
    <div className="mention-field">
      <textarea
        {...props}
        ref={ref}
        aria-autocomplete="list"
        aria-controls={picking ? listId : undefined}
        aria-activedescendant={picking ? optionId(picking.active) : undefined}
        onInput={(e) => {
          props.onInput?.(e);
          look();
        }}
        onClick={look}
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight" || e.key === "Home" || e.key === "End") look();
        }}
        onKeyDown={onKeyDown}
        onBlur={(e) => {
          props.onBlur?.(e);
          setPicking(null);
        }}
      />
      {picking ? (
        <ul className="mention-field__list" role="listbox" id={listId} aria-label={t("editor:mentions.list")}>
          {picking.options.map((name, i) => (
            <li
              key={name}
              id={optionId(i)}
              role="option"
              aria-selected={i === picking.active}
              className={i === picking.active ? "mention-field__option is-active" : "mention-field__option"}
              // Chosen on mousedown, before the field loses focus.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(name);
              }}
            >
              {`@${name}`}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {picking ? t("editor:mentions.matches", { count: picking.options.length }) : ""}
      </p>
    </div>
  );
}
