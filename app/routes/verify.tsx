/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
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
import { formatDate, isoString } from "../utils/dates";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction = () => [
  { title: "Verify a text — Accord" },
  { name: "description", content: "Check whether a text is exactly a published version of a declaration, by its SHA-256 fingerprint." },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const hash = (url.searchParams.get("hash") ?? "").trim().toLowerCase();
  const declarations = await loadPublicDeclarations();
  return {
    declarations: declarations.map((d) => ({ slug: d.slug, title: d.title })).sort((a, b) => a.title.localeCompare(b.title, "en")),
    slug: url.searchParams.get("slug") ?? "",
    hashLookup: hash === "" ? null : { hash, valid: SHA256_HEX.test(hash), matches: await verifyHash(hash), translations: await verifyTranslationHash(hash) },
  };
}

interface ActionResult {
  error: string | null;
  result: Verification | null;
  slug: string;
}

export async function action({ request }: ActionFunctionArgs) {
  const answer = (r: Partial<ActionResult>, status = 200) => data<ActionResult>({ error: null, result: null, slug: "", ...r }, { status });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return answer({ error: "The form could not be read. Please try again." }, 400);
  }
  const slug = typeof form.get("slug") === "string" ? String(form.get("slug")).slice(0, 100) : "";
  const file = form.get("file");
  const pasted = form.get("text");
  try {
    const text = file instanceof Blob && file.size > 0 ? await textOfUpload(file) : typeof pasted === "string" ? pasted : "";
    return answer({ result: await verifyText({ text, slug: slug || null }), slug });
  } catch (error) {
    if (error instanceof VerifyError) return answer({ error: error.message, slug }, error.status);
    throw error;
  }
}

function MatchList({ matches }: { matches: PublishedMatch[] }) {
  return (
    <ul>
      {matches.map((m) => (
        <li key={`${m.slug}:${m.number}`}>
          <Link to={`/d/${m.slug}/v/${m.number}`}>{`Version ${m.number} of “${m.title}”`}</Link>
          {", published "}
          <time dateTime={isoString(m.publishedAt)}>{formatDate(m.publishedAt)}</time>
          {m.currentNumber === m.number ? " — the current version." : ` — version ${m.currentNumber} has been published since.`}
        </li>
      ))}
    </ul>
  );
}

function Outcome({ result }: { result: Verification }) {
  if (result.matches.length === 0 && result.translations.length > 0) {
    return (
      <div className="alert ok">
        <TranslationMatchList matches={result.translations} />
        <p className="small">SHA-256 <code className="hash">{result.hash}</code></p>
      </div>
    );
  }
  if (result.matches.length > 0) {
    return (
      <div className="alert ok">
        <p><strong>This text is exactly a published version.</strong></p>
        <MatchList matches={result.matches} />
        <p className="small">SHA-256 <code className="hash">{result.hash}</code></p>
      </div>
    );
  }
  return (
    <>
      <div className="alert warning">
        <p><strong>No published version has this fingerprint.</strong> The text differs from every published version by at least one character after the canonical recipe (below).</p>
        <p className="small">SHA-256 of what you gave <code className="hash">{result.hash}</code> ({result.length.toLocaleString("en-GB")} characters)</p>
      </div>
      {result.comparison ? (
        <section aria-labelledby="comparison">
          <h3 id="comparison">{`How it differs from version ${result.comparison.number} of “${result.comparison.title}”`}</h3>
          <DiffView
            {...result.comparison.diff}
            label={`From the published version ${result.comparison.number} to the text you gave`}
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
  return (
    <div className="page reading">
      <h1>Verify a text</h1>
      <p className="lead">
        Every published version of a declaration is sealed with the SHA-256 fingerprint of its exact text, and every
        endorsement is bound to it. Check a copy you were given: paste it, or choose its file.
      </p>

      <Form method="post" encType="multipart/form-data" className="stack card" aria-labelledby="check-text">
        <h2 id="check-text">Check a text</h2>
        <div className="field">
          <label htmlFor="verify-text">The text</label>
          <p className="hint" id="verify-text-hint">
            Spaces, line endings and blank lines are normalised exactly as when the text was sealed, so a copy from an
            e-mail still matches; any other change, even one letter, does not.
          </p>
          <textarea id="verify-text" name="text" rows={10} aria-describedby="verify-text-hint" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor="verify-file">Or a text file (.txt, UTF-8, at most 1 MB)</label>
          <input id="verify-file" name="file" type="file" accept=".txt,text/plain" />
        </div>
        <div className="field">
          <label htmlFor="verify-slug">Compare with (optional)</label>
          <p className="hint" id="verify-slug-hint">If the text matches no published version, see what differs from this declaration&apos;s current version.</p>
          <select id="verify-slug" name="slug" defaultValue={chosen} aria-describedby="verify-slug-hint">
            <option value="">No comparison</option>
            {declarations.map((d) => (
              <option key={d.slug} value={d.slug}>{d.title}</option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Checking…" : "Check the text"}</button>
        </div>
      </Form>

      <div aria-live="polite">
        {posted?.error ? <div className="alert error" role="alert">{posted.error}</div> : null}
        {posted?.result ? (
          <section aria-labelledby="result-title">
            <h2 id="result-title">Result</h2>
            <Outcome result={posted.result} />
          </section>
        ) : null}
      </div>

      <Form method="get" className="stack card" aria-labelledby="check-hash">
        <h2 id="check-hash">Check a fingerprint</h2>
        <div className="field">
          <label htmlFor="verify-hash">SHA-256 (64 hexadecimal characters)</label>
          <input id="verify-hash" name="hash" type="text" autoComplete="off" spellCheck={false} defaultValue={hashLookup?.hash ?? ""} />
        </div>
        <div className="actions">
          <button type="submit" className="secondary">Look it up</button>
        </div>
        {hashLookup ? (
          hashLookup.matches.length > 0 ? (
            <div className="alert ok" role="status"><p>This fingerprint is sealed as:</p><MatchList matches={hashLookup.matches} /></div>
          ) : hashLookup.translations.length > 0 ? (
            <div className="alert ok" role="status"><TranslationMatchList matches={hashLookup.translations} /></div>
          ) : (
            <div className="alert warning" role="status">
              {hashLookup.valid ? "No published version has this fingerprint." : "A SHA-256 fingerprint is 64 characters, 0–9 and a–f."}
            </div>
          )
        ) : null}
      </Form>

      <section aria-labelledby="recipe">
        <h2 id="recipe">How the fingerprint is made</h2>
        <p>
          The canonical text is the version&apos;s plain text in Unicode NFC, with single spaces, no spaces at line ends, at
          most one blank line between paragraphs, ending with one newline; its fingerprint is the SHA-256 of its UTF-8
          bytes. Each published version offers its canonical text as a file (“Download the exact text”) and in its public
          data (<code>/api/declarations/&lt;address&gt;</code>, field <code>text</code>). With a command line:
        </p>
        <pre className="command">{"sha256sum declaration-v1.txt"}</pre>
      </section>
    </div>
  );
}
