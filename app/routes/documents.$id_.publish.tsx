/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
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
import { z } from "zod";
import { FormError, FormNotice } from "../components/field";
import { countsSentence, ORGANISATION_POLICIES, ORGANISATION_POLICY_LABELS, type OrganisationPolicy } from "../declarations/public-view";
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
import { ROLE_LABELS } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";
import { formToObject, parseWith } from "../utils/forms.server";
import { notFound, requireUser } from "../utils/guards.server";
import { requireSecondFactorFor } from "../auth/second-factor-gate.server";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";
import { useFocusOnArrival } from "../components/focus-on-arrival";
import { discussionOnVersion, discussionSentence } from "../threads/threads.server";
import { TranslationPublishNote, TranslationsPanel } from "../components/publish/translations-panel";
import { createTranslation, retargetTranslation, findDocumentLanguage, findTranslationBinding, listTranslationDocuments, publishTranslation, TranslationError } from "../models/translations.server";
import { languageNameInEnglish } from "../declarations/languages";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Publish — ${data.document.title} — Accord` : "Publish — Accord" },
];

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function requireOrganiser(request: Request, context: AppLoadContext, id: string | undefined) {
  const auth = await requireUser(request, context);
  const { user } = auth;
  const document = await findDocumentForUser(id ?? "", user.id);
  if (!document) throw notFound();
  if (!canPublish(document.role)) {
    throw new Response(
      `Only the organisers of “${document.workshopTitle}” can publish “${document.title}” and manage its endorsements. ` +
        `Your role in this workshop is ${ROLE_LABELS[document.role]}.`,
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
  const discussion = preview && chosen ? discussionSentence(await discussionOnVersion(document.id, chosen)) : null;
  const current = published[0] ?? null;
  return {
    document: { id: document.id, title: document.title, slug: document.slug, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    declaration,
    versions: versions.map((v) => ({ id: v.id, name: v.name, createdAt: v.createdAt, authorName: v.authorName, publishedAs: v.publishedAs })),
    published: published.map((p) => ({ number: p.number, sha256: p.sha256, publishedAt: p.publishedAt })),
    countsText: counts && current ? countsSentence(counts, current.number) : null,
    preview: preview && {
      ...preview,
      seal: preview.seal && { hash: preview.seal.hash, words: preview.seal.words, html: demoteHeadings(preview.seal.html, 3) },
    },
    previewMissing: chosen !== null && !preview,
    discussion,
    translationOf: binding && {
      sourceId: binding.sourceDocumentId,
      sourceTitle: binding.sourceTitle,
      sourceSlug: binding.sourceSlug,
      language: binding.language,
      languageName: languageNameInEnglish(binding.language),
      sourceNumber: binding.sourceNumber,
      latestSourceNumber: binding.latestSourceNumber,
    },
    translations: translationDocs.map((t) => ({ ...t, languageName: languageNameInEnglish(t.language) })),
    languageName: languageNameInEnglish(language ?? "en"),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const schema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("publish"),
      versionId: z.string({ message: "Choose the named version to publish." }).regex(UUID, "Choose the named version to publish."),
      slug: z
        .string()
        .trim()
        .toLowerCase()
        .refine((s) => s === "" || isSlug(s), "Use lower-case letters, digits and single hyphens, at most 80 characters (e.g. call-by-police).")
        .optional(),
      hash: z.string({ message: "Preview the version before publishing it." }).regex(/^[0-9a-f]{64}$/, "Preview the version before publishing it."),
      confirm: z.literal("yes", { message: "Confirm that you understand a published version can never be changed." }),
    }),
    z.object({
      intent: z.literal("translate"),
      language: z.string({ message: "Give the language to translate into." }).trim().min(1, "Give the language to translate into.").max(35, "A language tag has at most 35 characters."),
      versionNumber: z.coerce.number({ message: "Choose the version to translate." }).int("Choose the version to translate.").min(1, "Choose the version to translate."),
    }),
    z.object({ intent: z.literal("retarget") }),
    z.object({ intent: z.literal("endorsements"), open: z.enum(["1", "0"], { message: "Choose open or closed." }) }),
    z.object({
      intent: z.literal("policy"),
      policy: z.custom<OrganisationPolicy>((v) => (ORGANISATION_POLICIES as readonly unknown[]).includes(v), { message: "Choose one of the policies." }),
    }),
  ],
  { message: "That action is not known." },
);

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
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return result({ error: "The form could not be read. Please try again." }, 400);
  }
  const submitted = form.get("intent");
  const parsed = parseWith(schema, formToObject(form));
  if (!parsed.ok) {
    const first = Object.values(parsed.fieldErrors)[0] ?? "Please check the form.";
    return result({ error: first, fieldErrors: parsed.fieldErrors, intent: typeof submitted === "string" ? submitted : null }, 400);
  }
  const input = parsed.data;
  if (input.intent === "translate") {
    try {
      const created = await createTranslation({ sourceDocumentId: document.id, versionNumber: input.versionNumber, language: input.language, actorId: user.id });
      return redirect(`/documents/${created.documentId}`);
    } catch (error) {
      if (error instanceof TranslationError) return result({ intent: "translate", error: error.message, fieldErrors: { language: error.message } }, error.status);
      throw error;
    }
  }
  if (input.intent === "retarget") {
    try {
      const moved = await retargetTranslation({ documentId: document.id, actorId: user.id, workshopId: document.workshopId });
      return result({ intent: "retarget", notice: `This translation now translates version ${moved.to}. Bring its text up to date with the changes since version ${moved.from}, then publish it.` });
    } catch (error) {
      if (error instanceof TranslationError) return result({ intent: "retarget", error: error.message }, error.status);
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
        return result({ intent: "publish", error: error.message, fieldErrors: { [field]: error.message } }, error.status);
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
        return result({ intent: "publish", error: error.message, fieldErrors: { [field]: error.message } }, error.status);
      }
      throw error;
    }
  }
  if (input.intent === "endorsements") {
    const open = input.open === "1";
    const updated = await setEndorsementsOpen(document.id, document.workshopId, user.id, open);
    if (!updated) return result({ intent: "endorsements", error: "Publish a version first: there is nothing to endorse yet." }, 409);
    return result({ intent: "endorsements", notice: open ? "Endorsements are open." : "Endorsements are closed: the public page no longer offers to endorse." });
  }
  const updated = await setOrganisationPolicy(document.id, document.workshopId, user.id, input.policy);
  if (!updated) return result({ intent: "policy", error: "Publish a version first: the policy belongs to the published declaration." }, 409);
  return result({ intent: "policy", notice: `Organisations: ${ORGANISATION_POLICY_LABELS[input.policy].toLowerCase()}.` });
}

export default function PublishPage() {
  const { document, declaration, versions, published, countsText, preview, previewMissing, discussion, translationOf, translations, languageName } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const here = `/documents/${document.id}/publish`;
  const errors: Record<string, string> = outcome?.intent === "publish" ? outcome.fieldErrors : {};
  const current = published[0] ?? null;
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current="Publish" />
      <h1>Publish and endorsements</h1>
      <p className="lead">{document.title}</p>
      {translationOf ? <TranslationPublishNote {...translationOf} action={here} busy={busy} /> : null}

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />
      {outcome?.published ? <PublishedNotice published={outcome.published} /> : null}

      {declaration && current ? (
        <section className="card" aria-labelledby="public-now">
          <h2 id="public-now">Public now</h2>
          <dl className="facts">
            <dt>Address</dt>
            <dd><Link to={`/d/${declaration.slug}`}>{`/d/${declaration.slug}`}</Link></dd>
            <dt>Current version</dt>
            <dd>
              {`Version ${current.number}, published `}
              <time dateTime={isoString(current.publishedAt)}>{formatDateTime(current.publishedAt)}</time>
            </dd>
            <dt>SHA-256</dt>
            <dd><code className="hash">{current.sha256}</code></dd>
            <dt>Endorsements</dt>
            <dd>{`${declaration.endorsementsOpen ? "Open" : "Closed"}${countsText ? ` — ${countsText}` : ""}`}</dd>
          </dl>
        </section>
      ) : null}

      <h2 id="publish">Publish a named version</h2>
      {versions.length === 0 ? (
        <p className="empty">
          This document has no named version yet. Save one from the document&apos;s history first; then publish it here.
        </p>
      ) : (
        <>
          <p className="muted">
            Publishing seals a named version: its text, and the SHA-256 of its text, can never be changed or removed
            afterwards. {current ? `It becomes version ${current.number + 1}; endorsements of version ${current.number} stay bound to version ${current.number}, and their signers are e-mailed a link to the changes and to re-confirm.` : "It becomes version 1."}{" "}
            Drafting can continue: the public page shows the latest published version until you publish the next one.
            Choose a version and preview it: you confirm after reading exactly what will be sealed.
          </p>
          <VersionChooser action={here} versions={versions} previewed={preview?.version.id ?? null} />
          {previewMissing ? <div className="alert error" role="alert">This document has no named version with that id.</div> : null}
          {preview && discussion ? (
            <p className="notice" role="status" id="discussion-on-version">
              {`Still under discussion on this version: ${discussion}.`} You can publish anyway; comments and proposals are
              never part of the published text.
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
          <h2 id="history">Published versions</h2>
          <ul className="card-list">
            {published.map((p) => (
              <li key={p.number}>
                <Link to={`/d/${declaration?.slug ?? ""}/v/${p.number}`}>{`Version ${p.number}`}</Link>{" "}
                <span className="muted small">
                  <time dateTime={isoString(p.publishedAt)}>{formatDateTime(p.publishedAt)}</time>
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
  return (
    <div className="alert ok" role="status" tabIndex={-1} ref={notice}>
      {published.language ? (
        <p>
          {`Translation ${published.number} is published at `}
          <Link to={`/d/${published.slug}?lang=${encodeURIComponent(published.language)}`}>{`/d/${published.slug}?lang=${published.language}`}</Link>.
        </p>
      ) : (
        <p>
          {`Version ${published.number} is published at `}<Link to={`/d/${published.slug}`}>{`/d/${published.slug}`}</Link>.
        </p>
      )}
      <p className="hash-line">SHA-256 <code>{published.hash}</code></p>
      {published.number > 1 && !published.language ? (
        <p>
          {published.notified === 1
            ? "1 person who endorsed an earlier version was e-mailed a link to the changes and to re-confirm."
            : `${published.notified} people who endorsed an earlier version were e-mailed a link to the changes and to re-confirm.`}
        </p>
      ) : null}
    </div>
  );
}
