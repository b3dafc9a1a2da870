/**
 * /verify — check a text without a command line: paste it or choose its file, and see whether its SHA-256 (after the
 * canonical recipe) is the fingerprint of a published version, and of which; when a declaration is chosen and nothing
 * matches, what differs from its current version. `?hash=` looks a fingerprint up directly. Public, no account, and
 * it works without JavaScript (a plain multipart form). The rules are app/models/verification.server.ts's.
 */
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DiffView } from "../diff/diff-view";
import diffStyles from "../diff/diff.css";
import { loadPublicDeclarations } from "../models/publishing.server";
import { SHA256_HEX, textOfUpload, verifyHash, verifyText, verifyTranslationHash, VerifyError, type PublishedMatch, type Verification } from "../models/verification.server";
import { TranslationMatchList } from "../components/translation-banner";
import { formatDateIn, isoString } from "../utils/dates";
import { formatNumberIn } from "../i18n/format";
import { Trans, useT } from "../i18n/react";
import { requestLocale, tFor } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }, { name: "description", content: data.description }] : []);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const hash = (url.searchParams.get("hash") ?? "").trim().toLowerCase();
  const declarations = await loadPublicDeclarations();
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  return {
    title: t("public:verify.title"),
    description: t("public:verify.description"),
    i18n: await publicStrings(request, context, ["verify", "translation"]),
    declarations: declarations.map((d) => ({ slug: d.slug, title: d.title })).sort((a, b) => a.title.localeCompare(b.title, locale)),
    slug: url.searchParams.get("slug") ?? "",
    hashLookup: hash === "" ? null : { hash, valid: SHA256_HEX.test(hash), matches: await verifyHash(hash), translations: await verifyTranslationHash(hash) },
  };
}

interface ActionResult {
  error: string | null;
  result: Verification | null;
  slug: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const answer = (r: Partial<ActionResult>, status = 200) => data<ActionResult>({ error: null, result: null, slug: "", ...r }, { status });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return answer({ error: tFor(await requestLocale(request, context))("public:input.formUnreadable") }, 400);
  }
  const slug = typeof form.get("slug") === "string" ? String(form.get("slug")).slice(0, 100) : "";
  const file = form.get("file");
  const pasted = form.get("text");
  try {
    const text = file instanceof Blob && file.size > 0 ? await textOfUpload(file) : typeof pasted === "string" ? pasted : "";
    return answer({ result: await verifyText({ text, slug: slug || null }), slug });
  } catch (error) {
    if (error instanceof VerifyError) return answer({ error: verifyErrorIn(error.message, tFor(await requestLocale(request, context))), slug }, error.status);
    throw error;
  }
}

/** The verification rules' (English) refusals in the page's language. */
function verifyErrorIn(message: string, t: ReturnType<typeof tFor>): string {
  if (message.startsWith("That file is larger")) return t("public:verify.errors.fileTooLarge");
  if (message.startsWith("That file is not plain text")) return t("public:verify.errors.notText");
  if (message.startsWith("That text is longer")) return t("public:verify.errors.textTooLong");
  if (message.startsWith("Paste the text")) return t("public:verify.errors.empty");
  return message;
}

function MatchList({ matches }: { matches: PublishedMatch[] }) {
  const { t, locale } = useT();
  return (
    <ul>
      {matches.map((m) => (
        <li key={`${m.slug}:${m.number}`}>
          <Trans
            k="public:verify.match"
            values={{ number: m.number, title: m.title, date: formatDateIn(locale, m.publishedAt) }}
            tags={{
              go: (c) => <Link to={`/d/${m.slug}/v/${m.number}`}>{c}</Link>,
              when: (c) => <time dateTime={isoString(m.publishedAt)}>{c}</time>,
            }}
          />
          {m.currentNumber === m.number ? ` ${t("public:verify.current")}` : ` ${t("public:verify.since", { number: m.currentNumber })}`}
        </li>
      ))}
    </ul>
  );
}

