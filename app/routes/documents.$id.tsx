/**
 * GET /documents/:id: a document. The server renders its stored Yjs state as HTML (readable before JavaScript);
 * in the browser the live collaborative editor takes over (editable for organisers and editors, read-along for
 * commenters and viewers). Not a member of its workshop (or no such document, or a malformed id): 404.
 * POST (editors and organisers) saves a named version and answers with the outcome on this page: the writer keeps
 * their place (app/components/save-version-form.tsx); the rules are app/models/versions.server.ts's.
 * An editor's page says it may be kept on the device for offline use (app/collab/offline-pages.ts), for whom.
 * The loader and the action live in app/documents/document-page.server.ts, so the browser's build imports no server
 * module.
 */
import type { HeadersFunction, LinksFunction, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { SAVE_VERSION_INTENT, SaveVersionForm } from "../components/save-version-form";
import { CollabEditor } from "../components/collab-editor";
import { DocumentBody } from "../components/document-body";
import { canEditDocuments, canManageMembers, canPublish } from "../models/roles";
import { MentionNames } from "../components/mention-field";
import { statusBadgeClass } from "../models/workshop-view";
import { formatDateTimeIn, isoString } from "../i18n/format";
import { useT } from "../i18n/react";
import { Breadcrumbs, workshopTrail } from "../components/breadcrumbs";
import diffStyles from "../diff/diff.css";
import { SideBySideToggle } from "../components/side-by-side-toggle";
import { TranslationNotice } from "../components/translation-notice";
import { OFFLINE_PAGE_HEADER, OFFLINE_UNTIL_HEADER } from "../collab/offline-pages";
import type { action, loader } from "../documents/document-page.server";

// Loader and action: app/documents/document-page.server.ts.
export { action, loader } from "../documents/document-page.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.document.title} — Accord` : "Accord" }];

export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  for (const name of [OFFLINE_PAGE_HEADER, OFFLINE_UNTIL_HEADER]) {
    const value = loaderHeaders.get(name);
    if (value) out.set(name, value);
  }
  return out;
};

/** Saving a version changes nothing this page loaded: the live editor must not be reloaded for it. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === SAVE_VERSION_INTENT ? false : defaultShouldRevalidate;

export default function DocumentPage() {
  const { t, locale } = useT();
  const { document, role, names, rendered, openThreads, user, translation, mentionNames, offlineUntil } = useLoaderData<typeof loader>();
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
            <CollabEditor key={document.id} documentId={document.id} initialHtml={rendered.html} initialFacts={rendered.facts} initialOpenThreads={openThreads} canEdit={canEditDocuments(role)} role={role} roleNames={names.roles} user={user} sessionEnds={offlineUntil} />
          </MentionNames.Provider>
        ) : (
          <DocumentBody rendered={rendered} label={document.title} />
        )}
      </div>
    </div>
  );
}
