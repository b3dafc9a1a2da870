/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /documents/:id/endorsements — the organisers' moderation queue for a published declaration: organisations
 * waiting for verification first, then every endorsement of every version. Verify or reject an organisation,
 * hide an abusive endorsement with a reason, unhide it; each step is written to the audit log. Exports (CSV, JSON,
 * with the signers' e-mail addresses) are at /documents/:id/endorsements/export.
 *
 * Not a member of the workshop: 404. A member who is not an organiser: 403. E-mail addresses are not shown here
 * (only an organisation signer's e-mail domain, to help verify): the export is the one place they appear.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { FormError, FormNotice } from "../components/field";
import { countryName } from "../declarations/countries";
import { CAPACITY_LABELS, EVIDENCE_LABELS, isCapacity, isOrganisationType, ORGANISATION_TYPE_LABELS } from "../declarations/endorsement-words";
import { countEndorsementsOfDocument, EndorsementError, findCurrentVersionByDocument, listEndorsementsOfDocument, moderate, requireEndorsementOrganiser } from "../models/endorsements.server";
import { formatDateTime, isoString } from "../utils/dates";
import { formToObject, parseWith } from "../utils/forms.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Endorsements — ${data.document.title} — Accord` : "Endorsements — Accord" },
];
export const headers = forwardHeaders;

const PAGE = 500;

type Status = "listed" | "pending" | "hidden" | "rejected" | "withdrawn";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { document } = await requireEndorsementOrganiser(request, context, params.id);
  const current = await findCurrentVersionByDocument(document.id);
  const [rows, total] = current ? await Promise.all([listEndorsementsOfDocument(document.id, PAGE), countEndorsementsOfDocument(document.id)]) : [[], 0];
  const verifiedOnly = current?.organisationPolicy === "verified_only";
  return data(
    {
      document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
      declaration: current ? { slug: current.slug, number: current.number, verifiedOnly, open: current.endorsementsOpen } : null,
      total,
      shown: rows.length,
      endorsements: rows.map((e) => {
        const unverifiedUnderPolicy = e.kind === "organisation" && e.evidence === "unverified" && verifiedOnly;
        const status: Status = e.withdrawnAt
          ? "withdrawn"
          : e.moderation === "visible"
            ? unverifiedUnderPolicy
              ? "pending"
              : "listed"
            : e.moderation;
        return {
          id: e.id,
          kind: e.kind,
          versionNumber: e.versionNumber,
          status,
          evidence: e.evidence,
          createdAt: e.createdAt.toISOString(),
          withdrawnAt: e.withdrawnAt?.toISOString() ?? null,
          erased: e.erasedAt === null ? null : e.userId === null ? "account deleted" : "withdrawn",
          reason: e.moderationReason,
          // Everything the signer gave (organisers see all of it), marked with what is public.
          name: e.kind === "organisation" ? e.organisationName : e.displayName,
          details: [
            e.kind === "organisation" && isOrganisationType(e.organisationType) ? ORGANISATION_TYPE_LABELS[e.organisationType] : null,
            e.roleTitle,
            e.affiliation,
            isCapacity(e.capacity) ? CAPACITY_LABELS[e.capacity] : null,
            e.country ? countryName(e.country) : null,
          ].filter((d): d is string => Boolean(d)),
          statement: e.statement,
          publicFields: e.publicFields,
          website: e.website,
          signerRole: e.signerRole,
          signerDomain: e.signerDomain,
          canVerify: e.kind === "organisation" && !e.withdrawnAt && (e.moderation === "pending" || e.moderation === "rejected" || (e.moderation === "visible" && e.evidence !== "verified")),
          canReject: e.kind === "organisation" && !e.withdrawnAt && (e.moderation === "pending" || e.moderation === "visible"),
          canHide: !e.withdrawnAt && (e.moderation === "visible" || e.moderation === "pending"),
          canUnhide: !e.withdrawnAt && e.moderation === "hidden",
        };
      }),
    },
    { headers: NO_STORE },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const endorsementId = z.string({ message: "That endorsement does not exist." }).regex(UUID, "That endorsement does not exist.");
const reason = (required: boolean) =>
  z
    .preprocess((v) => (v == null ? "" : v), z.string())
    .transform((v) => v.trim().replace(/\s+/g, " "))
    .refine((v) => !required || v.length > 0, "Give a reason for hiding it (kept in the audit log, shown to the signer).")
    .refine((v) => v.length <= 300, "Use at most 300 characters for the reason.")
    .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), "Remove control characters from the reason.");

