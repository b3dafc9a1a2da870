/**
 * Account fields' messages in the reader's language (issue 14). The zod rules (app/auth/fields.ts) and the password
 * rules (app/auth/password.server.ts) keep their English for the API and the CLI; pages show them through `fieldWords`.
 */
import type { Translate } from "../i18n/instance";
// The bounds of app/auth/password.server.ts (PASSWORD_MIN, PASSWORD_MAX).
const PASSWORD_MIN = 12;
const PASSWORD_MAX = 256;

/** One message in the reader's language (unknown ones stay as they are). */
export function fieldWords(t: Translate, message: string): string {
  switch (message) {
    case "Enter your name.": return t("auth:fields.nameMissing");
    case "Use at most 120 characters.": return t("auth:fields.nameTooLong");
    case "Remove control characters from your name.": return t("auth:fields.nameControl");
    case "Enter your e-mail address.": return t("auth:fields.emailMissing");
    case "That e-mail address is too long.": return t("auth:fields.emailTooLong");
    case "Enter an e-mail address like name@example.org.": return t("auth:fields.emailInvalid");
    case "Enter a password.": return t("auth:fields.passwordMissing");
    case "That password is too long.": return t("auth:fields.passwordTooLong");
    case `Use at least ${PASSWORD_MIN} characters.`: return t("auth:fields.passwordShort", { min: PASSWORD_MIN });
    case `Use at most ${PASSWORD_MAX} characters.`: return t("auth:fields.passwordLong", { max: PASSWORD_MAX });
    case "This password is one of the most commonly used; choose another.": return t("auth:fields.passwordCommon");
    case "This password repeats too few characters; choose another.": return t("auth:fields.passwordRepetitive");
    case "Do not build the password from your e-mail address.": return t("auth:fields.passwordFromEmail");
    case "Do not use your name as the password.": return t("auth:fields.passwordIsName");
    default: return message;
  }
}

/** Every message of a form's fields in the reader's language. */
export function fieldErrorsIn(t: Translate, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, fieldWords(t, message)]));
}
