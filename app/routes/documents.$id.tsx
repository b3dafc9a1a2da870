/**
 * GET /documents/:id: a document. The server renders its stored Yjs state as HTML (readable before JavaScript);
 * in the browser the live collaborative editor takes over (editable for organisers and editors, read-along for
 * commenters and viewers). Not a member of its workshop (or no such document, or a malformed id): 404.
 * POST (editors and organisers) saves a named version and answers with the outcome on this page: the writer keeps
 * their place (app/components/save-version-form.tsx); the rules are app/models/versions.server.ts's.
 * An editor's page says it may be kept on the device for offline use (app/collab/offline-pages.ts), for whom.
 */
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { SAVE_VERSION_INTENT, SaveVersionForm, type SaveVersionOutcome } from "../components/save-version-form";
import { saveVersion, saveVersionFormSchema, versionErrorText, VersionError } from "../models/versions.server";
import { workshopStrings } from "../workshops/strings.server";
import { readForm } from "../utils/forms.server";
import { findDocumentForUser } from "../models/workshops.server";
import { CollabEditor } from "../components/collab-editor";
import { documentNames } from "../workshops/page-names.server";
import { DocumentBody } from "../components/document-body";
import { colourFor } from "../collab/protocol";
import { loadDocumentHtml } from "../models/document-html.server";
import { canDiscuss, canEditDocuments, canManageMembers, canPublish, type Role } from "../models/roles";
import { mentionableNames } from "../threads/thread-mails.server";
import { MentionNames } from "../components/mention-field";
import { statusBadgeClass } from "../models/workshop-view";
import { isoString } from "../utils/dates";
import { requestT, routeStrings } from "../i18n/strings.server";
import type { Strings } from "../i18n/instance";
import { publicStrings } from "../declarations/public-strings.server";
import { formatDateTimeIn } from "../i18n/format";
import { useT } from "../i18n/react";
import { notFound, requireUser } from "../utils/guards.server";
import { Breadcrumbs, workshopTrail } from "../components/breadcrumbs";
import diffStyles from "../diff/diff.css";
import { SideBySideToggle } from "../components/side-by-side-toggle";
import { TranslationNotice } from "../components/translation-notice";
import { loadTranslationContext } from "../models/translation-context.server";
import { OFFLINE_PAGE_HEADER, OFFLINE_UNTIL_HEADER } from "../collab/offline-pages";
import { deviceAccountKey } from "../collab/device-key.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.document.title} — Accord` : "Accord" }];

/**
 * The words this page shows this member, and no others (a reader's page carries no words of tools it does not
 * offer): the editor's; the "Save a named version" form's for editors, its link to publishing for organisers only
 * (app/components/save-version-form.tsx); a translation's notice (app/components/translation-notice.tsx). The names
 * of the kind, the status and the roles come said (`names`, app/workshops/page-names.server.ts).
 */
async function pageStrings(request: Request, context: LoaderFunctionArgs["context"], role: Role, isTranslation: boolean): Promise<Strings> {
  const strings: Strings = { ...(await routeStrings(request, context, ["editor"])) };
  if (canEditDocuments(role)) {
    const workshop = (await workshopStrings(request, context, ["history"])).workshop as { history: { quickSave: Record<string, unknown> } };
    const quickSave = { ...workshop.history.quickSave };
    if (!canPublish(role)) delete quickSave.preview;
    strings.workshop = { ...workshop, history: { ...workshop.history, quickSave } };
  }
  if (isTranslation) Object.assign(strings, await publicStrings(request, context, ["translation"]));
  return strings;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, session } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const [rendered, translation, mentionNames] = await Promise.all([
    loadDocumentHtml(document.id),
    loadTranslationContext(document.id),
    // The `@` picker of the comment fields offers the workshop's members by name (those who may comment only).
    canDiscuss(document.role) ? mentionableNames(document.id, user.id) : Promise.resolve([]),
  ]);
  // Only an editor keeps a device copy, so only an editor's page may be reopened offline: the worker keeps a page
  // that says so, in the cache of the account named here, until the session ends (its expiry as of this request:
  // renewed, if it was). Only a browser's session: a page asked for with an access token is never kept.
  const offlineUntil = canEditDocuments(document.role) && session ? session.expiresAt.getTime() : null;
  const headers: Record<string, string> =
    offlineUntil !== null ? { [OFFLINE_PAGE_HEADER]: deviceAccountKey(user.id), [OFFLINE_UNTIL_HEADER]: String(offlineUntil) } : {};
  const t = await requestT(request, context);
  return data({
    i18n: await pageStrings(request, context, document.role, Boolean(translation)),
    names: documentNames(t, document),
    translation,
    document: {
      id: document.id,
      title: document.title,
      kind: document.kind,
      status: document.status,
      updatedAt: document.updatedAt,
      workshopSlug: document.workshopSlug,
      workshopTitle: document.workshopTitle,
    },
    role: document.role,
    rendered,
    user: { name: user.name, colour: colourFor(user.id) },
    mentionNames,
    offlineUntil,
  }, { headers });
}

