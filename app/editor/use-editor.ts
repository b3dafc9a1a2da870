/**
 * The three things Accord used from @tiptap/react, on @tiptap/core and React alone: that package also brings React
 * node views, menus, a copy of use-sync-external-store and fast-equals (≈ 5 kB gzipped in the editor's JavaScript),
 * none of which Accord uses.
 *
 * - `useEditor(options, deps)`: the editor, created after the first render (never on the server), recreated when a
 *   dependency changes and destroyed on unmount. The component does not re-render on every transaction.
 * - `<EditorContent editor>`: the element the editor's contenteditable moves into.
 * - `useEditorState({ editor, selector })`: what `selector` reads from the editor, re-read after every transaction;
 *   the component re-renders only when the value changed (compared deeply, as @tiptap/react does).
 */
import { createElement, useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { Editor, type EditorOptions } from "@tiptap/core";

export type { Editor };

export function useEditor(options: Partial<EditorOptions>, deps: readonly unknown[]): Editor | null {
  const [editor, setEditor] = useState<Editor | null>(null);
  const latest = useRef(options);
  latest.current = options;
  useEffect(() => {
    const instance = new Editor(latest.current);
    setEditor(instance);
    return () => {
      setEditor(null);
      instance.destroy();
    };
    // The caller says when the editor must be rebuilt, as with @tiptap/react.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return editor;
}

/** Where the editor shows: its contenteditable is moved into this element once both exist. */
export function EditorContent({ editor }: { editor: Editor | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!editor || editor.isDestroyed || !element) return;
    const dom = editor.view.dom;
    if (dom.parentNode !== element) {
      element.append(dom);
      editor.setOptions({ element });
    }
  }, [editor]);
  return createElement("div", { ref });
}

export interface EditorStateSnapshot<E extends Editor | null = Editor | null> {
  editor: E;
}

/** Deep equality of the plain values selectors return (primitives, arrays, plain objects). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

export function useEditorState<T, E extends Editor | null>({ editor, selector }: { editor: E; selector: (snapshot: EditorStateSnapshot<E>) => T }): T {
  const version = useRef(0);
  const cache = useRef<{ editor: E; version: number; selector: unknown; value: T } | null>(null);
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!editor) return () => {};
      const onTransaction = () => {
        version.current += 1;
        notify();
      };
      editor.on("transaction", onTransaction);
      return () => {
        editor.off("transaction", onTransaction);
      };
    },
    [editor],
  );
  const read = (): T => {
    const held = cache.current;
    if (held && held.editor === editor && held.version === version.current && held.selector === selector) return held.value;
    const next = selector({ editor });
    const value = held && deepEqual(held.value, next) ? held.value : next;
    cache.current = { editor, version: version.current, selector, value };
    return value;
  };
  return useSyncExternalStore(subscribe, read, read);
}