const schema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("verify"), endorsementId }),
    z.object({ intent: z.literal("reject"), endorsementId, reason: reason(false) }),
    z.object({ intent: z.literal("hide"), endorsementId, reason: reason(true) }),
    z.object({ intent: z.literal("unhide"), endorsementId }),
  ],
  { message: "That action is not known." },
);

const DONE = {
  verify: "The organisation is verified and listed.",
  reject: "The organisation’s endorsement was rejected: it is not listed.",
  hide: "The endorsement is hidden from the public list.",
  unhide: "The endorsement is no longer hidden.",
} as const;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, document } = await requireEndorsementOrganiser(request, context, params.id);
  let form: Record<string, string>;
  try {
    form = formToObject(await request.formData());
  } catch {
    return data({ error: "The form could not be read. Please try again.", notice: null, target: null }, { status: 400, headers: NO_STORE });
  }
  const parsed = parseWith(schema, form);
  if (!parsed.ok) {
    return data({ error: Object.values(parsed.fieldErrors)[0] ?? "Please check the form.", notice: null, target: form.endorsementId ?? null }, { status: 400, headers: NO_STORE });
  }
  const input = parsed.data;
  try {
    const done = await moderate({
      actorId: user.id,
      workshopId: document.workshopId,
      documentId: document.id,
      endorsementId: input.endorsementId,
      action: input.intent,
      reason: "reason" in input && input.reason ? input.reason : null,
    });
    if (!done) {
      return data(
        { error: "That is no longer possible for this endorsement (it may have been changed or withdrawn meanwhile).", notice: null, target: input.endorsementId },
        { status: 409, headers: NO_STORE },
      );
    }
    return data({ error: null, notice: DONE[input.intent], target: input.endorsementId }, { headers: NO_STORE });
  } catch (error) {
    if (error instanceof EndorsementError) return data({ error: error.message, notice: null, target: input.endorsementId }, { status: error.status, headers: NO_STORE });
    throw error;
  }
}

