/** The interface language an account reads Accord in (issue 14): a language of app/i18n/locales.ts, or null to follow the browser. */
import { setUserLanguage } from "../../db/users";
import { isLocale } from "../i18n/locales";

export async function saveAccountLanguage(userId: string, language: string): Promise<void> {
  await setUserLanguage(userId, isLocale(language) ? language : null);
}
