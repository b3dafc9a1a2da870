/**
 * The account fields' and forms' problems in words (issue 14), from their codes (app/auth/field-problems.ts): the one
 * place where a code becomes a sentence, in the reader's language on pages and in English for the CLI
 * (app/auth/field-english.server.ts).
 */
import type { Translate } from "../i18n/instance";
import { isFieldProblem, PASSWORD_MAX, PASSWORD_MIN, type FieldProblem } from "./field-problems";

/** One problem in the language of `t`. */
export function fieldProblemWords(t: Translate, problem: FieldProblem): string {
  switch (problem) {
    case "nameMissing": return t("auth:fields.nameMissing");
    case "nameTooLong": return t("auth:fields.nameTooLong");
    case "nameControl": return t("auth:fields.nameControl");
    case "emailMissing": return t("auth:fields.emailMissing");
    case "emailTooLong": return t("auth:fields.emailTooLong");
    case "emailInvalid": return t("auth:fields.emailInvalid");
    case "passwordMissing": return t("auth:fields.passwordMissing");
    case "passwordTooLong": return t("auth:fields.passwordTooLong");
    case "passwordShort": return t("auth:fields.passwordShort", { min: PASSWORD_MIN });
    case "passwordLong": return t("auth:fields.passwordLong", { max: PASSWORD_MAX });
    case "passwordCommon": return t("auth:fields.passwordCommon");
    case "passwordRepetitive": return t("auth:fields.passwordRepetitive");
    case "passwordFromEmail": return t("auth:fields.passwordFromEmail");
    case "passwordIsName": return t("auth:fields.passwordIsName");
    case "currentPasswordWrong": return t("account:password.currentWrong");
    case "formUnreadable": return t("common:form.unreadable");
    case "formCheck": return t("common:form.check");
  }
}

/** A rule's message in the language of `t`: a code's words; any other message (a page's own words) as it is. */
export function messageIn(t: Translate, message: string): string {
  return isFieldProblem(message) ? fieldProblemWords(t, message) : message;
}

/** Every message of a form's fields in the language of `t`. */
export function fieldErrorsIn(t: Translate, errors: Partial<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) if (message !== undefined) out[field] = messageIn(t, message);
  return out;
}
