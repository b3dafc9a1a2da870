/**
 * Keys for rate-limit and throttle tables: "<kind>:<HMAC-SHA-256 prefix of the value>", so no e-mail, account id or IP
 * is stored, and a copy of those tables cannot be turned back into them by trying every IPv4 address: the HMAC's key
 * is ACCORD_KEY_SECRET, or, when it is not set, a random secret the server stores once in `server_keys` (then a copy
 * of the whole database holds it too: set ACCORD_KEY_SECRET in production). Every instance must use the same key.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { ensureServerKey } from "../../db/server-keys";
import { getConfig } from "../config.server";
import { log } from "../utils/log.server";

// On globalThis, like the database client: the Remix server build carries its own copy of this module, and the
// key loaded by the server at start must be the one the routes use.
const KEY = Symbol.for("accord.hashed-keys.secret");
const holder = globalThis as unknown as { [KEY]?: Buffer };

/** Load the key (once per process, before the first request). */
export async function initHashedKeys(): Promise<void> {
  const configured = getConfig().ACCORD_KEY_SECRET;
  if (configured) {
    holder[KEY] = createHash("sha256").update(configured).digest();
    return;
  }
  holder[KEY] = await ensureServerKey("hashed-keys", randomBytes(32));
  if (getConfig().isProduction) {
    log.warn("ACCORD_KEY_SECRET is not set: rate-limit keys use a secret stored in the database, so a copy of the database could reveal which IPs were limited. Set it (32+ characters, the same on every instance).");
  }
}

/** The key for `value` under an explicit secret (pure; tests). */
export function hashedKeyWith(key: Buffer, kind: string, value: string): string {
  return `${kind}:${createHmac("sha256", key).update(value).digest("hex").slice(0, 32)}`;
}

export function hashedKey(kind: string, value: string): string {
  const secret = holder[KEY];
  if (!secret) throw new Error("hashed keys are not initialised: the server calls initHashedKeys() at start");
  return hashedKeyWith(secret, kind, value);
}
