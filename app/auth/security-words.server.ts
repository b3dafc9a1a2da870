/**
 * The second factor's and passkeys' refusals in the reader's language (issue 14), from their codes
 * (app/auth/security-refusals.ts): the one place where a refusal of app/auth/second-factor.server.ts or
 * app/auth/passkeys.server.ts becomes words.
 */
import type { Translate } from "../i18n/instance";
import type { ResetRefusalCode, SecurityRefusal } from "./security-refusals";

/** One refusal in the reader's language (the wait after too many attempts is said by the caller). */
export function securityWords(t: Translate, refusal: SecurityRefusal): string {
  switch (refusal.code) {
    case "wrongCode": return t("security:errors.wrongCode");
    case "typeSixDigits": return t("security:errors.typeSixDigits");
    case "enrolmentClosed": return t("security:errors.enrolmentClosed");
    case "tooManyAttempts": return t("security:errors.tooManyAttempts");
    case "notPassword": return t("security:errors.notPassword");
    case "noSecondFactor": return t("security:errors.noSecondFactor");
    case "signInAgain": return t("security:errors.signInAgain");
    case "tooManyPasskeys": return t("security:errors.tooManyPasskeys", { max: refusal.max });
    case "passkeyNameBounds": return t("security:errors.passkeyNameBounds", { max: refusal.max });
    case "requestClosed": return t("security:errors.requestClosed");
    case "registrationFailed": return t("security:errors.registrationFailed");
    case "alreadyRegistered": return t("security:errors.alreadyRegistered");
  }
}

/** Why an organiser's reset of someone's second factor was refused, in the organiser's language. */
export function resetRefusalWords(t: Translate, code: ResetRefusalCode): string {
  switch (code) {
    case "ownFirstReset": return t("workshop:secondFactor.errors.ownFirstReset");
    case "notYourOwn": return t("workshop:secondFactor.errors.notYourOwn");
    case "onlyOrganisers": return t("workshop:secondFactor.errors.onlyOrganisers");
    case "noneToReset": return t("workshop:secondFactor.errors.noneToReset");
  }
}
