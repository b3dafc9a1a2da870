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
import { isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import diffStyles from "../diff/diff.css";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";
import { demoteHeadings } from "../editor/demote-headings";
import { requestT } from "../i18n/strings.server";
import { Trans, useT } from "../i18n/react";
import { workshopStrings } from "../workshops/strings.server";
import { dateTimeIn } from "../workshops/words";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.title : "Accord" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const version = await findVersion(document, user.id, params.versionId ?? "");
  if (!version) throw notFound();
  const [threads, t] = await Promise.all([versionThreads(document.id, version), requestT(request, context)]);
  return {
    title: t("workshop:version.metaTitle", { name: version.name, document: document.title }),
    i18n: await workshopStrings(request, context, ["version", "versionThreads"]),
    threads,
    document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    // Said only to those who may restore (a reader's page carries no word of it, not even in its strings).
    restoreLabel: canEditDocuments(document.role) ? t("workshop:versionRestore.link") : null,
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
  const { document, restoreLabel, version, threads } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  const history = `/documents/${document.id}/history`;
  return (
    <div className="page reading">
      <Breadcrumbs trail={[...documentTrail(document), { to: history, label: t("workshop:version.history") }]} current={version.name} />
      <h1>
        <span className="visually-hidden">{t("workshop:version.hiddenLabel")} </span>
        {version.name}
      </h1>
      <p className="meta">
        <span>{document.title}</span>
        <span>
          <Trans
            k="workshop:version.savedBy"
            values={{ name: version.author ?? t("workshop:version.formerMember"), when: dateTimeIn(locale, version.createdAt) }}
            tags={{ time: (children) => <time dateTime={isoString(version.createdAt)}>{children}</time> }}
          />
        </span>
      </p>
      <div className="alert info no-print">{t("workshop:version.frozen")}</div>
      <ul className="version-actions no-print">
        <li><Link to={`/documents/${document.id}/compare?from=${version.id}&to=live`}>{t("workshop:version.compareLive")}</Link></li>
        {restoreLabel ? <li><Link to={`${history}?restore=${version.id}#confirm-restore`}>{restoreLabel}</Link></li> : null}
        <li><Link to={history}>{t("workshop:version.allVersions")}</Link></li>
      </ul>
      {version.html === "" ? (
        <p className="empty">{t("workshop:version.empty")}</p>
      ) : (
        <article className="document" aria-label={t("workshop:version.textLabel", { name: version.name })} dangerouslySetInnerHTML={{ __html: version.html }} />
      )}
      <VersionThreads threads={threads} />
    </div>
  );
}
