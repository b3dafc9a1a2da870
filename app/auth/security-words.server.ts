/**
 * The second factor's and passkeys' refusals in the reader's language (issue 14). The rules
 * (app/auth/second-factor.server.ts, app/auth/passkeys.server.ts) keep their English for the API and the CLI; pages
 * show them through `securityWords`, like app/auth/field-words.ts does for account fields.
 */
import type { Translate } from "../i18n/instance";
import { MAX_PASSKEY_NAME, MAX_PASSKEYS } from "./passkeys.server";

/** One message in the reader's language (an unknown one stays as it is). */
export function securityWords(t: Translate, message: string): string {
  switch (message) {
    case "That code is not right, or it was already used. Type the 6 digits your app shows now (a new code comes every 30 seconds).":
      return t("security:errors.wrongCode");
    case "Type the 6 digits your authenticator app shows for Accord.": return t("security:errors.typeSixDigits");
    case "Start setting up the second factor again: this set-up is no longer open.": return t("security:errors.enrolmentClosed");
    case "Too many attempts.": return t("security:errors.tooManyAttempts");
    case "That is not your password. Give your password, or a code from your app or a recovery code.": return t("security:errors.notPassword");
    case "Your account has no second factor: set one up first, and its recovery codes come with it.": return t("security:errors.noSecondFactor");
    case "Sign out and sign in again with your second factor before you add a passkey.": return t("security:errors.signInAgain");
    case `An account can have ${MAX_PASSKEYS} passkeys: remove one first.`: return t("security:errors.tooManyPasskeys", { max: MAX_PASSKEYS });
    case `Give the passkey a name of at most ${MAX_PASSKEY_NAME} characters (for example “Laptop” or “Phone”).`:
      return t("security:errors.passkeyNameBounds", { max: MAX_PASSKEY_NAME });
    case "That passkey request is no longer open (it lasts two minutes, once). Try again.": return t("security:errors.requestClosed");
    case "That passkey could not be added: the answer did not match what Accord asked for. Try again.": return t("security:errors.registrationFailed");
    case "That passkey is already registered.": return t("security:errors.alreadyRegistered");
    case "A code is at most 6 digits, or a recovery code of 16 letters and digits.": return t("security:errors.codeTooLong");
    case "Give the passkey a name (for example “Laptop” or “Phone”).": return t("security:errors.passkeyNameMissing");
    case `A passkey's name is at most ${MAX_PASSKEY_NAME} characters.`: return t("security:errors.passkeyNameTooLong", { max: MAX_PASSKEY_NAME });
    case "That answer from the browser is too long.": return t("security:errors.answerTooLong");
    case "Choose a passkey to remove.": return t("security:errors.choosePasskey");
    case "The form could not be read. Please try again.": return t("security:errors.invalidForm");
    case "Please check the form.": return t("security:errors.checkForm");
    default: return message;
  }
}
