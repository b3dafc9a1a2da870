/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /d/:slug/endorse — endorse the declaration's current published version, as an individual or on behalf of an
 * organisation. Requires sign-in (otherwise the page says so and links on) with a confirmed e-mail (the access gate
 * sends an unconfirmed account to confirm it first).
 *
 * One form for both kinds: the choice is a radio group, and CSS (:has) shows only the chosen kind's fieldset, so it
 * works without JavaScript. With JavaScript a live preview shows the sentence the public list will read.
 * Errors come back per field (tied with aria-describedby) and in a summary that links to each field.
 * The rules are the API's (app/models/endorsements.server.ts), so the form and POST /api/… cannot disagree.
 */
import { ReadTranslationNotice } from "../components/translation-banner";
import { translationReadFor } from "../models/translations.server";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Field } from "../components/field";
import { COUNTRIES } from "../declarations/countries";
import { endorsementFromForm, LIMITS, parseEndorsementInput } from "../declarations/endorsement-input";
import {
  CAPACITIES,
  CAPACITY_LABELS,
  describeIndividual,
  describeOrganisation,
  ORGANISATION_TYPE_LABELS,
  ORGANISATION_TYPES,
  PUBLIC_FIELD_LABELS,
  PUBLIC_FIELDS,
  publicPartsOf,
} from "../declarations/endorsement-words";
import { CLOSED, createEndorsement, EndorsementError, findDeclarationToEndorse, loadReconfirmPage } from "../models/endorsements.server";
import { formatDate, formatDateTime, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Breadcrumbs, declarationTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Endorse “${data.declaration.title}” — Accord` : "Endorse — Accord" },
];
export const headers = forwardHeaders;

type Kind = "individual" | "organisation";
type State = "signed-out" | "closed" | "ready";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await findDeclarationToEndorse(params.slug);
  if (!current) throw notFound();
  const url = new URL(request.url);
  const kind: Kind = url.searchParams.get("kind") === "organisation" ? "organisation" : "individual";
  const declaration = {
    slug: current.slug,
    title: current.title,
    number: current.number,
    sha256: current.sha256,
    publishedAt: current.publishedAt.toISOString(),
    verifiedOnly: current.organisationPolicy === "verified_only",
  };
  const auth = await context.auth();
  // An account with an unconfirmed address never gets here: the access gate sends it to confirm (load-context.ts).
  let state: State = "ready";
  if (!auth) state = "signed-out";
  else if (!current.endorsementsOpen) state = "closed";
  const { currentOnes: mine, choices } = auth ? await loadReconfirmPage(auth.user, current) : { currentOnes: [], choices: [] };
  const canReconfirm = choices.length > 0;
  // Arriving from a translated page (`?lang=`): the endorsement is still of the authoritative text; the translation is recorded.
  const read = await translationReadFor(current, url.searchParams.get("lang"));
  const here = `/d/${current.slug}/endorse${read ? `?lang=${encodeURIComponent(read.language)}` : ""}`;
  return data(
    { declaration, state, kind, mine, canReconfirm, read, returnTo: encodeURIComponent(here) },
    { headers: NO_STORE },
  );
}

interface ActionResult {
  error: string;
  fields: Record<string, string>;
  values: Record<string, string | string[]>;
}

function submittedValues(form: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string" || value.length > 2000) continue;
    if (key === "publicFields") out.publicFields = [...((out.publicFields as string[] | undefined) ?? []), value];
    else if (!(key in out)) out[key] = value;
  }
  return out;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const auth = await context.auth();
  if (!auth) throw redirect(`/login?redirectTo=${encodeURIComponent(`/d/${params.slug ?? ""}/endorse`)}`);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return data<ActionResult>({ error: "The form could not be read. Please try again.", fields: {}, values: {} }, { status: 400, headers: NO_STORE });
  }
  try {
    const created = await createEndorsement({ user: auth.user, slug: params.slug, body: endorsementFromForm(form), ip: context.clientIp });
    return redirect(`/e/${created.id}?new=1`);
  } catch (error) {
    if (!(error instanceof EndorsementError)) throw error;
    if (error.status === 404) throw notFound();
    const { form: formError, ...fields } = error.fields ?? {};
    const headers: Record<string, string> = { ...NO_STORE };
    if (error.retryAfterSeconds) headers["Retry-After"] = String(error.retryAfterSeconds);
    return data<ActionResult>(
      { error: formError ?? (Object.keys(fields).length > 0 ? "Some of the details need correcting:" : error.message), fields, values: submittedValues(form) },
      { status: error.status, headers },
    );
  }
}

/** Where each of the contract's fields lives in this form (for the error summary's links). */
function inputIdFor(field: string, kind: Kind): string {
  if (field === "country") return kind === "organisation" ? "field-organisationCountry" : "field-country";
  if (field === "capacity") return `capacity-${CAPACITIES[0]}`;
  if (field === "publicFields") return `public-${PUBLIC_FIELDS[0]}`;
  if (field === "kind") return "kind-individual";
  return `field-${field}`;
}

function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

function SelectField(props: { name: string; label: string; hint?: string; error?: string; defaultValue?: string; children: ReactNode }) {
  const id = `field-${props.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.hint ? <p className="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      <select
        id={id}
        name={props.name}
        defaultValue={props.defaultValue ?? ""}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(props.hint && `${id}-hint`, props.error && `${id}-error`)}
      >
        {props.children}
      </select>
      {props.error ? <p className="error" id={`${id}-error`}>{props.error}</p> : null}
    </div>
  );
}

