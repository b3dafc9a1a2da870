/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /d/:slug/reconfirm — one step for someone who endorsed an earlier version: read what changed
 * (/d/:slug/changes/:n), then endorse the current version with the same details. The new endorsement records
 * `reconfirms` = the earlier one's id; the earlier one stays as it is, bound to its own version.
 * The link in the "new version" e-mail leads here; without a session it goes through sign-in and comes back.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "../components/field";
import {
  CLOSED,
  EndorsementError,
  findDeclarationToEndorse,
  loadReconfirmPage,
  reconfirmEndorsement,
  UNVERIFIED_EMAIL,
} from "../models/endorsements.server";
import { formatDate, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Breadcrumbs, declarationTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Re-confirm your endorsement — ${data.declaration.title} — Accord` : "Re-confirm your endorsement — Accord" },
];
export const headers = forwardHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await findDeclarationToEndorse(params.slug);
  if (!current) throw notFound();
  const { user } = await requireUser(request, context);
  const page = await loadReconfirmPage(user, current);
  return data(
    {
      declaration: { slug: current.slug, title: current.title, number: current.number, sha256: current.sha256, publishedAt: current.publishedAt.toISOString() },
      blocked: !user.emailVerifiedAt ? UNVERIFIED_EMAIL : !current.endorsementsOpen ? CLOSED : null,
      choices: page.choices,
      currentOnes: page.currentOnes,
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  let endorsementId = "";
  try {
    const value = (await request.formData()).get("endorsementId");
    endorsementId = typeof value === "string" ? value : "";
  } catch {
    endorsementId = "";
  }
  try {
    const created = await reconfirmEndorsement({ user, slug: params.slug, endorsementId, ip: context.clientIp });
    return redirect(`/e/${created.id}?new=1`);
  } catch (error) {
    if (!(error instanceof EndorsementError)) throw error;
    if (error.status === 404) throw notFound();
    const headers: Record<string, string> = { ...NO_STORE };
    if (error.retryAfterSeconds) headers["Retry-After"] = String(error.retryAfterSeconds);
    return data({ error: error.message }, { status: error.status, headers });
  }
}

/** "/d/x/changes/3", or with ?from= when more than one version lies between. */
function changesLink(slug: string, from: number, to: number): string {
  return to - from > 1 ? `/d/${slug}/changes/${to}?from=${from}` : `/d/${slug}/changes/${to}`;
}

export default function Reconfirm() {
  const { declaration, blocked, choices, currentOnes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page reading">
      <Breadcrumbs trail={declarationTrail(declaration)} current="Re-confirm" />
      <h1>{`Re-confirm for version ${declaration.number}`}</h1>
      <p className="lead">
        {`Version ${declaration.number} of “${declaration.title}” was published `}
        <time dateTime={isoString(declaration.publishedAt)}>{formatDate(declaration.publishedAt)}</time>. An endorsement stays bound to
        the text it endorsed: yours of an earlier version is not counted for version {declaration.number} unless you re-confirm.
      </p>
      <FormError message={result?.error} />
      {blocked ? <p className="alert info">{blocked}</p> : null}

      {currentOnes.length > 0 ? (
        <div className="alert ok">
          <p>{`You already endorse version ${declaration.number}:`}</p>
          <ul>
            {currentOnes.map((c) => (
              <li key={c.id}>
                {c.listing} — <Link to={`/e/${c.id}`}>receipt</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {choices.length === 0 ? (
        <p className="empty">
          You have no endorsement of an earlier version to re-confirm. <Link to={`/d/${declaration.slug}/endorse`}>Endorse this version</Link>.
        </p>
      ) : (
        choices.map((c) => (
          <section className="card" key={c.id} aria-labelledby={`reconfirm-${c.id}`}>
            <h2 id={`reconfirm-${c.id}`}>
              {c.kind === "organisation" ? `On behalf of an organisation, version ${c.versionNumber}` : `As an individual, version ${c.versionNumber}`}
            </h2>
            <p>
              {`You endorsed version ${c.versionNumber} on `}
              <time dateTime={isoString(c.createdAt)}>{formatDate(c.createdAt)}</time>, listed as: <strong>{c.listing}</strong>.
            </p>
            <p>
              <Link to={changesLink(declaration.slug, c.versionNumber, declaration.number)}>
                {`Read what changed between version ${c.versionNumber} and version ${declaration.number}`}
              </Link>
            </p>
            {blocked ? null : (
              <Form method="post" className="actions">
                <input type="hidden" name="endorsementId" value={c.id} />
                <button type="submit" disabled={busy}>{`Endorse version ${declaration.number} with the same details`}</button>
                <Link to={`/e/${c.id}`}>{`Your receipt for version ${c.versionNumber}`}</Link>
              </Form>
            )}
          </section>
        ))
      )}
    </div>
  );
}
