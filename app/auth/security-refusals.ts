/**
 * The second factor's and passkeys' refusals as stable codes, with the values their words need. The rules
 * (app/auth/second-factor.server.ts, app/auth/passkeys.server.ts) answer with these; the pages say them in the
 * reader's language in one place, app/auth/security-words.server.ts. No JSON API answers with them today.
 */

/** A refusal of setting up, proving or turning off a second factor, or of adding a passkey. */
export type SecurityRefusal =
  | {
      code:
        | "wrongCode"
        | "typeSixDigits"
        | "enrolmentClosed"
        | "notPassword"
        | "noSecondFactor"
        | "signInAgain"
        | "requestClosed"
        | "registrationFailed"
        | "alreadyRegistered";
    }
  | { code: "tooManyAttempts"; retryAfterSeconds: number }
  | { code: "tooManyPasskeys" | "passkeyNameBounds"; max: number };

export type SecurityRefusalCode = SecurityRefusal["code"];

/** Why an organiser may not reset another person's second factor. */
export type ResetRefusalCode = "ownFirstReset" | "notYourOwn" | "onlyOrganisers" | "noneToReset";

/** Thrown by `resetSecondFactorByOrganiser`; `code` says why. */
export class SecondFactorResetError extends Error {
  constructor(readonly code: ResetRefusalCode) {
    super(`The second factor was not reset: ${code}.`);
    this.name = "SecondFactorResetError";
  }
}
