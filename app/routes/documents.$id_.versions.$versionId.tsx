/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /documents/:id/versions/:versionId — one saved version of a document, read-only: its HTML as rendered when it
 * was saved (by the editor's own schema, which escapes every text and attribute value), who saved it and when, and
 * the discussion as it was then (read-only: app/components/version-threads.tsx).
 * Members read; not a member, no such version, or a version of another document: 404.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findDocumentForUser } from "../models/workshops.server";
import { findVersion } from "../models/versions.server";
import { versionThreads } from "../threads/threads.server";
import { VersionThreads } from "../components/version-threads";
import { canEditDocuments } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import diffStyles from "../diff/diff.css";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";
import { demoteHeadings } from "../editor/demote-headings";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.version.name} — ${data.document.title} — Accord` : "Not found — Accord" },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const version = await findVersion(document, user.id, params.versionId ?? "");
  if (!version) throw notFound();
  const threads = await versionThreads(document.id, version);
  return {
    threads,
    document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    canEdit: canEditDocuments(document.role),
    version: {
      id: version.id,
      name: version.name,
      author: version.authorName,
      createdAt: version.createdAt,
      html: demoteHeadings(version.html),
    },
  };
}

export default function VersionPage() {
  const { document, canEdit, version, threads } = useLoaderData<typeof loader>();
  const history = `/documents/${document.id}/history`;
  return (
    <div className="page reading">
      <Breadcrumbs trail={[...documentTrail(document), { to: history, label: "History and versions" }]} current={version.name} />
      <h1>
        <span className="visually-hidden">Version: </span>
        {version.name}
      </h1>
      <p className="meta">
        <span>{document.title}</span>
        <span>
          {`Saved by ${version.author ?? "a former member"} on `}
          <time dateTime={isoString(version.createdAt)}>{formatDateTime(version.createdAt)}</time>
        </span>
      </p>
      <div className="alert info no-print">
        This is a saved version: it does not change when the document is edited.
      </div>
      <ul className="version-actions no-print">
        <li><Link to={`/documents/${document.id}/compare?from=${version.id}&to=live`}>Compare with the live text</Link></li>
        {canEdit ? <li><Link to={`${history}?restore=${version.id}#confirm-restore`}>Restore this version</Link></li> : null}
        <li><Link to={history}>All versions</Link></li>
      </ul>
      {version.html === "" ? (
        <p className="empty">This version is empty.</p>
      ) : (
        <article className="document" aria-label={`Version “${version.name}”`} dangerouslySetInnerHTML={{ __html: version.html }} />
      )}
      <VersionThreads threads={threads} />
    </div>
  );
}
