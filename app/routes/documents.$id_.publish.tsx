/**
 * /documents/:id/publish — organisers only: seal a named version as the next published version (with the public
 * address on the first publish), open or close endorsements, and choose how organisations are listed.
 * Not a member of the document's workshop (or no such document): 404; a member who is not an organiser: 403.
 * The rules live in app/models/publishing.server.ts. Works without JavaScript.
 *
 * (`$id_` keeps this page out of the document page's layout: it is a page of its own.)
 */
import type { ActionFunctionArgs, AppLoadContext, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { FormError, FormNotice } from "../components/field";
import { countsSentence, ORGANISATION_POLICIES, ORGANISATION_POLICY_LABELS, type OrganisationPolicy } from "../declarations/public-view";
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
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Publish — ${data.document.title} — Accord` : "Publish — Accord" },
];

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

async function requireOrganiser(request: Request, context: AppLoadContext, id: string | undefined) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(id ?? "", user.id);
  if (!document) throw notFound();
  if (!canPublish(document.role)) {
    throw new Response(
      `Only the organisers of “${document.workshopTitle}” can publish “${document.title}” and manage its endorsements. ` +
        `Your role in this workshop is ${ROLE_LABELS[document.role]}.`,
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  return { user, document };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { document } = await requireOrganiser(request, context, params.id);
  const [declaration, versions, published] = await Promise.all([
    findDeclarationForDocument(document.id),
    listVersionChoices(document.id),
    listPublishedVersions(document.id),
  ]);
  const counts = declaration ? await countPublicEndorsementsOf({ documentId: document.id }) : null;
  const current = published[0] ?? null;
  return {
    document: { id: document.id, title: document.title, slug: document.slug, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    declaration,
    versions: versions.map((v) => ({ id: v.id, name: v.name, createdAt: v.createdAt, authorName: v.authorName, publishedAs: v.publishedAs })),
    published: published.map((p) => ({ number: p.number, sha256: p.sha256, publishedAt: p.publishedAt })),
    countsText: counts && current ? countsSentence(counts, current.number) : null,
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
      confirm: z.literal("yes", { message: "Confirm that you understand a published version can never be changed." }),
    }),
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
  published: { slug: string; number: number; hash: string; notified: number } | null;
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
  if (input.intent === "publish") {
    try {
      const published = await publishVersion({ documentId: document.id, versionId: input.versionId, slug: input.slug || null, actorId: user.id });
      return result({ intent: "publish", published: { slug: published.slug, number: published.number, hash: published.hash, notified: published.notified } });
    } catch (error) {
      if (error instanceof PublishError) {
        const field = error.code.startsWith("slug") ? "slug" : "versionId";
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
  const { document, declaration, versions, published, countsText } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const here = `/documents/${document.id}/publish`;
  const errors: Record<string, string> = outcome?.intent === "publish" ? outcome.fieldErrors : {};
  const current = published[0] ?? null;
  // The newest named version not yet published (else the newest): the likely choice.
  const suggested = (versions.find((v) => v.publishedAs.length === 0) ?? versions[0])?.id;
  const describedBy = (id: string, hint?: string) => [hint, errors[id] ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current="Publish" />
      <h1>Publish and endorsements</h1>
      <p className="lead">{document.title}</p>

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />
      {outcome?.published ? (
        <div className="alert ok" role="status">
          <p>
            Version {outcome.published.number} is published at{" "}
            <Link to={`/d/${outcome.published.slug}`}>{`/d/${outcome.published.slug}`}</Link>.
          </p>
          <p className="hash-line">SHA-256 <code>{outcome.published.hash}</code></p>
          {outcome.published.number > 1 ? (
            <p>
              {outcome.published.notified === 1
                ? "1 person who endorsed an earlier version was e-mailed a link to the changes and to re-confirm."
                : `${outcome.published.notified} people who endorsed an earlier version were e-mailed a link to the changes and to re-confirm.`}
            </p>
          ) : null}
        </div>
      ) : null}

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
        <Form method="post" action={here} className="stack card" aria-labelledby="publish">
          <input type="hidden" name="intent" value="publish" />
          <p className="muted">
            Publishing seals the chosen version: its text, and the SHA-256 of its text, can never be changed or removed
            afterwards. {current ? `It becomes version ${current.number + 1}; endorsements of version ${current.number} stay bound to version ${current.number}, and their signers are e-mailed a link to the changes and to re-confirm.` : "It becomes version 1."}{" "}
            Drafting can continue: the public page shows the latest published version until you publish the next one.
          </p>
          <fieldset className="field" aria-describedby={errors.versionId ? "versionId-error" : undefined}>
            <legend>Named version</legend>
            <ul className="choice-list">
              {versions.map((v) => (
                <li key={v.id}>
                  <input type="radio" id={`version-${v.id}`} name="versionId" value={v.id} defaultChecked={v.id === suggested} />{" "}
                  <label htmlFor={`version-${v.id}`}>
                    <strong>{v.name}</strong>{" "}
                    <span className="muted small">
                      {v.authorName ? `${v.authorName}, ` : ""}
                      <time dateTime={isoString(v.createdAt)}>{formatDateTime(v.createdAt)}</time>
                      {v.publishedAs.length > 0 ? ` — published as version ${v.publishedAs.join(", ")}` : ""}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            {errors.versionId ? <p className="error" id="versionId-error">{errors.versionId}</p> : null}
          </fieldset>
          {declaration ? (
            <p>
              Public address: <code>{`/d/${declaration.slug}`}</code> (it never changes once published).
            </p>
          ) : (
            <div className="field">
              <label htmlFor="publish-slug">Public address</label>
              <p className="hint" id="publish-slug-hint">
                {`The declaration will be at /d/<address>. Lower-case letters, digits and hyphens. Leave empty to use “${document.slug}”. It cannot be changed later.`}
              </p>
              <input
                type="text"
                id="publish-slug"
                name="slug"
                defaultValue=""
                placeholder={document.slug}
                maxLength={80}
                autoComplete="off"
                spellCheck={false}
                aria-describedby={describedBy("slug", "publish-slug-hint")}
                aria-invalid={errors.slug ? true : undefined}
              />
              {errors.slug ? <p className="error" id="slug-error">{errors.slug}</p> : null}
            </div>
          )}
          <div className="field">
            <div className="checkbox">
              <input
                type="checkbox"
                id="publish-confirm"
                name="confirm"
                value="yes"
                required
                aria-describedby={errors.confirm ? "confirm-error" : undefined}
                aria-invalid={errors.confirm ? true : undefined}
              />{" "}
              <label htmlFor="publish-confirm">I understand that a published version can never be changed or removed.</label>
            </div>
            {errors.confirm ? <p className="error" id="confirm-error">{errors.confirm}</p> : null}
          </div>
          <div className="actions">
            <button type="submit" disabled={busy}>{current ? `Publish as version ${current.number + 1}` : "Publish as version 1"}</button>
          </div>
        </Form>
      )}

      {declaration ? (
        <>
          <h2 id="endorsements">Endorsements</h2>
          <Form method="post" action={here} className="card stack" aria-labelledby="endorsements">
            <input type="hidden" name="intent" value="endorsements" />
            <p>
              {declaration.endorsementsOpen
                ? "Endorsements are open: the public page invites people and organisations to endorse the current version."
                : "Endorsements are closed: nobody can endorse until you open them again. Existing endorsements stay listed."}
            </p>
            <input type="hidden" name="open" value={declaration.endorsementsOpen ? "0" : "1"} />
            <div className="actions">
              <button type="submit" className={declaration.endorsementsOpen ? "danger" : undefined} disabled={busy}>
                {declaration.endorsementsOpen ? "Close endorsements" : "Open endorsements"}
              </button>
            </div>
          </Form>

          <h2 id="policy">Organisations</h2>
          <Form method="post" action={here} className="card stack" aria-labelledby="policy">
            <input type="hidden" name="intent" value="policy" />
            <fieldset className="field">
              <legend>When does an organisation&apos;s endorsement appear in the public list?</legend>
              <ul className="choice-list">
                {ORGANISATION_POLICIES.map((p) => (
                  <li key={p}>
                    <input type="radio" id={`policy-${p}`} name="policy" value={p} defaultChecked={declaration.organisationPolicy === p} />{" "}
                    <label htmlFor={`policy-${p}`}>{ORGANISATION_POLICY_LABELS[p]}</label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <div className="actions">
              <button type="submit" className="secondary" disabled={busy}>Save the policy</button>
            </div>
          </Form>
        </>
      ) : null}

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
