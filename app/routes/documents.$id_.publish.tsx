/**
 * /documents/:id/publish — organisers only: choose a named version, preview exactly what would be sealed
 * (`?version=<id>`: hash, changes since the public version, warnings, full text), then confirm to seal it as the next
 * published version (with the public address on the first publish); open or close endorsements, and choose how
 * organisations are listed.
 * Not a member of the document's workshop (or no such document): 404; a member who is not an organiser: 403.
 * The rules live in app/models/publishing.server.ts. Works without JavaScript.
 *
 * (`$id_` keeps this page out of the document page's layout: it is a page of its own.)
 */
import type { ActionFunctionArgs, AppLoadContext, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import { z } from "zod";
import { FormError, FormNotice } from "../components/field";
import { countsSentence, ORGANISATION_POLICIES, type OrganisationPolicy } from "../declarations/public-view";
import { DeclarationSettings } from "../components/publish/declaration-settings";
import { PublicationPreview } from "../components/publish/publication-preview";
import { VersionChooser } from "../components/publish/version-chooser";
import { demoteHeadings } from "../editor/demote-headings";
import { previewPublication } from "../models/publication-preview.server";
import { findDocumentForUser } from "../models/workshops.server";
import {
  canPublish,
  countPublicEndorsementsOf,
  findDeclarationForDocument,
  isSlug,
  listPublishedVersions,
  listVersionChoices,
  publishVersion,
  PublishError,
  setEndorsementsOpen,
  setOrganisationPolicy,
} from "../models/publishing.server";
import { isoString } from "../utils/dates";
import { formToObject, parseWith } from "../utils/forms.server";
import { notFound, requireUser } from "../utils/guards.server";
import { requireSecondFactorFor } from "../auth/second-factor-gate.server";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";
import { useFocusOnArrival } from "../components/focus-on-arrival";
import { discussionOnVersion, discussionSentence } from "../threads/threads.server";
import { TranslationPublishNote, TranslationsPanel } from "../components/publish/translations-panel";
import { createTranslation, retargetTranslation, findDocumentLanguage, findTranslationBinding, listTranslationDocuments, publishTranslation, TranslationError } from "../models/translations.server";
import { languageNameIn } from "../declarations/languages";
import { requestLocale, requestT } from "../i18n/strings.server";
import { Trans, useT } from "../i18n/react";
import { workshopStrings } from "../workshops/strings.server";
import { dateTimeIn, roleName } from "../workshops/words";
import { policyNotice, publishErrorText, translationErrorText } from "../workshops/publish-words";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.title : "Accord" }];

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function requireOrganiser(request: Request, context: AppLoadContext, id: string | undefined) {
  const auth = await requireUser(request, context);
  const { user } = auth;
  const document = await findDocumentForUser(id ?? "", user.id);
  if (!document) throw notFound();
  if (!canPublish(document.role)) {
    const t = await requestT(request, context);
    throw new Response(
      t("workshop:publish.onlyOrganisers", { workshop: document.workshopTitle, document: document.title, role: roleName(t, document.role) }),
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  await requireSecondFactorFor(auth, { id: document.workshopId, title: document.workshopTitle }, "page");
  return { user, document };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { document } = await requireOrganiser(request, context, params.id);
  const chosen = new URL(request.url).searchParams.get("version") || null;
  const [declaration, versions, published, preview, binding, translationDocs, language] = await Promise.all([
    findDeclarationForDocument(document.id),
    listVersionChoices(document.id),
    listPublishedVersions(document.id),
    chosen ? previewPublication(document.id, chosen, 3) : null,
    findTranslationBinding(document.id),
    listTranslationDocuments(document.id),
    findDocumentLanguage(document.id),
  ]);
  const counts = declaration ? await countPublicEndorsementsOf({ documentId: document.id }) : null;
  const current = published[0] ?? null;
  const [t, locale] = await Promise.all([requestT(request, context), requestLocale(request, context)]);
  const discussion = preview && chosen ? discussionSentence(t, await discussionOnVersion(document.id, chosen)) : null;
  return {
    title: t("workshop:publish.metaTitle", { document: document.title }),
    // A translation document's page has no translations panel: it is not sent the panel's words.
    i18n: await workshopStrings(request, context, binding ? ["publish"] : ["publish", "translations"]),
    document: { id: document.id, title: document.title, slug: document.slug, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    declaration,
    versions: versions.map((v) => ({ id: v.id, name: v.name, createdAt: v.createdAt, authorName: v.authorName, publishedAs: v.publishedAs })),
    published: published.map((p) => ({ number: p.number, sha256: p.sha256, publishedAt: p.publishedAt })),
    countsText: counts && current ? countsSentence(counts, current.number, t, locale) : null,
    preview: preview && {
      ...preview,
      refusal: preview.refusedWith ? publishErrorText(t, preview.refusedWith) : preview.refusal,
      seal: preview.seal && { hash: preview.seal.hash, words: preview.seal.words, html: demoteHeadings(preview.seal.html, 3) },
    },
    previewMissing: chosen !== null && !preview,
    discussion,
    translationOf: binding && {
      sourceId: binding.sourceDocumentId,
      sourceTitle: binding.sourceTitle,
      sourceSlug: binding.sourceSlug,
      language: binding.language,
      languageName: languageNameIn(binding.language, locale),
      sourceNumber: binding.sourceNumber,
      latestSourceNumber: binding.latestSourceNumber,
    },
    translations: translationDocs.map((tr) => ({ ...tr, languageName: languageNameIn(tr.language, locale) })),
    languageName: languageNameIn(language ?? "en", locale),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const schemaIn = (t: Translate) => {
  const chooseVersion = t("workshop:publish.form.chooseVersion");
  const previewFirst = t("workshop:publish.form.previewFirst");
  const giveLanguage = t("workshop:publish.form.giveLanguage");
  const chooseNumber = t("workshop:publish.form.chooseNumber");
  return z.discriminatedUnion(
    "intent",
    [
      z.object({
        intent: z.literal("publish"),
        versionId: z.string({ message: chooseVersion }).regex(UUID, chooseVersion),
        slug: z
          .string()
          .trim()
          .toLowerCase()
          .refine((s) => s === "" || isSlug(s), t("workshop:publish.form.slugShape"))
          .optional(),
        hash: z.string({ message: previewFirst }).regex(/^[0-9a-f]{64}$/, previewFirst),
        confirm: z.literal("yes", { message: t("workshop:publish.form.confirmRequired") }),
      }),
      z.object({
        intent: z.literal("translate"),
        language: z.string({ message: giveLanguage }).trim().min(1, giveLanguage).max(35, t("workshop:publish.form.languageTooLong")),
        versionNumber: z.coerce.number({ message: chooseNumber }).int(chooseNumber).min(1, chooseNumber),
      }),
      z.object({ intent: z.literal("retarget") }),
      z.object({ intent: z.literal("endorsements"), open: z.enum(["1", "0"], { message: t("workshop:publish.form.chooseOpen") }) }),
      z.object({
        intent: z.literal("policy"),
        policy: z.custom<OrganisationPolicy>((v) => (ORGANISATION_POLICIES as readonly unknown[]).includes(v), { message: t("workshop:publish.form.choosePolicy") }),
      }),
    ],
    { message: t("workshop:publish.form.unknownAction") },
  );
};

interface ActionResult {
  error: string | null;
  fieldErrors: Record<string, string>;
  notice: string | null;
  published: { slug: string; number: number; hash: string; notified: number; language?: string } | null;
  intent: string | null;
}

const result = (r: Partial<ActionResult>, status = 200) =>
  data<ActionResult>({ error: null, fieldErrors: {}, notice: null, published: null, intent: null, ...r }, { status });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, document } = await requireOrganiser(request, context, params.id);
  const [t, locale] = await Promise.all([requestT(request, context), requestLocale(request, context)]);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return result({ error: t("workshop:publish.form.unreadable") }, 400);
  }
  const submitted = form.get("intent");
  const parsed = parseWith(schemaIn(t), formToObject(form));
  if (!parsed.ok) {
    const first = Object.values(parsed.fieldErrors)[0] ?? t("workshop:publish.form.check");
    return result({ error: first, fieldErrors: parsed.fieldErrors, intent: typeof submitted === "string" ? submitted : null }, 400);
  }
  const input = parsed.data;
  if (input.intent === "translate") {
    try {
      const created = await createTranslation({ sourceDocumentId: document.id, versionNumber: input.versionNumber, language: input.language, actorId: user.id });
      return redirect(`/documents/${created.documentId}`);
    } catch (error) {
      if (error instanceof TranslationError) {
        const message = translationErrorText(t, locale, error);
        return result({ intent: "translate", error: message, fieldErrors: { language: message } }, error.status);
      }
      throw error;
    }
  }
  if (input.intent === "retarget") {
    try {
      const moved = await retargetTranslation({ documentId: document.id, actorId: user.id, workshopId: document.workshopId });
      return result({ intent: "retarget", notice: t("workshop:publish.retargeted", { to: moved.to, from: moved.from }) });
    } catch (error) {
      if (error instanceof TranslationError) return result({ intent: "retarget", error: translationErrorText(t, locale, error) }, error.status);
      throw error;
    }
  }
  if (input.intent === "publish" && (await findTranslationBinding(document.id))) {
    try {
      const sealed = await publishTranslation({ documentId: document.id, versionId: input.versionId, slug: input.slug || null, actorId: user.id, expectedHash: input.hash });
      return result({ intent: "publish", published: { slug: sealed.slug, number: sealed.number, hash: sealed.hash, notified: 0, language: sealed.language } });
    } catch (error) {
      if (error instanceof PublishError) {
        const field = error.code === "not_previewed" ? "hash" : "versionId";
        const message = publishErrorText(t, error);
        return result({ intent: "publish", error: message, fieldErrors: { [field]: message } }, error.status);
      }
      throw error;
    }
  }
  if (input.intent === "publish") {
    try {
      const published = await publishVersion({
        documentId: document.id,
        versionId: input.versionId,
        slug: input.slug || null,
        actorId: user.id,
        expectedHash: input.hash,
      });
      return result({ intent: "publish", published: { slug: published.slug, number: published.number, hash: published.hash, notified: published.notified } });
    } catch (error) {
      if (error instanceof PublishError) {
        const field = error.code.startsWith("slug") ? "slug" : error.code === "not_previewed" ? "hash" : "versionId";
        const message = publishErrorText(t, error);
        return result({ intent: "publish", error: message, fieldErrors: { [field]: message } }, error.status);
      }
      throw error;
    }
  }
  if (input.intent === "endorsements") {
    const open = input.open === "1";
    const updated = await setEndorsementsOpen(document.id, document.workshopId, user.id, open);
    if (!updated) return result({ intent: "endorsements", error: t("workshop:publish.settings.nothingToEndorse") }, 409);
    return result({ intent: "endorsements", notice: open ? t("workshop:publish.settings.opened") : t("workshop:publish.settings.closed") });
  }
  const updated = await setOrganisationPolicy(document.id, document.workshopId, user.id, input.policy);
  if (!updated) return result({ intent: "policy", error: t("workshop:publish.settings.policyNeedsPublication") }, 409);
  return result({ intent: "policy", notice: policyNotice(t, input.policy) });
}

export default function PublishPage() {
  const { document, declaration, versions, published, countsText, preview, previewMissing, discussion, translationOf, translations, languageName } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, locale } = useT();
  const busy = navigation.state === "submitting";
  const here = `/documents/${document.id}/publish`;
  const errors: Record<string, string> = outcome?.intent === "publish" ? outcome.fieldErrors : {};
  const current = published[0] ?? null;
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current={t("workshop:publish.crumb")} />
      <h1>{t("workshop:publish.title")}</h1>
      <p className="lead">{document.title}</p>
      {translationOf ? <TranslationPublishNote {...translationOf} action={here} busy={busy} /> : null}

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />
      {outcome?.published ? <PublishedNotice published={outcome.published} /> : null}

      {declaration && current ? (
        <section className="card" aria-labelledby="public-now">
          <h2 id="public-now">{t("workshop:publish.publicNow")}</h2>
          <dl className="facts">
            <dt>{t("workshop:publish.address")}</dt>
            <dd><Link to={`/d/${declaration.slug}`}>{`/d/${declaration.slug}`}</Link></dd>
            <dt>{t("workshop:publish.currentVersion")}</dt>
            <dd>
              {t("workshop:publish.versionPublished", { number: current.number })}{" "}
              <time dateTime={isoString(current.publishedAt)}>{dateTimeIn(locale, current.publishedAt)}</time>
            </dd>
            <dt>{t("workshop:publish.sha256")}</dt>
            <dd><code className="hash">{current.sha256}</code></dd>
            <dt>{t("workshop:publish.endorsements")}</dt>
            <dd>{`${declaration.endorsementsOpen ? t("workshop:publish.open") : t("workshop:publish.closed")}${countsText ? ` — ${countsText}` : ""}`}</dd>
          </dl>
        </section>
      ) : null}

      <h2 id="publish">{t("workshop:publish.publishNamed")}</h2>
      {versions.length === 0 ? (
        <p className="empty">
          <Trans k="workshop:publish.noVersion" tags={{ history: (words) => <Link to={`/documents/${document.id}/history`}>{words}</Link> }} />
        </p>
      ) : (
        <>
          <p className="muted">
            {t("workshop:publish.explainSeal")}{" "}
            {current ? t("workshop:publish.explainNext", { next: current.number + 1, number: current.number }) : t("workshop:publish.explainFirst")}{" "}
            {t("workshop:publish.explainDrafting")}
          </p>
          <VersionChooser action={here} versions={versions} previewed={preview?.version.id ?? null} />
          {previewMissing ? <div className="alert error" role="alert">{t("workshop:publish.errors.versionNotFound")}</div> : null}
          {preview && discussion ? (
            <p className="notice" role="status" id="discussion-on-version">
              {t("workshop:publish.underDiscussion", { discussion })}
            </p>
          ) : null}
          {preview ? (
            <PublicationPreview
              action={here}
              preview={preview}
              form={{ errors, busy, publicSlug: declaration?.slug ?? translationOf?.sourceSlug ?? null, documentSlug: document.slug }}
            />
          ) : null}
        </>
      )}

      {declaration ? (
        <DeclarationSettings action={here} endorsementsOpen={declaration.endorsementsOpen} organisationPolicy={declaration.organisationPolicy} busy={busy} />
      ) : null}

      {translationOf ? null : (
        <TranslationsPanel
          action={here}
          translations={translations}
          publishedNumbers={published.map((p) => p.number)}
          sourceLanguageName={languageName}
          error={outcome?.intent === "translate" ? outcome.error : null}
          busy={busy}
        />
      )}

      {published.length > 0 ? (
        <>
          <h2 id="history">{t("workshop:publish.publishedVersions")}</h2>
          <ul className="card-list">
            {published.map((p) => (
              <li key={p.number}>
                <Link to={`/d/${declaration?.slug ?? ""}/v/${p.number}`}>{t("workshop:publish.version", { number: p.number })}</Link>{" "}
                <span className="muted small">
                  <time dateTime={isoString(p.publishedAt)}>{dateTimeIn(locale, p.publishedAt)}</time>
                </span>
                <br />
                <code className="hash small">{p.sha256}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function PublishedNotice({ published }: { published: NonNullable<ActionResult["published"]> }) {
  const notice = useFocusOnArrival<HTMLDivElement>();
  const { t } = useT();
  return (
    <div className="alert ok" role="status" tabIndex={-1} ref={notice}>
      {published.language ? (
        <p>
          {t("workshop:publish.done.translationAt", { number: published.number })}{" "}
          <Link to={`/d/${published.slug}?lang=${encodeURIComponent(published.language)}`}>{`/d/${published.slug}?lang=${published.language}`}</Link>.
        </p>
      ) : (
        <p>
          {t("workshop:publish.done.versionAt", { number: published.number })}{" "}<Link to={`/d/${published.slug}`}>{`/d/${published.slug}`}</Link>.
        </p>
      )}
      <p className="hash-line">{t("workshop:publish.sha256")} <code>{published.hash}</code></p>
      {published.number > 1 && !published.language ? <p>{t("workshop:publish.done.notified", { count: published.notified })}</p> : null}
    </div>
  );
}
