/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * GET /workshops/:slug: a workshop's facts, its objective, aims and outputs as the programme states them,
 * and its documents with their status and the reader's role. Unknown, or not a member: 404 (existence is
 * never revealed).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findWorkshopForUser, listDocumentsForUser } from "../models/workshops.server";
import { canEditDocuments, canManageMembers, ROLE_LABELS } from "../models/roles";
import {
  descriptionParagraphs,
  kindLabel,
  readWorkshopDetails,
  statusBadgeClass,
  statusLabel,
  type WorkshopOutput,
} from "../models/workshop-view";
import { formatDateRange, formatDateTime, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import { Breadcrumbs } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.workshop.title} — Accord` : "Not found — Accord" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const workshop = await findWorkshopForUser(params.slug ?? "", user.id);
  if (!workshop) throw notFound();
  const documents = await listDocumentsForUser(workshop.slug, user.id);
  return {
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
                {" "}— draft{linked.length > 1 ? "s" : ""}:{" "}
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
  const roleLabel = ROLE_LABELS[role];
  return (
    <div className="page reading">
      <Breadcrumbs trail={[{ to: "/workshops", label: "Workshops" }]} current={workshop.title} />
      <h1>{workshop.title}</h1>
      {details.event ? <p className="lead">{details.event}</p> : null}

      <section className="card" aria-label="Facts">
        <dl className="facts">
          <dt>Dates</dt>
          <dd>{formatDateRange(workshop.startsOn, workshop.endsOn)}</dd>
          {workshop.venue ? (
            <>
              <dt>Venue</dt>
              <dd>{workshop.venue}</dd>
            </>
          ) : null}
          {details.feeNote ? (
            <>
              <dt>Fee</dt>
              <dd>{details.feeNote}</dd>
            </>
          ) : null}
          {details.partner ? (
            <>
              <dt>With</dt>
              <dd>{details.partner}</dd>
            </>
          ) : null}
          {details.organisers.length > 0 ? (
            <>
              <dt>Organised by</dt>
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
          <dt>Your role</dt>
          <dd><span className="badge">{roleLabel}</span></dd>
        </dl>
        {canManageMembers(role) ? (
          <p className="actions">
            <Link className="button secondary" to={`/workshops/${workshop.slug}/members`}>Members and invitations</Link>
          </p>
        ) : null}
      </section>

      <h2 id="documents">Documents</h2>
      <p className="muted small">
        {canEditDocuments(role) ? `As ${roleLabel.toLowerCase()} you can edit these drafts together, live.` : `As ${roleLabel.toLowerCase()} you can read these drafts and follow the editing live.`}
      </p>
      {documents.length === 0 ? (
        <p className="empty">This workshop has no documents yet.</p>
      ) : (
        <ul className="card-list" aria-labelledby="documents">
          {documents.map((d) => (
            <li key={d.id}>
              <Link className="title" to={`/documents/${d.id}`}>{d.title}</Link>
              <div className="meta">
                <span>{kindLabel(d.kind)}</span>
                <span className={statusBadgeClass(d.status)}>{statusLabel(d.status)}</span>
                <span>
                  Last updated <time dateTime={isoString(d.updatedAt)}>{formatDateTime(d.updatedAt)}</time>
                </span>
                <span>{`Your role: ${roleLabel}`}</span>
              </div>
            </li>
          ))}
        </ul>
      )}

      {workshop.description.length > 0 ? (
        <>
          <h2>About this workshop</h2>
          {workshop.description.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </>
      ) : null}
      {details.objective || details.aims.length > 0 ? (
        <>
          <h2>{details.aims.length > 0 ? "Objective and aims" : "Objective"}</h2>
          {details.objective ? (
            // The programme writes "Objective: to explore …"; a full sentence stands on its own.
            <p>{/^[a-z]/.test(details.objective) ? <><strong>Objective:</strong> {details.objective}</> : details.objective}</p>
          ) : null}
          {details.aims.length > 0 ? (
            <>
              <p><strong>Aims:</strong></p>
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
          <h2>Outputs</h2>
          <Outputs outputs={details.outputs} documentIds={documentIds} />
        </>
      ) : null}
      {details.organisers.some((o) => o.about.length > 0) ? (
        <>
          <h2>Organisers</h2>
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
        <p className="muted small">The description, objective, aims and outputs above are quoted from the {details.event} workshop programme.</p>
      ) : null}
    </div>
  );
}
