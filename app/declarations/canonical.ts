/**
 * The canonical text of a published version, and its SHA-256. Anyone can recompute the hash from the public text
 * (README "Verifying a declaration"; `npm run accord -- verify <url-or-slug>`):
 *
 * 1. Start from the version's plain text (blocks separated by a blank line; list items "- " / "1. ").
 * 2. Unicode NFC; line endings LF; tabs and other horizontal whitespace runs become one space; spaces at the start
 *    and end of each line removed; three or more consecutive newlines become two.
 * 3. Trim the whole text and end it with exactly one "\n".
 * 4. SHA-256 of the UTF-8 bytes, lowercase hex.
 *
 * Pure and isomorphic (uses only TextEncoder and @oslojs/crypto): the CLI, the server and tests share it.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";

export function canonicalText(plainText: string): string {
  const lines = plainText
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.replace(/[^\S\n]+/g, " ").trim());
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
}

export function canonicalHash(canonical: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(canonical)));
}
