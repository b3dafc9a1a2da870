/**
 * After an action the page answers in place (a client-side navigation re-renders it), the element that had focus
 * — a submit button, a link that is gone now — no longer exists, and focus falls to the page body: a keyboard or
 * screen-reader user loses their place. An outcome that appears with this ref takes focus (tabIndex -1 makes a
 * notice focusable without adding it to the Tab order), so it is read out and Tab goes on from there.
 */
import { useEffect, useRef, type RefObject } from "react";

export function useFocusOnArrival<T extends HTMLElement>(): RefObject<T> {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
