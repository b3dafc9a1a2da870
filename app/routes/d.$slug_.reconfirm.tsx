/**
 * /d/:slug/reconfirm — one step for someone who endorsed an earlier version: read what changed
 * (/d/:slug/changes/:n), then endorse the current version with the same details. The new endorsement records
 * `reconfirms` = the earlier one's id; the earlier one stays as it is, bound to its own version.
 * The link in the "new version" e-mail leads here; without a session it goes through sign-in and comes back.
 *
 * As on the endorse form, the translation read is recorded (`readLanguage`, with that translation's hash): the one
 * asked for with `?lang=`, else the current translation in the reader's language (Accept-Language), if there is one.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import { FormError } from "../components/field";
import {
  CLOSED,
  EndorsementError,
  findDeclarationToEndorse,
  loadReconfirmPage,
  reconfirmEndorsement,
  UNVERIFIED_EMAIL,
} from "../models/endorsements.server";
import { loadDeclarationLanguages, translationReadIn } from "../models/translations.server";
import { acceptedLanguages, chooseLanguage, languageNameIn } from "../declarations/languages";
import { ReadTranslationNotice } from "../components/translation-banner";
import { Trans, useT } from "../i18n/react";
import { requestLocale, requestT, tFor } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import { formatDateIn, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Breadcrumbs } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : []);
export const headers = forwardHeaders;

/** The translation's language read: `?lang=` when given, else a current translation in the reader's language. */
function languageRead(request: Request, readable: Awaited<ReturnType<typeof loadDeclarationLanguages>>): string | null {
  const asked = new URL(request.url).searchParams.get("lang");
  if (asked !== null) return asked;
  const { language, translations } = readable;
  const currentOnes = translations.filter((t) => t.current).map((t) => t.language);
  if (currentOnes.length === 0) return null;
  const chosen = chooseLanguage(acceptedLanguages(request.headers.get("Accept-Language")), [language, ...currentOnes]);
  return chosen && chosen !== language ? chosen : null;
}

