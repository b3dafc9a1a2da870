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
import { LanguageList, ReadTranslationNotice } from "../components/translation-banner";
import { loadDeclarationLanguages, translationReadIn } from "../models/translations.server";
import { languageEndonym } from "../declarations/languages";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Field } from "../components/field";
import { countriesIn } from "../declarations/countries";
import { endorsementFromForm, inputMessageIn, LIMITS, parseEndorsementInput } from "../declarations/endorsement-input";
import {
  CAPACITIES,
  CAPACITY_LABEL_KEYS,
  describeIndividual,
  describeOrganisation,
  ORGANISATION_TYPE_KEYS,
  ORGANISATION_TYPES,
  PUBLIC_FIELD_KEYS,
  PUBLIC_FIELDS,
  publicPartsOf,
  type Words,
} from "../declarations/endorsement-words";
import { Trans, useT } from "../i18n/react";
import { requestLocale, requestT, tFor } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import { createEndorsement, EndorsementError, findDeclarationToEndorse, loadReconfirmPage } from "../models/endorsements.server";
import { formatDateIn, formatDateTimeIn, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Breadcrumbs, declarationTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : []);
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
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  const { currentOnes: mine, choices } = auth ? await loadReconfirmPage(auth.user, current, { t, locale }) : { currentOnes: [], choices: [] };
  const canReconfirm = choices.length > 0;
  // Arriving from a translated page (`?lang=`): the endorsement is still of the authoritative text; the translation is recorded.
  // The languages the text can be read in, each link keeping this form (a reader endorses having read theirs).
  const readable = await loadDeclarationLanguages(current.documentId, current.number);
  const read = translationReadIn(readable, url.searchParams.get("lang"));
  const { language, translations } = readable;
  const endorseIn = (tag: string | null) => `/d/${current.slug}/endorse${tag ? `?lang=${encodeURIComponent(tag)}` : ""}`;
  const languages = {
    original: { language, name: languageEndonym(language), href: endorseIn(null), current: true, sourceNumber: null },
    translations: translations.map((tr) => ({ language: tr.language, name: languageEndonym(tr.language), href: endorseIn(tr.language), current: tr.current, sourceNumber: tr.sourceNumber })),
  };
  const here = `/d/${current.slug}/endorse${read ? `?lang=${encodeURIComponent(read.language)}` : ""}`;
  return data(
    {
      title: t("public:endorse.title", { title: current.title }),
      i18n: await publicStrings(request, context, read || translations.length > 0 ? ["home", "list", "declaration", "endorse", "words", "input", "translation"] : ["home", "list", "declaration", "endorse", "words", "input"]),
      declaration,
      state,
      kind,
      mine,
      canReconfirm,
      read,
      languages,
      returnTo: encodeURIComponent(here),
    },
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
    const t = await requestT(request, context);
    return data<ActionResult>({ error: t("public:input.formUnreadable"), fields: {}, values: {} }, { status: 400, headers: NO_STORE });
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
    const t = await requestT(request, context);
    const message = formError ?? (Object.keys(fields).length > 0 ? t("public:endorse.needsCorrecting") : error.message);
    return data<ActionResult>(
      { error: inputMessageIn(message, t), fields, values: submittedValues(form) },
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
  const { t, locale } = useT();
  return (
    <>
      <option value="">{t("public:endorse.chooseCountry")}</option>
      {countriesIn(locale).map((c) => (
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

function previewSentence(v: PreviewValues, t: Words, locale: string): string {
  if (v.kind === "organisation") {
    return describeOrganisation(
      {
        organisationName: v.fields.organisationName || t("public:endorse.yourOrganisation"),
        organisationType: v.fields.organisationType,
        country: v.fields.organisationCountry,
      },
      t,
      locale,
    );
  }
  return describeIndividual(
    publicPartsOf(
      { name: v.fields.name, role: v.fields.role, affiliation: v.fields.affiliation, country: v.fields.country, capacity: v.fields.capacity },
      v.publicFields,
    ),
    t,
    locale,
  );
}

/** `returnTo`: this page, URL-encoded: signing in, or signing up and confirming the address, comes back here. */
function Explanation({ state, returnTo, slug }: { state: Exclude<State, "ready">; returnTo: string; slug: string }) {
  const { t } = useT();
  if (state === "signed-out") {
    return (
      <div className="card">
        <h2>{t("public:endorse.signInTitle")}</h2>
        <p>{t("public:endorse.signInWhy")}</p>
        <p className="actions">
          <Link className="button" to={`/login?redirectTo=${returnTo}`}>{t("public:home.signIn")}</Link>
          <Link to={`/signup?redirectTo=${returnTo}`}>{t("public:home.createAccount")}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="card">
      <h2>{t("public:endorse.closedTitle")}</h2>
      <p>{t("public:input.closed")}</p>
      <p><Link to={`/d/${slug}`}>{t("public:endorse.back")}</Link></p>
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
  const { declaration, state, kind: initialKind, mine, canReconfirm, returnTo, read, languages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  const values = result?.values ?? {};
  const text = (key: string) => (typeof values[key] === "string" ? (values[key] as string) : "");
  const submittedKind: Kind = values.kind === "organisation" ? "organisation" : values.kind === "individual" ? "individual" : initialKind;
  const submittedPublic = Array.isArray(values.publicFields) ? values.publicFields : [];
  const [live, setLive] = useState<LiveErrors | null>(null);
  // A new answer from the server starts the live checking afresh.
  useEffect(() => setLive(null), [result]);
  const { t, locale } = useT();
  // The rules' messages are English (the API's); shown here in the page's language.
  const errors = Object.fromEntries(
    Object.entries(shownErrors(result?.fields ?? {}, live, Boolean(result))).map(([key, message]) => [key, inputMessageIn(message, t)]),
  );

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
      <Breadcrumbs trail={declarationTrail(declaration)} current={t("public:endorse.crumb")} />
      <h1>{t("public:endorse.heading", { title: declaration.title })}</h1>
      <p className="lead">
        <Trans
          k="public:endorse.lead"
          values={{ number: declaration.number, date: formatDateIn(locale, declaration.publishedAt), hash: declaration.sha256 }}
          tags={{
            when: (c) => <time dateTime={isoString(declaration.publishedAt)}>{c}</time>,
            hash: (c) => <code className="hash">{c}</code>,
          }}
        />
      </p>
      <LanguageList original={languages.original} translations={languages.translations} shown={read?.language ?? null} />
      {read ? <ReadTranslationNotice read={read} number={declaration.number} /> : null}

      {state !== "ready" ? <Explanation state={state} returnTo={returnTo} slug={declaration.slug} /> : null}

      {mine.length > 0 ? (
        <div className="alert info">
          <p>{t("public:endorse.already", { number: declaration.number })}</p>
          <ul>
            {mine.map((m) => (
              <li key={m.id}>
                <Trans
                  k={m.kind === "organisation" ? "public:endorse.mineOrganisation" : "public:endorse.mineIndividual"}
                  values={{ listing: m.listing, date: formatDateTimeIn(locale, m.createdAt) }}
                  tags={{
                    when: (c) => <time dateTime={isoString(m.createdAt)}>{c}</time>,
                    receipt: (c) => <Link to={`/e/${m.id}`}>{c}</Link>,
                  }}
                />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {canReconfirm && state === "ready" ? (
        <p className="alert info">
          <Trans
            k="public:endorse.earlier"
            values={{ number: declaration.number }}
            tags={{ go: (c) => <Link to={`/d/${declaration.slug}/reconfirm`}>{c}</Link> }}
          />
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
                <p>{t("public:endorse.corrected")}</p>
              ) : null}
            </div>
          ) : null}

          <fieldset className="field choice">
            <legend>{t("public:endorse.how")}</legend>
            <div className="radio-row">
              <input type="radio" id="kind-individual" name="kind" value="individual" defaultChecked={submittedKind === "individual"} />
              <label htmlFor="kind-individual">{individualMine ? t("public:endorse.asIndividualAgain") : t("public:endorse.asIndividual")}</label>
            </div>
            <div className="radio-row">
              <input type="radio" id="kind-organisation" name="kind" value="organisation" defaultChecked={submittedKind === "organisation"} />
              <label htmlFor="kind-organisation">{t("public:endorse.asOrganisation")}</label>
            </div>
          </fieldset>

          <fieldset className="kind-fields kind-individual">
            <legend>{t("public:endorse.aboutYou")}</legend>
            <Field
              name="name"
              label={t("public:endorse.name")}
              type="text"
              autoComplete="name"
              defaultValue={text("name")}
              hint={t("public:endorse.nameHint", { field: t(PUBLIC_FIELD_KEYS.name), max: LIMITS.name })}
              error={individualErrors.name}
            />
            <Field
              name="role"
              label={t("public:endorse.role")}
              type="text"
              autoComplete="organization-title"
              defaultValue={text("role")}
              hint={t("public:endorse.roleHint")}
              error={individualErrors.role}
            />
            <Field
              name="affiliation"
              label={t("public:endorse.affiliation")}
              type="text"
              autoComplete="organization"
              defaultValue={text("affiliation")}
              hint={t("public:endorse.affiliationHint")}
              error={individualErrors.affiliation}
            />
            <SelectField name="country" label={t("public:declaration.country")} defaultValue={text("country")} error={individualErrors.country}>
              <CountryOptions />
            </SelectField>
            <fieldset className="field" aria-describedby={individualErrors.capacity ? "capacity-error" : undefined}>
              <legend>{t("public:endorse.capacity")}</legend>
              {CAPACITIES.map((c) => (
                <div className="radio-row" key={c}>
                  <input type="radio" id={`capacity-${c}`} name="capacity" value={c} defaultChecked={text("capacity") === c} />
                  <label htmlFor={`capacity-${c}`}>{t(CAPACITY_LABEL_KEYS[c])}</label>
                </div>
              ))}
              {individualErrors.capacity ? <p className="error" id="capacity-error">{individualErrors.capacity}</p> : null}
            </fieldset>
            <div className="field">
              <label htmlFor="field-statement">{t("public:endorse.statement")}</label>
              <p className="hint" id="field-statement-hint">{t("public:endorse.statementHint", { max: LIMITS.statement })}</p>
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
              <legend>{t("public:endorse.publicly")}</legend>
              <p className="hint" id="public-hint">{t("public:endorse.publiclyHint")}</p>
              {PUBLIC_FIELDS.map((f) => (
                <div className="checkbox-row" key={f}>
                  <input type="checkbox" id={`public-${f}`} name="publicFields" value={f} defaultChecked={submittedPublic.includes(f)} />
                  <label htmlFor={`public-${f}`}>{t(PUBLIC_FIELD_KEYS[f])}</label>
                </div>
              ))}
              {individualErrors.publicFields ? <p className="error" id="public-error">{individualErrors.publicFields}</p> : null}
            </fieldset>
          </fieldset>

          <fieldset className="kind-fields kind-organisation">
            <legend>{t("public:endorse.aboutOrganisation")}</legend>
            <Field
              name="organisationName"
              label={t("public:endorse.organisationName")}
              type="text"
              autoComplete="organization"
              defaultValue={text("organisationName")}
              error={organisationErrors.organisationName}
            />
            <SelectField name="organisationType" label={t("public:endorse.organisationType")} defaultValue={text("organisationType")} error={organisationErrors.organisationType}>
              <option value="">{t("public:endorse.chooseKind")}</option>
              {ORGANISATION_TYPES.map((type) => (
                <option key={type} value={type}>{t(ORGANISATION_TYPE_KEYS[type])}</option>
              ))}
            </SelectField>
            <SelectField name="organisationCountry" label={t("public:declaration.country")} defaultValue={text("organisationCountry")} error={organisationErrors.country}>
              <CountryOptions />
            </SelectField>
            <Field
              name="website"
              label={t("public:endorse.website")}
              type="url"
              inputMode="url"
              autoComplete="url"
              defaultValue={text("website")}
              hint={declaration.verifiedOnly ? t("public:endorse.websiteHintVerifiedOnly", { address: "you@polisen.se" }) : t("public:endorse.websiteHint", { address: "you@polisen.se" })}
              error={organisationErrors.website}
            />
            <Field
              name="signerRole"
              label={t("public:endorse.signerRole")}
              type="text"
              autoComplete="organization-title"
              defaultValue={text("signerRole")}
              hint={t("public:endorse.signerRoleHint")}
              error={organisationErrors.signerRole}
            />
            <CheckboxField
              name="authorised"
              label={t("public:endorse.authorised")}
              defaultChecked={values.authorised === "on"}
              error={organisationErrors.authorised}
            />
          </fieldset>

          <section className="preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">{t("public:endorse.preview")}</h2>
            <p className="preview-sentence" aria-live="polite">{previewSentence(preview, t, locale)}</p>
            {preview.kind === "individual" && preview.publicFields.includes("statement") && preview.fields.statement ? (
              <p className="muted small">{t("public:endorse.followed")}</p>
            ) : null}
          </section>

          <CheckboxField
            name="consent"
            label={t("public:endorse.consent")}
            hint={t("public:endorse.consentHint")}
            defaultChecked={values.consent === "on"}
            error={errors.consent}
          />

          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? t("public:endorse.busy") : t("public:declaration.endorseVersion", { number: declaration.number })}</button>
            <Link to={`/d/${declaration.slug}`}>{t("public:endorse.cancel")}</Link>
          </div>
        </Form>
      ) : null}
    </div>
  );
}