function Outcome({ result }: { result: Verification }) {
  const { t, locale } = useT();
  if (result.matches.length === 0 && result.translations.length > 0) {
    return (
      <div className="alert ok">
        <TranslationMatchList matches={result.translations} />
        <p className="small"><Trans k="public:verify.hashIs" values={{ hash: result.hash }} tags={{ hash: (c) => <code className="hash">{c}</code> }} /></p>
      </div>
    );
  }
  if (result.matches.length > 0) {
    return (
      <div className="alert ok">
        <p><strong>{t("public:verify.exact")}</strong></p>
        <MatchList matches={result.matches} />
        <p className="small"><Trans k="public:verify.hashIs" values={{ hash: result.hash }} tags={{ hash: (c) => <code className="hash">{c}</code> }} /></p>
      </div>
    );
  }
  return (
    <>
      <div className="alert warning">
        <p><strong>{t("public:verify.noMatch")}</strong> {t("public:verify.differs")}</p>
        <p className="small">
          <Trans
            k="public:verify.yourHash"
            values={{ hash: result.hash, count: result.length, formatted: formatNumberIn(locale, result.length) }}
            tags={{ hash: (c) => <code className="hash">{c}</code> }}
          />
        </p>
      </div>
      {result.comparison ? (
        <section aria-labelledby="comparison">
          <h3 id="comparison">{t("public:verify.howDiffers", { number: result.comparison.number, title: result.comparison.title })}</h3>
          <DiffView
            {...result.comparison.diff}
            label={t("public:verify.diffLabel", { number: result.comparison.number })}
          />
        </section>
      ) : null}
    </>
  );
}

export default function VerifyPage() {
  const { declarations, slug, hashLookup } = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const chosen = posted?.slug ?? slug;
  const { t } = useT();
  return (
    <div className="page reading">
      <h1>{t("public:verify.heading")}</h1>
      <p className="lead">{t("public:verify.lead")}</p>

      <Form method="post" encType="multipart/form-data" className="stack card" aria-labelledby="check-text">
        <h2 id="check-text">{t("public:verify.checkText")}</h2>
        <div className="field">
          <label htmlFor="verify-text">{t("public:verify.text")}</label>
          <p className="hint" id="verify-text-hint">{t("public:verify.textHint")}</p>
          <textarea id="verify-text" name="text" rows={10} aria-describedby="verify-text-hint" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="verify-file">{t("public:verify.file")}</label>
          <input id="verify-file" name="file" type="file" accept=".txt,text/plain" />
        </div>
        <div className="field">
          <label htmlFor="verify-slug">{t("public:verify.compare")}</label>
          <p className="hint" id="verify-slug-hint">{t("public:verify.compareHint")}</p>
          <select id="verify-slug" name="slug" defaultValue={chosen} aria-describedby="verify-slug-hint">
            <option value="">{t("public:verify.noComparison")}</option>
            {declarations.map((d) => (
              <option key={d.slug} value={d.slug}>{d.title}</option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("public:verify.checking") : t("public:verify.submit")}</button>
        </div>
      </Form>

      <div aria-live="polite">
        {posted?.error ? <div className="alert error" role="alert">{posted.error}</div> : null}
        {posted?.result ? (
          <section aria-labelledby="result-title">
            <h2 id="result-title">{t("public:verify.result")}</h2>
            <Outcome result={posted.result} />
          </section>
        ) : null}
      </div>

      <Form method="get" className="stack card" aria-labelledby="check-hash">
        <h2 id="check-hash">{t("public:verify.checkHash")}</h2>
        <div className="field">
          <label htmlFor="verify-hash">{t("public:verify.hashLabel")}</label>
          <input id="verify-hash" name="hash" type="text" autoComplete="off" spellCheck={false} defaultValue={hashLookup?.hash ?? ""} />
        </div>
        <div className="actions">
          <button type="submit" className="secondary">{t("public:verify.lookUp")}</button>
        </div>
        {hashLookup ? (
          hashLookup.matches.length > 0 ? (
            <div className="alert ok" role="status"><p>{t("public:verify.sealedAs")}</p><MatchList matches={hashLookup.matches} /></div>
          ) : hashLookup.translations.length > 0 ? (
            <div className="alert ok" role="status"><TranslationMatchList matches={hashLookup.translations} /></div>
          ) : (
            <div className="alert warning" role="status">
              {hashLookup.valid ? t("public:verify.noMatch") : t("public:verify.badHash")}
            </div>
          )
        ) : null}
      </Form>

      <section aria-labelledby="recipe">
        <h2 id="recipe">{t("public:verify.recipeTitle")}</h2>
        <p>
          <Trans k="public:verify.recipe" values={{ api: "/api/declarations/<address>" }} tags={{ code: (c) => <code>{c}</code> }} />
        </p>
        <pre className="command">{"sha256sum declaration-v1.txt"}</pre>
      </section>
    </div>
  );
}