function CheckboxField(props: { name: string; label: ReactNode; error?: string; defaultChecked?: boolean; hint?: string }) {
  const id = `field-${props.name}`;
  return (
    <div className="field checkbox-field">
      <div className="checkbox-row">
        <input
          type="checkbox"
          id={id}
          name={props.name}
          defaultChecked={props.defaultChecked}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy(props.hint && `${id}-hint`, props.error && `${id}-error`)}
        />
        <label htmlFor={id}>{props.label}</label>
      </div>
      {props.hint ? <p className="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {props.error ? <p className="error" id={`${id}-error`}>{props.error}</p> : null}
    </div>
  );
}

function CountryOptions() {
  return (
    <>
      <option value="">Choose a country</option>
      {COUNTRIES.map((c) => (
        <option key={c.code} value={c.code}>{c.name}</option>
      ))}
    </>
  );
}

interface PreviewValues {
  kind: Kind;
  fields: Record<string, string>;
  publicFields: string[];
}

function readPreview(form: HTMLFormElement): PreviewValues {
  const fd = new FormData(form);
  const fields: Record<string, string> = {};
  for (const [key, value] of fd.entries()) if (typeof value === "string" && key !== "publicFields") fields[key] = value;
  return {
    kind: fields.kind === "organisation" ? "organisation" : "individual",
    fields,
    publicFields: fd.getAll("publicFields").filter((v): v is string => typeof v === "string"),
  };
}

function previewSentence(v: PreviewValues): string {
  if (v.kind === "organisation") {
    return describeOrganisation({
      organisationName: v.fields.organisationName || "Your organisation",
      organisationType: v.fields.organisationType,
      country: v.fields.organisationCountry,
    });
  }
  return describeIndividual(
    publicPartsOf(
      { name: v.fields.name, role: v.fields.role, affiliation: v.fields.affiliation, country: v.fields.country, capacity: v.fields.capacity },
      v.publicFields,
    ),
  );
}

