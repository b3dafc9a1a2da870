/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * Step 2 of publishing: exactly what would be sealed — the SHA-256, what changed since the public version, warnings,
 * the full text — and then the confirmation. The form carries the previewed hash, so publishing refuses any other
 * text; it is keyed by that hash and number, so its checkbox starts unticked for every new preview.
 */
import { Form, Link } from "@remix-run/react";
import { DiffView } from "../../diff/diff-view";
import type { TextDiff } from "../../diff/text-diff";
import { formatDateTime, isoString } from "../../utils/dates";

export type PreviewWarningView =
  | { kind: "older"; publishedNumber: number; publishedVersionName: string }
  | { kind: "empty-sections"; headings: string[] };

export interface PublicationPreviewView {
  version: { id: string; name: string; createdAt: Date | string; authorName: string | null };
  seal: { hash: string; words: number; html: string } | null;
  refusal: string | null;
  number: number;
  latest: { number: number; sha256: string; publishedAt: Date | string } | null;
  diff: TextDiff | null;
  warnings: PreviewWarningView[];
}

export interface PublishFormState {
  errors: Record<string, string>;
  busy: boolean;
  /** The declaration's public address once published; null before the first publication. */
  publicSlug: string | null;
  documentSlug: string;
}

function Warning({ warning }: { warning: PreviewWarningView }) {
  if (warning.kind === "older") {
    return (
      <li>
        {`This version was saved before “${warning.publishedVersionName}”, which is public now as version ${warning.publishedNumber}. ` +
          "Publishing it would put an older text in its place."}
      </li>
    );
  }
  return (
    <li>
      {warning.headings.length === 1 ? "A section has no text under its heading: " : `${warning.headings.length} sections have no text under their heading: `}
      {warning.headings.map((h, i) => (
        <span key={i}>{`${i > 0 ? ", " : ""}“${h}”`}</span>
      ))}
      .
    </li>
  );
}

function PublishForm({ action, preview, form }: { action: string; preview: PublicationPreviewView & { seal: object }; form: PublishFormState }) {
  const { errors } = form;
  const described = (id: string, hint?: string) => [hint, errors[id] ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const seal = preview.seal as NonNullable<PublicationPreviewView["seal"]>;
  return (
    <Form key={`${preview.version.id}:${seal.hash}:${preview.number}`} method="post" action={action} className="stack card" aria-labelledby="confirm-publish">
      <h3 id="confirm-publish">Publish “{preview.version.name}” as version {preview.number}</h3>
      <input type="hidden" name="intent" value="publish" />
      <input type="hidden" name="versionId" value={preview.version.id} />
      <input type="hidden" name="hash" value={seal.hash} />
      {form.publicSlug ? (
        <p>
          Public address: <code>{`/d/${form.publicSlug}`}</code> (it never changes once published).
        </p>
      ) : (
        <div className="field">
          <label htmlFor="publish-slug">Public address</label>
          <p className="hint" id="publish-slug-hint">
            {`The declaration will be at /d/<address>. Lower-case letters, digits and hyphens. Leave empty to use “${form.documentSlug}”. It cannot be changed later.`}
          </p>
          <input
            type="text"
            id="publish-slug"
            name="slug"
            defaultValue=""
            placeholder={form.documentSlug}
            maxLength={80}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={described("slug", "publish-slug-hint")}
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
        <button type="submit" disabled={form.busy}>{`Publish as version ${preview.number}`}</button>
        <Link to={action}>Cancel</Link>
      </div>
    </Form>
  );
}

export function PublicationPreview({ action, preview, form }: { action: string; preview: PublicationPreviewView; form: PublishFormState }) {
  const { seal, latest, diff } = preview;
  return (
    <section id="preview" className="stack" aria-labelledby="preview-title" tabIndex={-1}>
      <h2 id="preview-title">Preview of “{preview.version.name}”</h2>
      {seal ? <p className="no-print"><a href="#confirm-publish">Skip to the confirmation</a></p> : null}
      <dl className="facts card">
        <dt>Saved</dt>
        <dd>
          {preview.version.authorName ? `${preview.version.authorName}, ` : ""}
          <time dateTime={isoString(preview.version.createdAt)}>{formatDateTime(preview.version.createdAt)}</time>
        </dd>
        {seal ? (
          <>
            <dt>Would become</dt>
            <dd>{`Version ${preview.number}${latest ? `, replacing version ${latest.number} on the public page` : ", the first published version"}`}</dd>
            <dt>SHA-256 to be sealed</dt>
            <dd><code className="hash">{seal.hash}</code></dd>
            <dt>Length</dt>
            <dd>{seal.words === 1 ? "1 word" : `${seal.words.toLocaleString("en-GB")} words`}</dd>
          </>
        ) : null}
      </dl>
      {preview.refusal ? <div className="alert error" role="alert">{preview.refusal}</div> : null}
      {preview.warnings.length > 0 ? (
        <div className="alert warning">
          <p><strong>Check before publishing:</strong></p>
          <ul>
            {preview.warnings.map((w) => (
              <Warning key={w.kind} warning={w} />
            ))}
          </ul>
        </div>
      ) : null}
      {seal ? (
        <>
          <h3 id="preview-changes">{latest ? `What changes from version ${latest.number}` : "What changes"}</h3>
          {diff ? (
            <DiffView
              {...diff}
              label={`Changes from version ${latest?.number ?? ""} to “${preview.version.name}”`}
            />
          ) : (
            <p>Nothing is public yet: this will be the first published version.</p>
          )}
          <h3 id="preview-text">The full text to be sealed</h3>
          <article className="document card" aria-labelledby="preview-text" dangerouslySetInnerHTML={{ __html: seal.html }} />
          <PublishForm action={action} preview={{ ...preview, seal }} form={form} />
        </>
      ) : null}
    </section>
  );
}
