/**
 * Whole-document validity of a live update (security review L6): inspect-update.ts checks an update's pieces on its
 * bytes alone; this applies it to the room's accepted document (room.ts) and checks what it changed, so that the
 * document as a whole stays one the schema accepts and versions can always be saved.
 *
 * Yjs lists the types a transaction changed (children or attributes). For each that is still in the document, the
 * nearest element holding it is checked with everything under it (validateYElement: schema content, marks,
 * attributes, Accord's rules); a change at the top level checks the order of the top-level elements against the
 * document's content and each new one whole. So a typed character costs a check of its paragraph, not of the
 * document (validateChangedParts in app/editor/document-tools.server.ts, which the server's own writes use too). An update whose structs cannot be placed (they depend on changes the server does not hold) is refused:
 * it would be integrated later without a check.
 */
import * as Y from "yjs";
import { validateChangedParts, type ValidationResult } from "../../app/editor/document-tools.server";

export const MISSING_DEPENDENCIES = "it depends on changes the server does not hold";

/** The update's structs wait for changes this document does not hold (which another instance may have committed). */
export interface MissingDependencies {
  ok: false;
  reason: string;
  missingDependencies: true;
}

interface Applied {
  changed: Map<Y.AbstractType<unknown>, Set<string | null>>;
  before: Map<number, number>;
}

/** Apply `update` to `doc` (which it changes whatever the answer) and check the parts it changed. */
export function applyAndCheck(doc: Y.Doc, update: Uint8Array): ValidationResult | MissingDependencies {
  const pendingBefore = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  let applied: Applied | null = null;
  const listener = (transaction: Y.Transaction) => {
    applied ??= { changed: new Map(), before: transaction.beforeState };
    for (const [type, keys] of transaction.changed) applied.changed.set(type as Y.AbstractType<unknown>, keys);
  };
  doc.on("afterTransaction", listener);
  try {
    Y.applyUpdate(doc, update);
  } finally {
    doc.off("afterTransaction", listener);
  }
  if (!pendingBefore && (doc.store.pendingStructs !== null || doc.store.pendingDs !== null)) {
    return { ok: false, reason: MISSING_DEPENDENCIES, missingDependencies: true };
  }
  if (!applied) return { ok: true };
  const { changed, before } = applied as Applied;
  return validateChangedParts(doc, changed.keys(), before);
}
