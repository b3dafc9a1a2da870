import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";

/**
 * The language of a mail (issue 14): the recipient account's preference, else the language of the request that caused
 * it when the recipient made it (sign-up, password reset) or the inviter's (an invitation to a new address), else English.
 */
export function recipientLocale(account: string | null | undefined, request?: Locale | null): Locale {
  if (isLocale(account)) return account;
  return request ?? DEFAULT_LOCALE;
}
