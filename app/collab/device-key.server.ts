import { createHash } from "node:crypto";
import { DEVICE_COPY_PREFIX } from "./device-copies";

/**
 * How an account's device copies of documents are named in the browser's IndexedDB (app/collab/device-copy.ts):
 * `accord-device-copy:<key>:` then the document id, the key a hash of the account id, so copies are kept per account
 * and the id itself never reaches the browser's storage.
 */
export function deviceCopyPrefix(userId: string): string {
  return `${DEVICE_COPY_PREFIX}${deviceAccountKey(userId)}:`;
}

/** The key alone: it also names the account's pages kept for offline use (app/collab/offline-pages.ts). */
export function deviceAccountKey(userId: string): string {
  return createHash("sha256").update(`accord device copy\0${userId}`).digest("base64url").slice(0, 22);
}