/** `returnTo`: this page, URL-encoded: signing in, or signing up and confirming the address, comes back here. */
function Explanation({ state, returnTo, slug }: { state: Exclude<State, "ready">; returnTo: string; slug: string }) {
  if (state === "signed-out") {
    return (
      <div className="card">
        <h2>Sign in to endorse</h2>
        <p>
          Endorsements are made from an account whose e-mail address is confirmed, so that each one is real and you can withdraw
          yours at any time. Your e-mail address is never shown publicly.
        </p>
        <p className="actions">
          <Link className="button" to={`/login?redirectTo=${returnTo}`}>Sign in</Link>
          <Link to={`/signup?redirectTo=${returnTo}`}>Create an account</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="card">
      <h2>Endorsements are closed</h2>
      <p>{CLOSED}</p>
      <p><Link to={`/d/${slug}`}>Back to the declaration</Link></p>
    </div>
  );
}

/** The contract's field (the key of its error) that a form input feeds. */
const errorKeyOf = (inputName: string): string => (inputName === "organisationCountry" ? "country" : inputName);

/**
 * Errors as the person fixes them: a field changed since the last answer shows what the same rules (the API's zod
 * schema, run in the browser) say of it now, so an error disappears as soon as the field is valid. Before the first
 * answer only problems with something typed (too long, a web address) are shown, never "required" while typing.
 */
interface LiveErrors {
  errors: Record<string, string>;
  touched: Set<string>;
  filled: Set<string>;
}

function liveErrorsOf(form: HTMLFormElement, changed: HTMLInputElement | null, previous: LiveErrors | null): LiveErrors {
  const parsed = parseEndorsementInput(endorsementFromForm(new FormData(form)));
  const touched = new Set(previous?.touched);
  const filled = new Set(previous?.filled);
  if (changed?.name) {
    const key = errorKeyOf(changed.name);
    touched.add(key);
    const typed = changed.type !== "checkbox" && changed.type !== "radio" && changed.value.trim() !== "";
    if (typed) filled.add(key);
    else filled.delete(key);
  }
  return { errors: parsed.ok ? {} : parsed.fieldErrors, touched, filled };
}

function shownErrors(server: Record<string, string>, live: LiveErrors | null, answered: boolean): Record<string, string> {
  if (!live) return server;
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(server)) if (!live.touched.has(key)) out[key] = message;
  for (const key of live.touched) {
    const message = live.errors[key];
    if (message && (answered || live.filled.has(key))) out[key] = message;
  }
  return out;
}

