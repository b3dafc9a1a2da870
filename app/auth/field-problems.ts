/**
 * The account fields' and forms' problems as stable codes. The rules answer with a code (app/auth/fields.ts as its zod
 * messages, app/auth/password.server.ts, app/auth/accounts.server.ts, app/utils/forms.server.ts); the pages say it in
 * the reader's language and the CLI in English, both from the one table of app/auth/field-words.ts.
 */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const FIELD_PROBLEMS = [
  "nameMissing",
  "nameTooLong",
  "nameControl",
  "emailMissing",
  "emailTooLong",
  "emailInvalid",
  "passwordMissing",
  "passwordTooLong",
  "passwordShort",
  "passwordLong",
  "passwordCommon",
  "passwordRepetitive",
  "passwordFromEmail",
  "passwordIsName",
  "currentPasswordWrong",
  "formUnreadable",
  "formCheck",
] as const;

/** One problem of an account field (name, e-mail, password) or of a whole form (`formUnreadable`, `formCheck`). */
export type FieldProblem = (typeof FIELD_PROBLEMS)[number];

/** A password rule's refusal (app/auth/password.server.ts `passwordProblem`). */
export type PasswordProblem = Extract<FieldProblem, `password${string}`>;

const CODES: ReadonlySet<string> = new Set(FIELD_PROBLEMS);

/** Whether a rule's message is one of these codes (other messages are a page's own words or keys). */
export function isFieldProblem(message: unknown): message is FieldProblem {
  return typeof message === "string" && CODES.has(message);
}
