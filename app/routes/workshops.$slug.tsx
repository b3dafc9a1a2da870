/**
 * GET /workshops/:slug: a workshop's facts, its objective, aims and outputs as the programme states them,
 * and its documents with their status and the reader's role. Unknown, or not a member: 404 (existence is
 * never revealed).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findWorkshopForUser, listDocumentsForUser } from "../models/workshops.server";
import { canEditDocuments, canManageMembers } from "../models/roles";
import { descriptionParagraphs, readWorkshopDetails, statusBadgeClass, type WorkshopOutput } from "../models/workshop-view";
import { isoString } from "../utils/dates";
import { workshopStrings } from "../workshops/strings.server";
import { useT } from "../i18n/react";
import { dateRangeIn, dateTimeIn, kindName, roleName, statusName } from "../workshops/words";
import { notFound, requireUser } from "../utils/guards.server";
import { Breadcrumbs } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.workshop.title} — Accord` : "Accord" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const workshop = await findWorkshopForUser(params.slug ?? "", user.id);
  if (!workshop) throw notFound();
  const documents = await listDocumentsForUser(workshop.slug, user.id);
  return {
    // Only organisers get the members page's words (its link).
    i18n: await workshopStrings(request, context, canManageMembers(workshop.role) ? ["workshop", "members"] : ["workshop"]),
    workshop: {
      slug: workshop.slug,
      title: workshop.title,
      startsOn: workshop.startsOn,
      endsOn: workshop.endsOn,
      venue: workshop.venue,
      description: descriptionParagraphs(workshop.description),
      details: readWorkshopDetails(workshop.details),
    },
    role: workshop.role,
    documents: documents.map((d) => ({ id: d.id, slug: d.slug, title: d.title, kind: d.kind, status: d.status, updatedAt: d.updatedAt })),
  };
}

function Outputs({ outputs, documentIds }: { outputs: WorkshopOutput[]; documentIds: Map<string, { id: string; title: string }> }) {
  const { t } = useT();
  return (
    <ol>
      {outputs.map((output, i) => {
        const linked = output.documentSlugs.flatMap((slug) => {
          const doc = documentIds.get(slug);
          return doc ? [doc] : [];
        });
        return (
          <li key={i}>
            {output.text}
            {linked.length > 0 ? (
              <span className="muted small">
                {` — ${t("workshop:workshop.drafts", { count: linked.length })} `}
                {linked.map((doc, j) => (
                  <span key={doc.id}>
                    {j > 0 ? ", " : null}
                    <Link to={`/documents/${doc.id}`}>{doc.title}</Link>
                  </span>
                ))}
              </span>
            ) : null}
            {output.items.length > 0 ? <Outputs outputs={output.items} documentIds={documentIds} /> : null}
          </li>
        );
      })}
    </ol>
  );
}

export default function WorkshopPage() {
  const { workshop, role, documents } = useLoaderData<typeof loader>();
  const { details } = workshop;
  const documentIds = new Map(documents.map((d) => [d.slug, { id: d.id, title: d.title }]));
  const { t, locale } = useT();
  const roleLabel = roleName(t, role);
  return (
    <div className="page reading">
      <Breadcrumbs trail={[{ to: "/workshops", label: t("common:header.workshops") }]} current={workshop.title} />
      <h1>{workshop.title}</h1>
      {details.event ? <p className="lead">{details.event}</p> : null}

      <section className="card" aria-label={t("workshop:workshop.facts")}>
        <dl className="facts">
          <dt>{t("workshop:workshop.dates")}</dt>
          <dd>{dateRangeIn(locale, workshop.startsOn, workshop.endsOn)}</dd>
          {workshop.venue ? (
            <>
              <dt>{t("workshop:workshop.venue")}</dt>
              <dd>{workshop.venue}</dd>
            </>
          ) : null}
          {details.feeNote ? (
            <>
              <dt>{t("workshop:workshop.fee")}</dt>
              <dd>{details.feeNote}</dd>
            </>
          ) : null}
          {details.partner ? (
            <>
              <dt>{t("workshop:workshop.with")}</dt>
              <dd>{details.partner}</dd>
            </>
          ) : null}
          {details.organisers.length > 0 ? (
            <>
              <dt>{t("workshop:workshop.organisedBy")}</dt>
              <dd>
                {details.organisers.map((o, i) => (
                  <span key={o.name}>
                    {i > 0 ? "; " : null}
                    {o.name}
                    {o.shortName ? ` (${o.shortName})` : null}
                  </span>
                ))}
              </dd>
            </>
          ) : null}
          <dt>{t("workshop:workshop.yourRole")}</dt>
          <dd><span className="badge">{roleLabel}</span></dd>
        </dl>
        {canManageMembers(role) ? (
          <p className="actions">
            <Link className="button secondary" to={`/workshops/${workshop.slug}/members`}>{t("workshop:members.title")}</Link>
          </p>
        ) : null}
      </section>

      <h2 id="documents">{t("workshop:workshop.documents")}</h2>
      <p className="muted small">
        {canEditDocuments(role) ? t("workshop:workshop.canEdit", { role: roleLabel.toLowerCase() }) : t("workshop:workshop.canRead", { role: roleLabel.toLowerCase() })}
      </p>
      {documents.length === 0 ? (
        <p className="empty">{t("workshop:workshop.noDocuments")}</p>
      ) : (
        <ul className="card-list" aria-labelledby="documents">
          {documents.map((d) => (
            <li key={d.id}>
              <Link className="title" to={`/documents/${d.id}`}>{d.title}</Link>
              <div className="meta">
                <span>{kindName(t, d.kind)}</span>
                <span className={statusBadgeClass(d.status)}>{statusName(t, d.status)}</span>
                <span>
                  {`${t("workshop:workshop.lastUpdated")} `}<time dateTime={isoString(d.updatedAt)}>{dateTimeIn(locale, d.updatedAt)}</time>
                </span>
                <span>{`${t("workshop:yourRole")} ${roleLabel}`}</span>
              </div>
            </li>
          ))}
        </ul>
      )}

      {workshop.description.length > 0 ? (
        <>
          <h2>{t("workshop:workshop.about")}</h2>
          {workshop.description.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </>
      ) : null}
      {details.objective || details.aims.length > 0 ? (
        <>
          <h2>{details.aims.length > 0 ? t("workshop:workshop.objectiveAndAims") : t("workshop:workshop.objective")}</h2>
          {details.objective ? (
            // The programme writes "Objective: to explore …"; a full sentence stands on its own.
            <p>{/^[a-z]/.test(details.objective) ? <><strong>{t("workshop:workshop.objectiveLabel")}</strong> {details.objective}</> : details.objective}</p>
          ) : null}
          {details.aims.length > 0 ? (
            <>
              <p><strong>{t("workshop:workshop.aimsLabel")}</strong></p>
              <ol>
                {details.aims.map((aim, i) => (
                  <li key={i}>{aim}</li>
                ))}
              </ol>
            </>
          ) : null}
        </>
      ) : null}
      {details.outputs.length > 0 ? (
        <>
          <h2>{t("workshop:workshop.outputs")}</h2>
          <Outputs outputs={details.outputs} documentIds={documentIds} />
        </>
      ) : null}
      {details.organisers.some((o) => o.about.length > 0) ? (
        <>
          <h2>{t("workshop:workshop.organisers")}</h2>
          {details.organisers.map((o) => (
            <div key={o.name}>
              <h3>{o.name}</h3>
              {o.about.map((line, i) => (
                <p key={i}>{line}</p>
              ))}
            </div>
          ))}
        </>
      ) : null}
      {details.event ? (
        <p className="muted small">{t("workshop:workshop.quoted", { event: details.event })}</p>
      ) : null}
    </div>
  );
}
