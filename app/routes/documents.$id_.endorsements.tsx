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
import type { Translate } from "../i18n/instance";
import { z } from "zod";
import { FormError, FormNotice } from "../components/field";
import { countryName } from "../declarations/countries";
import { CAPACITY_LABEL_KEYS, EVIDENCE_KEYS, isCapacity, isOrganisationType, ORGANISATION_TYPE_KEYS } from "../declarations/endorsement-words";
import { countEndorsementsOfDocument, EndorsementError, findCurrentVersionByDocument, listEndorsementsOfDocument, moderate, requireEndorsementOrganiser } from "../models/endorsements.server";
import { isoString } from "../utils/dates";
import { formToObject, parseWith } from "../utils/forms.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";
import { formatNumberIn } from "../i18n/format";
import { useT } from "../i18n/react";
import { requestLocale, requestT } from "../i18n/strings.server";
import { workshopStrings } from "../workshops/strings.server";
import { dateTimeIn } from "../workshops/words";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.title : "Accord" }];
export const headers = forwardHeaders;

const PAGE = 500;

type Status = "listed" | "pending" | "hidden" | "rejected" | "withdrawn";
type PublicFieldName = "name" | "role" | "affiliation" | "country" | "capacity" | "statement";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { document } = await requireEndorsementOrganiser(request, context, params.id);
  const current = await findCurrentVersionByDocument(document.id);
  const [rows, total] = current ? await Promise.all([listEndorsementsOfDocument(document.id, PAGE), countEndorsementsOfDocument(document.id)]) : [[], 0];
  const verifiedOnly = current?.organisationPolicy === "verified_only";
  const [t, locale] = await Promise.all([requestT(request, context), requestLocale(request, context)]);
  return data(
    {
      title: t("workshop:moderation.metaTitle", { document: document.title }),
      i18n: await workshopStrings(request, context, ["moderation"]),
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
          evidence: t(EVIDENCE_KEYS[e.evidence]),
          createdAt: e.createdAt.toISOString(),
          withdrawnAt: e.withdrawnAt?.toISOString() ?? null,
          erased: e.erasedAt === null ? null : e.userId === null ? ("deleted" as const) : ("withdrawn" as const),
          reason: e.moderationReason,
          // Everything the signer gave (organisers see all of it), marked with what is public; the choices in the
          // page's language (the public namespace's words, said here on the server).
          name: e.kind === "organisation" ? e.organisationName : e.displayName,
          details: [
            e.kind === "organisation" && isOrganisationType(e.organisationType) ? t(ORGANISATION_TYPE_KEYS[e.organisationType]) : null,
            e.roleTitle,
            e.affiliation,
            isCapacity(e.capacity) ? t(CAPACITY_LABEL_KEYS[e.capacity]) : null,
            e.country ? countryName(e.country, locale) : null,
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
const REASON_MAX = 300;

/** The form's rules, with their refusals in the page's language. */
const schemaIn = (t: Translate) => {
  const noSuchEndorsement = t("workshop:moderation.errors.noSuchEndorsement");
  const endorsementId = z.string({ message: noSuchEndorsement }).regex(UUID, noSuchEndorsement);
  const reason = (required: boolean) =>
    z
      .preprocess((v) => (v == null ? "" : v), z.string())
      .transform((v) => v.trim().replace(/\s+/g, " "))
      .refine((v) => !required || v.length > 0, t("workshop:moderation.errors.reasonRequired"))
      .refine((v) => v.length <= REASON_MAX, t("workshop:moderation.errors.reasonTooLong", { max: REASON_MAX }))
      .refine((v) => !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(v), t("workshop:moderation.errors.reasonControl"));
  return z.discriminatedUnion(
    "intent",
    [
      z.object({ intent: z.literal("verify"), endorsementId }),
      z.object({ intent: z.literal("reject"), endorsementId, reason: reason(false) }),
      z.object({ intent: z.literal("hide"), endorsementId, reason: reason(true) }),
      z.object({ intent: z.literal("unhide"), endorsementId }),
    ],
    { message: t("workshop:moderation.errors.unknownAction") },
  );
};

function doneText(t: Translate, intent: "verify" | "reject" | "hide" | "unhide"): string {
  switch (intent) {
    case "verify":
      return t("workshop:moderation.done.verify");
    case "reject":
      return t("workshop:moderation.done.reject");
    case "hide":
      return t("workshop:moderation.done.hide");
    default:
      return t("workshop:moderation.done.unhide");
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, document } = await requireEndorsementOrganiser(request, context, params.id);
  const t = await requestT(request, context);
  let form: Record<string, string>;
  try {
    form = formToObject(await request.formData());
  } catch {
    return data({ error: t("workshop:moderation.errors.unreadable"), notice: null, target: null }, { status: 400, headers: NO_STORE });
  }
  const parsed = parseWith(schemaIn(t), form);
  if (!parsed.ok) {
    return data({ error: Object.values(parsed.fieldErrors)[0] ?? t("workshop:moderation.errors.check"), notice: null, target: form.endorsementId ?? null }, { status: 400, headers: NO_STORE });
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
      return data({ error: t("workshop:moderation.errors.noLongerPossible"), notice: null, target: input.endorsementId }, { status: 409, headers: NO_STORE });
    }
    return data({ error: null, notice: doneText(t, input.intent), target: input.endorsementId }, { headers: NO_STORE });
  } catch (error) {
    // The one refusal `moderate` words itself: another endorsement of the organisation is already listed (409).
    if (error instanceof EndorsementError) {
      const message = error.status === 409 ? t("workshop:moderation.errors.alreadyListed") : error.message;
      return data({ error: message, notice: null, target: input.endorsementId }, { status: error.status, headers: NO_STORE });
    }
    throw error;
  }
}

function statusLabel(t: Translate, status: Status): string {
  switch (status) {
    case "listed":
      return t("workshop:moderation.status.listed");
    case "pending":
      return t("workshop:moderation.status.pending");
    case "hidden":
      return t("workshop:moderation.status.hidden");
    case "rejected":
      return t("workshop:moderation.status.rejected");
    default:
      return t("workshop:moderation.status.withdrawn");
  }
}

function fieldName(t: Translate, field: string): string {
  switch (field as PublicFieldName) {
    case "name":
      return t("workshop:moderation.fields.name");
    case "role":
      return t("workshop:moderation.fields.role");
    case "affiliation":
      return t("workshop:moderation.fields.affiliation");
    case "country":
      return t("workshop:moderation.fields.country");
    case "capacity":
      return t("workshop:moderation.fields.capacity");
    case "statement":
      return t("workshop:moderation.fields.statement");
    default:
      return field;
  }
}

export default function ModerationQueue() {
  const { document, declaration, endorsements, total, shown } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, locale } = useT();
  const pending = endorsements.filter((e) => e.status === "pending");
  const here = `/documents/${document.id}/endorsements`;
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current={t("workshop:moderation.title")} />
      <h1>{t("workshop:moderation.title")}</h1>
      <p className="lead">{document.title}</p>
      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />

      {!declaration ? (
        <p className="empty">{t("workshop:moderation.notPublished")}</p>
      ) : (
        <>
          <p>
            {declaration.open
              ? t("workshop:moderation.currentOpen", { number: declaration.number })
              : t("workshop:moderation.currentClosed", { number: declaration.number })}{" "}
            {declaration.verifiedOnly ? t("workshop:moderation.policyVerifiedOnly") : t("workshop:moderation.policyListUnverified")}{" "}
            <Link to={`/d/${declaration.slug}`}>{t("workshop:moderation.publicPage")}</Link>
          </p>
          <section className="card" aria-labelledby="export-heading">
            <h2 id="export-heading">{t("workshop:moderation.export")}</h2>
            <p>{t("workshop:moderation.exportExplain")}</p>
            <p className="actions">
              <a className="button secondary" href={`${here}/export?format=csv`} download>{t("workshop:moderation.downloadCsv")}</a>
              <a className="button secondary" href={`${here}/export?format=json`} download>{t("workshop:moderation.downloadJson")}</a>
            </p>
          </section>

          <h2 id="queue">{t("workshop:moderation.waiting")}</h2>
          {pending.length === 0 ? (
            <p className="empty">{t("workshop:moderation.noneWaiting")}</p>
          ) : (
            <EndorsementTable rows={pending} caption={t("workshop:moderation.waitingCaption")} here={here} busy={busy} />
          )}

          <h2 id="all">{t("workshop:moderation.all")}</h2>
          {total > shown ? (
            <p className="muted">{t("workshop:moderation.showing", { shown: formatNumberIn(locale, shown), total: formatNumberIn(locale, total) })}</p>
          ) : null}
          {endorsements.length === 0 ? (
            <p className="empty">{t("workshop:moderation.nobody")}</p>
          ) : (
            <EndorsementTable rows={endorsements} caption={t("workshop:moderation.all")} here={here} busy={busy} />
          )}
        </>
      )}
    </div>
  );
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["endorsements"][number];

function EndorsementTable({ rows, caption, here, busy }: { rows: Row[]; caption: string; here: string; busy: boolean }) {
  const { t, locale } = useT();
  const columns = {
    endorsement: t("workshop:moderation.columns.endorsement"),
    version: t("workshop:moderation.columns.version"),
    status: t("workshop:moderation.columns.status"),
    actions: t("workshop:moderation.columns.actions"),
  };
  return (
    <div className="table-wrap">
      <table className="data responsive moderation">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{columns.endorsement}</th>
            <th scope="col">{columns.version}</th>
            <th scope="col">{t("workshop:moderation.columns.statusAndEvidence")}</th>
            <th scope="col">{columns.actions}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const label =
              e.name ??
              (e.erased === "deleted"
                ? t("workshop:moderation.erasedDeleted")
                : e.erased === "withdrawn"
                  ? t("workshop:moderation.erasedWithdrawn")
                  : t("workshop:moderation.anEndorsement"));
            const signedBy = e.signerRole
              ? e.signerDomain
                ? t("workshop:moderation.signedByAt", { role: e.signerRole, domain: e.signerDomain })
                : t("workshop:moderation.signedBy", { role: e.signerRole })
              : null;
            const named = (action: string) => (
              <>
                {action}
                <span className="visually-hidden">{` ${label}`}</span>
              </>
            );
            return (
              <tr key={e.id}>
                <td data-label={columns.endorsement}>
                  <strong>{label}</strong>
                  {e.kind === "organisation" ? <span className="muted"> {t("workshop:moderation.organisationMark")}</span> : null}
                  {e.details.length > 0 ? <div className="small">{e.details.join(" · ")}</div> : null}
                  {e.website ? <div className="small">{e.website}</div> : null}
                  {signedBy ? <div className="small">{signedBy}</div> : null}
                  {e.statement ? <div className="small statement">{e.statement}</div> : null}
                  {e.kind === "individual" && !e.erased ? (
                    <div className="small muted">
                      {e.publicFields.length > 0
                        ? t("workshop:moderation.publicFields", { fields: e.publicFields.map((f) => fieldName(t, f)).join(", ") })
                        : t("workshop:moderation.nothingPublic")}
                    </div>
                  ) : null}
                  <div className="small"><Link to={`/e/${e.id}`}>{t("workshop:moderation.receipt")}</Link></div>
                </td>
                <td data-label={columns.version}>
                  {e.versionNumber}
                  <div className="small muted"><time dateTime={isoString(e.createdAt)}>{dateTimeIn(locale, e.createdAt)}</time></div>
                </td>
                <td data-label={columns.status}>
                  <span className="badge">{statusLabel(t, e.status)}</span>
                  <div className="small">{e.evidence}</div>
                  {e.withdrawnAt ? <div className="small muted">{t("workshop:moderation.withdrawnOn", { when: dateTimeIn(locale, e.withdrawnAt) })}</div> : null}
                  {e.reason ? <div className="small">{t("workshop:moderation.reason", { reason: e.reason })}</div> : null}
                </td>
                <td data-label={columns.actions}>
                  <div className="moderation-actions">
                    {e.canVerify ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="verify" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <button type="submit" className="secondary" disabled={busy}>
                          {named(t("workshop:moderation.verify"))}
                        </button>
                      </Form>
                    ) : null}
                    {e.canReject ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="reject" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <button type="submit" className="danger" disabled={busy}>
                          {named(t("workshop:moderation.reject"))}
                        </button>
                      </Form>
                    ) : null}
                    {e.canHide ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="hide" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <label className="visually-hidden" htmlFor={`reason-${e.id}`}>{t("workshop:moderation.reasonFor", { name: label })}</label>
                        <input type="text" id={`reason-${e.id}`} name="reason" maxLength={REASON_MAX} placeholder={t("workshop:moderation.reasonPlaceholder")} />
                        <button type="submit" className="danger" disabled={busy}>
                          {named(t("workshop:moderation.hide"))}
                        </button>
                      </Form>
                    ) : null}
                    {e.canUnhide ? (
                      <Form method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="unhide" />
                        <input type="hidden" name="endorsementId" value={e.id} />
                        <button type="submit" className="secondary" disabled={busy}>
                          {named(t("workshop:moderation.unhide"))}
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