const STATUS_LABELS: Record<Status, string> = {
  listed: "Listed",
  pending: "Waiting for verification",
  hidden: "Hidden",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

export default function ModerationQueue() {
  const { document, declaration, endorsements, total, shown } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const pending = endorsements.filter((e) => e.status === "pending");
  const here = `/documents/${document.id}/endorsements`;
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current="Endorsements" />
      <h1>Endorsements</h1>
      <p className="lead">{document.title}</p>
      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />

      {!declaration ? (
        <p className="empty">This document has not been published, so nobody can endorse it yet.</p>
      ) : (
        <>
          <p>
            {`Version ${declaration.number} is the current version. Endorsements are ${declaration.open ? "open" : "closed"}. `}
            {declaration.verifiedOnly
              ? "Organisations are listed only once verified (by their e-mail domain or by you)."
              : "Organisations are listed at once, marked “unverified” until verified."}{" "}
            <Link to={`/d/${declaration.slug}`}>Public page</Link>
          </p>
          <section className="card" aria-labelledby="export-heading">
            <h2 id="export-heading">Export</h2>
            <p>
              Every endorsement of every version, with the signers’ e-mail addresses — for the organisers only. Keep the file safe
              and delete it when you no longer need it. Each export is recorded in the audit log.
            </p>
            <p className="actions">
              <a className="button secondary" href={`${here}/export?format=csv`} download>Download CSV</a>
              <a className="button secondary" href={`${here}/export?format=json`} download>Download JSON</a>
            </p>
          </section>

          <h2 id="queue">Waiting for verification</h2>
          {pending.length === 0 ? (
            <p className="empty">No organisation is waiting for verification.</p>
          ) : (
            <EndorsementTable rows={pending} caption="Organisations waiting for verification" here={here} busy={busy} />
          )}

          <h2 id="all">All endorsements</h2>
          {total > shown ? <p className="muted">{`Showing the ${shown} most relevant of ${total}; the export has all of them.`}</p> : null}
          {endorsements.length === 0 ? (
            <p className="empty">Nobody has endorsed this declaration yet.</p>
          ) : (
            <EndorsementTable rows={endorsements} caption="All endorsements" here={here} busy={busy} />
          )}
        </>
      )}
    </div>
  );
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["endorsements"][number];

function EndorsementTable({ rows, caption, here, busy }: { rows: Row[]; caption: string; here: string; busy: boolean }) {
  return (
    <div className="table-wrap">
      <table className="data responsive moderation">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Endorsement</th>
            <th scope="col">Version</th>
            <th scope="col">Status and evidence</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const label = e.name ?? (e.erased ? `details erased (${e.erased})` : "endorsement");
            return (
              <tr key={e.id}>
                <td data-label="Endorsement">
                  <strong>{label}</strong>
                  {e.kind === "organisation" ? <span className="muted"> (organisation)</span> : null}
                  {e.details.length > 0 ? <div className="small">{e.details.join(" · ")}</div> : null}
                  {e.website ? <div className="small">{e.website}</div> : null}
                  {e.signerRole ? <div className="small">{`Signed by: ${e.signerRole}${e.signerDomain ? `, e-mail at ${e.signerDomain}` : ""}`}</div> : null}
                  {e.statement ? <div className="small statement">{e.statement}</div> : null}
                  {e.kind === "individual" && !e.erased ? (
                    <div className="small muted">{e.publicFields.length > 0 ? `Public: ${e.publicFields.join(", ")}` : "Nothing public"}</div>
                  ) : null}
                  <div className="small"><Link to={`/e/${e.id}`}>Receipt</Link></div>
                </td>
                <td data-label="Version">
                  {e.versionNumber}
                  <div className="small muted"><time dateTime={isoString(e.createdAt)}>{formatDateTime(e.createdAt)}</time></div>
                </td>
                <td data-label="Status">
                  <span className="badge">{STATUS_LABELS[e.status]}</span>
                  <div className="small">{EVIDENCE_LABELS[e.evidence]}</div>
                  {e.withdrawnAt ? <div className="small muted">{`Withdrawn ${formatDateTime(e.withdrawnAt)}`}</div> : null}
                  {e.reason ? <div className="small">{`Reason: ${e.reason}`}</div> : null}
                </td>
                <td data-label="Actions">
                  <div className="moderation-actions">
                    {e.canVerify ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="verify" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <button type="submit" className="secondary" disabled={busy}>
                          Verify<span className="visually-hidden">{` ${label}`}</span>
                        </button>
                      </Form>
                    ) : null}
                    {e.canReject ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="reject" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <button type="submit" className="danger" disabled={busy}>
                          Reject<span className="visually-hidden">{` ${label}`}</span>
                        </button>
                      </Form>
                    ) : null}
                    {e.canHide ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="hide" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <label className="visually-hidden" htmlFor={`reason-${e.id}`}>{`Reason for hiding ${label}`}</label>
                        <input type="text" id={`reason-${e.id}`} name="reason" maxLength={300} placeholder="Reason" />
                        <button type="submit" className="danger" disabled={busy}>
                          Hide<span className="visually-hidden">{` ${label}`}</span>
                        </button>
                      </Form>
                    ) : null}
                    {e.canUnhide ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="unhide" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <button type="submit" className="secondary" disabled={busy}>
                          Unhide<span className="visually-hidden">{` ${label}`}</span>
                        </button>
                      </Form>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