/** The refusals of app/models/endorsements.server.ts (English, the API's) in the page's language. */
function refusalIn(error: EndorsementError, current: { number: number }, t: Translate): string {
  if (error.message === UNVERIFIED_EMAIL) return t("public:reconfirm.unverified");
  if (error.message === CLOSED) return t("public:reconfirm.closed");
  if (error.fields?.readLanguage) return t("public:reconfirm.noTranslation");
  if (error.status === 429 && error.retryAfterSeconds) return t("public:reconfirm.tooMany", { count: Math.ceil(error.retryAfterSeconds / 60) });
  if (error.status === 409) {
    if (error.message.startsWith("There is no earlier")) return t("public:reconfirm.nothing", { number: current.number });
    if (error.message.startsWith("This organisation")) return t("public:reconfirm.alreadyOrganisation", { number: current.number });
    return t("public:reconfirm.alreadyIndividual", { number: current.number });
  }
  return error.message;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const current = await findDeclarationToEndorse(params.slug);
  if (!current) throw notFound();
  const { user } = await requireUser(request, context);
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  const page = await loadReconfirmPage(user, current, { t, locale });
  const readable = await loadDeclarationLanguages(current.documentId, current.number);
  const read = translationReadIn(readable, languageRead(request, readable));
  return data(
    {
      title: t("public:reconfirm.title", { title: current.title }),
      i18n: await publicStrings(request, context, read ? ["list", "reconfirm", "translation"] : ["list", "reconfirm"]),
      declaration: { slug: current.slug, title: current.title, number: current.number, sha256: current.sha256, publishedAt: current.publishedAt.toISOString() },
      blocked: !user.emailVerifiedAt ? t("public:reconfirm.unverified") : !current.endorsementsOpen ? t("public:reconfirm.closed") : null,
      choices: page.choices,
      currentOnes: page.currentOnes,
      read,
    },
    { headers: { ...NO_STORE, Vary: "Accept-Language" } },
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  let endorsementId = "";
  let readLanguage = "";
  try {
    const form = await request.formData();
    const id = form.get("endorsementId");
    const language = form.get("readLanguage");
    endorsementId = typeof id === "string" ? id : "";
    readLanguage = typeof language === "string" ? language : "";
  } catch {
    endorsementId = "";
  }
  try {
    const created = await reconfirmEndorsement({ user, slug: params.slug, endorsementId, readLanguage, ip: context.clientIp });
    return redirect(`/e/${created.id}?new=1`);
  } catch (error) {
    if (!(error instanceof EndorsementError)) throw error;
    if (error.status === 404) throw notFound();
    const headers: Record<string, string> = { ...NO_STORE };
    if (error.retryAfterSeconds) headers["Retry-After"] = String(error.retryAfterSeconds);
    const current = await findDeclarationToEndorse(params.slug);
    const t = await requestT(request, context);
    return data({ error: current ? refusalIn(error, current, t) : error.message }, { status: error.status, headers });
  }
}

/** "/d/x/changes/3", or with ?from= when more than one version lies between. */
function changesLink(slug: string, from: number, to: number): string {
  return to - from > 1 ? `/d/${slug}/changes/${to}?from=${from}` : `/d/${slug}/changes/${to}`;
}

export default function Reconfirm() {
  const { declaration, blocked, choices, currentOnes, read } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, locale } = useT();
  return (
    <div className="page reading">
      <Breadcrumbs
        trail={[
          { to: "/declarations", label: t("public:list.heading") },
          { to: `/d/${declaration.slug}`, label: declaration.title },
        ]}
        current={t("public:reconfirm.crumb")}
      />
      <h1>{t("public:reconfirm.heading", { number: declaration.number })}</h1>
      <p className="lead">
        <Trans
          k="public:reconfirm.lead"
          values={{ number: declaration.number, title: declaration.title, date: formatDateIn(locale, declaration.publishedAt) }}
          tags={{ when: (c) => <time dateTime={isoString(declaration.publishedAt)}>{c}</time> }}
        />
      </p>
      {read ? (
        <>
          <ReadTranslationNotice read={read} number={declaration.number} />
          <p>
            <Trans
              k="public:reconfirm.readTranslation"
              values={{ language: languageNameIn(read.language, locale) }}
              tags={{ go: (c) => <a href={`/d/${declaration.slug}?lang=${encodeURIComponent(read.language)}`}>{c}</a> }}
            />
          </p>
        </>
      ) : null}
      <FormError message={result?.error} />
      {blocked ? <p className="alert info">{blocked}</p> : null}

      {currentOnes.length > 0 ? (
        <div className="alert ok">
          <p>{t("public:reconfirm.already", { number: declaration.number })}</p>
          <ul>
            {currentOnes.map((c) => (
              <li key={c.id}>
                <Trans k="public:reconfirm.mine" values={{ listing: c.listing }} tags={{ receipt: (x) => <Link to={`/e/${c.id}`}>{x}</Link> }} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {choices.length === 0 ? (
        <p className="empty">
          <Trans k="public:reconfirm.none" tags={{ go: (c) => <Link to={`/d/${declaration.slug}/endorse`}>{c}</Link> }} />
        </p>
      ) : (
        choices.map((c) => (
          <section className="card" key={c.id} aria-labelledby={`reconfirm-${c.id}`}>
            <h2 id={`reconfirm-${c.id}`}>
              {c.kind === "organisation"
                ? t("public:reconfirm.asOrganisation", { number: c.versionNumber })
                : t("public:reconfirm.asIndividual", { number: c.versionNumber })}
            </h2>
            <p>
              <Trans
                k="public:reconfirm.endorsed"
                values={{ number: c.versionNumber, date: formatDateIn(locale, c.createdAt), listing: c.listing }}
                tags={{ when: (x) => <time dateTime={isoString(c.createdAt)}>{x}</time>, strong: (x) => <strong>{x}</strong> }}
              />
            </p>
            <p>
              <Link to={changesLink(declaration.slug, c.versionNumber, declaration.number)}>
                {t("public:reconfirm.readChanges", { from: c.versionNumber, to: declaration.number })}
              </Link>
            </p>
            {blocked ? null : (
              <Form method="post" className="actions">
                <input type="hidden" name="endorsementId" value={c.id} />
                {read ? <input type="hidden" name="readLanguage" value={read.language} /> : null}
                <button type="submit" disabled={busy}>{t("public:reconfirm.submit", { number: declaration.number })}</button>
                <Link to={`/e/${c.id}`}>{t("public:reconfirm.receipt", { number: c.versionNumber })}</Link>
              </Form>
            )}
          </section>
        ))
      )}
    </div>
  );
}