export default function Endorse() {
  const { declaration, state, kind: initialKind, mine, canReconfirm, returnTo, read } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const values = result?.values ?? {};
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : "");
  const submittedKind: Kind = values.kind === "organisation" ? "organisation" : values.kind === "individual" ? "individual" : initialKind;
  const submittedPublic = Array.isArray(values.publicFields) ? values.publicFields : [];
  const [live, setLive] = useState<LiveErrors | null>(null);
  // A new answer from the server starts the live checking afresh.
  useEffect(() => setLive(null), [result]);
  const errors = shownErrors(result?.fields ?? {}, live, Boolean(result));

  const [preview, setPreview] = useState<PreviewValues>({
    kind: submittedKind,
    fields: Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === "string")),
    publicFields: submittedPublic,
  });
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) summary.current?.focus();
  }, [result]);
  const update = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    setPreview(readPreview(form));
    setLive((previous) => liveErrorsOf(form, event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLSelectElement ? (event.target as HTMLInputElement) : null, previous));
  };
  const kindNow: Kind = live ? preview.kind : submittedKind;
  const individualErrors = kindNow === "individual" ? errors : {};
  const organisationErrors = kindNow === "organisation" ? errors : {};
  const individualMine = mine.find((m) => m.kind === "individual");

  return (
    <div className="page reading">
      <Breadcrumbs trail={declarationTrail(declaration)} current="Endorse" />
      <h1>{`Endorse “${declaration.title}”`}</h1>
      <p className="lead">
        {`You are endorsing version ${declaration.number}, published `}
        <time dateTime={isoString(declaration.publishedAt)}>{formatDate(declaration.publishedAt)}</time>. Your endorsement is bound to
        this exact text: its SHA-256 is <code className="hash">{declaration.sha256}</code>.
      </p>
      {read ? <ReadTranslationNotice read={read} number={declaration.number} /> : null}

      {state !== "ready" ? <Explanation state={state} returnTo={returnTo} slug={declaration.slug} /> : null}

      {mine.length > 0 ? (
        <div className="alert info">
          <p>{`You already endorse version ${declaration.number}:`}</p>
          <ul>
            {mine.map((m) => (
              <li key={m.id}>
                {m.kind === "organisation" ? "On behalf of " : "As "}
                {m.listing}, <time dateTime={isoString(m.createdAt)}>{formatDateTime(m.createdAt)}</time> — <Link to={`/e/${m.id}`}>receipt</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {canReconfirm && state === "ready" ? (
        <p className="alert info">
          You endorsed an earlier version. <Link to={`/d/${declaration.slug}/reconfirm`}>{`Re-confirm for version ${declaration.number} in one step`}</Link>.
        </p>
      ) : null}

      {state === "ready" ? (
        <Form method="post" className="stack endorse-form" noValidate onChange={update} onInput={update}>
          {read ? <input type="hidden" name="readLanguage" value={read.language} /> : null}
          {result ? (
            <div className="alert error" role="alert" tabIndex={-1} ref={summary}>
              <p>{result.error}</p>
              {Object.keys(errors).length > 0 ? (
                <ul>
                  {Object.entries(errors).map(([field, message]) => (
                    <li key={field}><a href={`#${inputIdFor(field, kindNow)}`}>{message}</a></li>
                  ))}
                </ul>
              ) : Object.keys(result.fields).length > 0 ? (
                <p>Everything is corrected: you can send the form again.</p>
              ) : null}
            </div>
          ) : null}

          <fieldset className="field choice">
            <legend>How are you endorsing?</legend>
            <div className="radio-row">
              <input type="radio" id="kind-individual" name="kind" value="individual" defaultChecked={submittedKind === "individual"} />
              <label htmlFor="kind-individual">As an individual{individualMine ? " (you already have)" : ""}</label>
            </div>
            <div className="radio-row">
              <input type="radio" id="kind-organisation" name="kind" value="organisation" defaultChecked={submittedKind === "organisation"} />
              <label htmlFor="kind-organisation">On behalf of an organisation</label>
            </div>
          </fieldset>

          <fieldset className="kind-fields kind-individual">
            <legend>About you</legend>
            <Field
              name="name"
              label="Your name"
              type="text"
              autoComplete="name"
              defaultValue={text("name")}
              hint={`Kept private unless you tick “${PUBLIC_FIELD_LABELS.name}” below. At most ${LIMITS.name} characters.`}
              error={individualErrors.name}
            />
            <Field
              name="role"
              label="Role or rank (optional)"
              type="text"
              autoComplete="organization-title"
              defaultValue={text("role")}
              hint="For example “Detective Inspector” or “Professor of public health”."
              error={individualErrors.role}
            />
            <Field
              name="affiliation"
              label="Affiliation (optional)"
              type="text"
              autoComplete="organization"
              defaultValue={text("affiliation")}
              hint="Your police service, organisation or university, in your own words. No web addresses."
              error={individualErrors.affiliation}
            />
            <SelectField name="country" label="Country" defaultValue={text("country")} error={individualErrors.country}>
              <CountryOptions />
            </SelectField>
            <fieldset className="field" aria-describedby={individualErrors.capacity ? "capacity-error" : undefined}>
              <legend>In which capacity do you endorse?</legend>
              {CAPACITIES.map((c) => (
                <div className="radio-row" key={c}>
                  <input type="radio" id={`capacity-${c}`} name="capacity" value={c} defaultChecked={text("capacity") === c} />
                  <label htmlFor={`capacity-${c}`}>{CAPACITY_LABELS[c]}</label>
                </div>
              ))}
              {individualErrors.capacity ? <p className="error" id="capacity-error">{individualErrors.capacity}</p> : null}
            </fieldset>
            <div className="field">
              <label htmlFor="field-statement">Statement (optional)</label>
              <p className="hint" id="field-statement-hint">{`A few words on why you endorse, up to ${LIMITS.statement} characters. No web addresses.`}</p>
              <textarea
                id="field-statement"
                name="statement"
                rows={4}
                defaultValue={text("statement")}
                aria-invalid={individualErrors.statement ? true : undefined}
                aria-describedby={describedBy("field-statement-hint", individualErrors.statement && "field-statement-error")}
              />
              {individualErrors.statement ? <p className="error" id="field-statement-error">{individualErrors.statement}</p> : null}
            </div>
            <fieldset className="field" aria-describedby={describedBy("public-hint", individualErrors.publicFields && "public-error")}>
              <legend>What may be shown publicly?</legend>
              <p className="hint" id="public-hint">
                Tick what may appear in the public list. Whatever you leave unticked stays private: only the organisers see it.
                Serving officers often show only their capacity and country.
              </p>
              {PUBLIC_FIELDS.map((f) => (
                <div className="checkbox-row" key={f}>
                  <input type="checkbox" id={`public-${f}`} name="publicFields" value={f} defaultChecked={submittedPublic.includes(f)} />
                  <label htmlFor={`public-${f}`}>{PUBLIC_FIELD_LABELS[f]}</label>
                </div>
              ))}
              {individualErrors.publicFields ? <p className="error" id="public-error">{individualErrors.publicFields}</p> : null}
            </fieldset>
          </fieldset>

          <fieldset className="kind-fields kind-organisation">
            <legend>About the organisation</legend>
            <Field
              name="organisationName"
              label="Organisation’s name"
              type="text"
              autoComplete="organization"
              defaultValue={text("organisationName")}
              error={organisationErrors.organisationName}
            />
            <SelectField name="organisationType" label="Kind of organisation" defaultValue={text("organisationType")} error={organisationErrors.organisationType}>
              <option value="">Choose a kind</option>
              {ORGANISATION_TYPES.map((t) => (
                <option key={t} value={t}>{ORGANISATION_TYPE_LABELS[t]}</option>
              ))}
            </SelectField>
            <SelectField name="organisationCountry" label="Country" defaultValue={text("organisationCountry")} error={organisationErrors.country}>
              <CountryOptions />
            </SelectField>
            <Field
              name="website"
              label="Website"
              type="url"
              inputMode="url"
              autoComplete="url"
              defaultValue={text("website")}
              hint={
                "If your e-mail address is at the website’s domain (for example you@polisen.se for polisen.se), the endorsement is shown " +
                "as “e-mail domain matches the organisation’s website”. Otherwise it is “unverified”" +
                (declaration.verifiedOnly ? " and is listed only once the organisers have verified it." : " until the organisers verify it.")
              }
              error={organisationErrors.website}
            />
            <Field
              name="signerRole"
              label="Your role in the organisation"
              type="text"
              autoComplete="organization-title"
              defaultValue={text("signerRole")}
              hint="For example “Chief Constable” or “Secretary General”. Not shown publicly."
              error={organisationErrors.signerRole}
            />
            <CheckboxField
              name="authorised"
              label="I am authorised to endorse on behalf of this organisation."
              defaultChecked={values.authorised === "on"}
              error={organisationErrors.authorised}
            />
          </fieldset>

          <section className="preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">How the public list will read</h2>
            <p className="preview-sentence" aria-live="polite">{previewSentence(preview)}</p>
            {preview.kind === "individual" && preview.publicFields.includes("statement") && preview.fields.statement ? (
              <p className="muted small">Followed by your statement.</p>
            ) : null}
          </section>

          <CheckboxField
            name="consent"
            label="I agree that this endorsement is listed publicly as shown above, on the declaration’s page and in its public data."
            hint="You can withdraw it at any time from its receipt. Your e-mail address is never shown publicly."
            defaultChecked={values.consent === "on"}
            error={errors.consent}
          />

          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? "Endorsing…" : `Endorse version ${declaration.number}`}</button>
            <Link to={`/d/${declaration.slug}`}>Cancel</Link>
          </div>
        </Form>
      ) : null}
    </div>
  );
}