export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  for (const name of [OFFLINE_PAGE_HEADER, OFFLINE_UNTIL_HEADER]) {
    const value = loaderHeaders.get(name);
    if (value) out.set(name, value);
  }
  return out;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const outcome = (o: Partial<SaveVersionOutcome>, status = 200) => data<SaveVersionOutcome>({ saved: null, error: null, name: "", ...o }, { status });
  const t = await requestT(request, context);
  const read = await readForm(request, saveVersionFormSchema(SAVE_VERSION_INTENT, t));
  const name = (read.fields.name ?? "").slice(0, 500);
  if (!read.ok) return outcome({ error: read.firstError, name }, 400);
  try {
    const version = await saveVersion({ document, userId: user.id, name: read.data.name });
    return outcome({ saved: { id: version.id, name: version.name } });
  } catch (error) {
    if (error instanceof VersionError) return outcome({ error: versionErrorText(t, error), name }, error.status);
    throw error;
  }
}

/** Saving a version changes nothing this page loaded: the live editor must not be reloaded for it. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === SAVE_VERSION_INTENT ? false : defaultShouldRevalidate;

export default function DocumentPage() {
  const { t, locale } = useT();
  const { document, role, names, rendered, user, translation, mentionNames, offlineUntil } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  // The stored text normally opens with the title as its own <h1>; otherwise the page supplies one.
  const textHasTitle = rendered.ok && rendered.html.startsWith("<h1>");
  return (
    <div className="page reading">
      <Breadcrumbs trail={workshopTrail({ slug: document.workshopSlug, title: document.workshopTitle })} current={document.title} />
      {textHasTitle ? null : <h1>{document.title}</h1>}
      <div className="meta">
        <span>{names.kind}</span>
        <span className={statusBadgeClass(document.status)}>{names.status}</span>
        <span>{t("editor:page.yourRole", { role: names.roles[role] })}</span>
        <span>
          {t("editor:page.lastUpdated")}{" "}
          <time dateTime={isoString(document.updatedAt)}>{formatDateTimeIn(locale, new Date(document.updatedAt))}</time>
        </span>
        <Link to={`/documents/${document.id}/history`}>{t("editor:page.history")}</Link>
        {canManageMembers(role) ? <Link to={`/documents/${document.id}/publish`}>{t("editor:page.publish")}</Link> : null}
        {canManageMembers(role) && document.status === "published" && !translation ? (
          <Link to={`/documents/${document.id}/endorsements`}>{t("editor:page.endorsements")}</Link>
        ) : null}
      </div>
      {translation ? <TranslationNotice translation={translation} /> : null}
      {canEditDocuments(role) ? <SaveVersionForm documentId={document.id} canPublish={canPublish(role)} fallback={posted ?? null} /> : null}
      {translation ? (
        <SideBySideToggle
          sourceHtml={translation.sourceHtml}
          sourceLanguage={translation.sourceLanguage}
          sourceNumber={translation.sourceNumber}
          language={translation.language}
          dir={translation.dir}
          editorContainerId="document-text"
        />
      ) : null}
      <div id="document-text" lang={translation?.language} dir={translation?.dir}>
        {rendered.ok ? (
          <MentionNames.Provider value={mentionNames}>
            <CollabEditor key={document.id} documentId={document.id} initialHtml={rendered.html} canEdit={canEditDocuments(role)} role={role} roleNames={names.roles} user={user} sessionEnds={offlineUntil} />
          </MentionNames.Provider>
        ) : (
          <DocumentBody rendered={rendered} label={document.title} />
        )}
      </div>
    </div>
  );
}
