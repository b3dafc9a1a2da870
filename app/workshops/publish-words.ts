/**
 * The publish page's refusals in the page's language (issue 14): publishing's and translations' errors carry a
 * reason and values (their English `message` stays the JSON API's), said here with whole literal keys.
 */
import type { Translate } from "../i18n/instance";
import { languageNameIn } from "../declarations/languages";
import type { OrganisationPolicy } from "../declarations/public-view";
import type { Locale } from "../i18n/locales";
import type { PublishError, PublishErrorReason } from "../models/publishing.server";
import type { TranslationError, TranslationErrorReason } from "../models/translations.server";

export function publishErrorText(t: Translate, error: { reason: PublishErrorReason; values: PublishError["values"] }): string {
  const { number = 0, slug = "" } = error.values;
  switch (error.reason) {
    case "version_not_found":
      return t("workshop:publish.errors.versionNotFound");
    case "slug_taken":
      return t("workshop:publish.errors.slugTaken", { slug });
    case "slug_fixed":
      return t("workshop:publish.errors.slugFixed", { slug });
    case "slug_invalid":
      return t("workshop:publish.errors.slugInvalid");
    case "unchanged":
      return t("workshop:publish.errors.unchanged", { number });
    case "empty":
      return t("workshop:publish.errors.empty");
    case "unrenderable":
      return t("workshop:publish.errors.unrenderable");
    case "not_previewed":
      return t("workshop:publish.errors.notPreviewed");
    case "source_unpublished":
      return t("workshop:publish.errors.sourceUnpublished");
    case "translation_address":
      return t("workshop:publish.errors.translationAddress", { slug });
    case "untranslated":
      return t("workshop:publish.errors.untranslated");
  }
}

export function translationErrorText(t: Translate, locale: Locale, error: { reason: TranslationErrorReason; values: TranslationError["values"] }): string {
  const { number = 0, language = "" } = error.values;
  switch (error.reason) {
    case "language_invalid":
      return t("workshop:publish.errors.languageInvalid", { max: 35 });
    case "version_not_found":
      return t("workshop:publish.errors.publishedVersionNotFound");
    case "not_translation":
      return t("workshop:publish.errors.notTranslation");
    case "translation_of_translation":
      return t("workshop:publish.errors.translationOfTranslation");
    case "same_language":
      return t("workshop:publish.errors.sameLanguage", { language: languageNameIn(language, locale) });
    case "already_current":
      return t("workshop:publish.errors.alreadyCurrent", { number });
    case "no_slug":
      return t("workshop:publish.errors.noSlug");
  }
}

/** How organisations are listed, as the organisers choose it. */
export function policyLabel(t: Translate, policy: OrganisationPolicy): string {
  return policy === "verified_only" ? t("workshop:publish.settings.policyVerifiedOnly") : t("workshop:publish.settings.policyListUnverified");
}

/** The notice once the policy is saved. */
export function policyNotice(t: Translate, policy: OrganisationPolicy): string {
  return policy === "verified_only" ? t("workshop:publish.settings.savedVerifiedOnly") : t("workshop:publish.settings.savedListUnverified");
}
