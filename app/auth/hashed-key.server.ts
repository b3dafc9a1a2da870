/** Keys for rate-limit and throttle tables: "<kind>:<SHA-256 prefix of the value>", so no e-mail or IP is stored. */
import { createHash } from "node:crypto";

export function hashedKey(kind: string, value: string): string {
  return `${kind}:${createHash("sha256").update(value).digest("hex").slice(0, 32)}`;
}
