/**
 * GET /documents/:id: a document. The server renders its stored Yjs state as HTML (readable before JavaScript);
 * in the browser the live collaborative editor takes over (editable for organisers and editors, read-along for
 * commenters and viewers). Not a member of its workshop (or no such document, or a malformed id): 404.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { findDocumentForUser } from "../models/workshops.server";
import { CollabEditor } from "../components/collab-editor";
import { DocumentBody } from "../components/document-body";
import { colourFor } from "../collab/protocol";
import { loadDocumentHtml } from "../models/document-html.server";
import { canEditDocuments, canManageMembers, ROLE_LABELS } from "../models/roles";
import { kindLabel, statusBadgeClass, statusLabel } from "../models/workshop-view";
import { formatDateTime, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import { Breadcrumbs, workshopTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.document.title} — Accord` : "Not found — Accord" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const rendered = await loadDocumentHtml(document.id);
  return {
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
  };
}

export default function DocumentPage() {
  const { document, role, rendered, user } = useLoaderData<typeof loader>();
  // The stored text normally opens with the title as its own <h1>; otherwise the page supplies one.
  const textHasTitle = rendered.ok && rendered.html.startsWith("<h1>");
  return (
    <div className="page reading">
      <Breadcrumbs trail={workshopTrail({ slug: document.workshopSlug, title: document.workshopTitle })} current={document.title} />
      {textHasTitle ? null : <h1>{document.title}</h1>}
      <div className="meta">
        <span>{kindLabel(document.kind)}</span>
        <span className={statusBadgeClass(document.status)}>{statusLabel(document.status)}</span>
        <span>{`Your role: ${ROLE_LABELS[role]}`}</span>
        <span>
          Last updated <time dateTime={isoString(document.updatedAt)}>{formatDateTime(document.updatedAt)}</time>
        </span>
        <Link to={`/documents/${document.id}/history`}>History and versions</Link>
        {canManageMembers(role) ? <Link to={`/documents/${document.id}/publish`}>Publish</Link> : null}
        {canManageMembers(role) && document.status === "published" ? (
          <Link to={`/documents/${document.id}/endorsements`}>Endorsements and moderation</Link>
        ) : null}
      </div>
      {canEditDocuments(role) ? (
        <details className="no-print">
          <summary>Save a named version</summary>
          <Form method="post" action={`/documents/${document.id}/history`} className="inline-form">
            <input type="hidden" name="intent" value="save" />
            <label htmlFor="save-version-name">Name of the version</label>
            <input id="save-version-name" name="name" type="text" required maxLength={120} autoComplete="off" placeholder="After session 2" />
            <button type="submit" className="secondary">Save version</button>
          </Form>
        </details>
      ) : null}
      {rendered.ok ? (
        <CollabEditor key={document.id} documentId={document.id} initialHtml={rendered.html} canEdit={canEditDocuments(role)} user={user} />
      ) : (
        <DocumentBody rendered={rendered} label={document.title} />
      )}
    </div>
  );
}
