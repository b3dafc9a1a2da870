/** The account fields' and forms' problems in English, for the CLI and the JSON API, from the pages' one table. */
import { tFor } from "../i18n/strings.server";
import { messageIn } from "./field-words";

/** A rule's message in English: a code's words (app/auth/field-problems.ts); any other message as it is. */
export function inEnglish(message: string): string {
  return messageIn(tFor("en"), message);
}
