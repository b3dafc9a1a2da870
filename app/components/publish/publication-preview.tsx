/**
 * Step 2 of publishing: exactly what would be sealed — the SHA-256, what changed since the public version, warnings,
 * the full text — and then the confirmation. The form carries the previewed hash, so publishing refuses any other
 * text; it is keyed by that hash and number, so its checkbox starts unticked for every new preview.
 */
import { Form, Link } from "@remix-run/react";
import { DiffView } from "../../diff/diff-view";
import type { TextDiff } from "../../diff/text-diff";
import { isoString } from "../../utils/dates";
import { Trans, useT } from "../../i18n/react";
import { formatNumberIn } from "../../i18n/format";
import { dateTimeIn } from "../../workshops/words";

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
  const { t } = useT();
  if (warning.kind === "older") {
    return <li>{t("workshop:publish.preview.older", { name: warning.publishedVersionName, number: warning.publishedNumber })}</li>;
  }
  return (
    <li>
      {`${t("workshop:publish.preview.emptySections", { count: warning.headings.length })} `}
      {warning.headings.map((h, i) => (
        <span key={i}>{`${i > 0 ? ", " : ""}${t("workshop:publish.preview.quoted", { text: h })}`}</span>
      ))}
      .
    </li>
  );
}

function PublishForm({ action, preview, form }: { action: string; preview: PublicationPreviewView & { seal: object }; form: PublishFormState }) {
  const { errors } = form;
  const described = (id: string, hint?: string) => [hint, errors[id] ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  const seal = preview.seal as NonNullable<PublicationPreviewView["seal"]>;
  const { t } = useT();
  return (
    <Form key={`${preview.version.id}:${seal.hash}:${preview.number}`} method="post" action={action} className="stack card" aria-labelledby="confirm-publish">
      <h3 id="confirm-publish">{t("workshop:publish.form.heading", { name: preview.version.name, number: preview.number })}</h3>
      <input type="hidden" name="intent" value="publish" />
      <input type="hidden" name="versionId" value={preview.version.id} />
      <input type="hidden" name="hash" value={seal.hash} />
      {form.publicSlug ? (
        <p>
          <Trans k="workshop:publish.form.fixedAddress" values={{ address: `/d/${form.publicSlug}` }} tags={{ code: (c) => <code>{c}</code> }} />
        </p>
      ) : (
        <div className="field">
          <label htmlFor="publish-slug">{t("workshop:publish.form.address")}</label>
          <p className="hint" id="publish-slug-hint">
            {t("workshop:publish.form.addressHint", { slug: form.documentSlug, pattern: `/d/<${t("workshop:publish.form.addressWord")}>` })}
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
          <label htmlFor="publish-confirm">{t("workshop:publish.form.confirm")}</label>
        </div>
        {errors.confirm ? <p className="error" id="confirm-error">{errors.confirm}</p> : null}
      </div>
      <div className="actions">
        <button type="submit" disabled={form.busy}>{t("workshop:publish.form.submit", { number: preview.number })}</button>
        <Link to={action}>{t("workshop:publish.form.cancel")}</Link>
      </div>
    </Form>
  );
}

export function PublicationPreview({ action, preview, form }: { action: string; preview: PublicationPreviewView; form: PublishFormState }) {
  const { seal, latest, diff } = preview;
  const { t, locale } = useT();
  return (
    <section id="preview" className="stack" aria-labelledby="preview-title" tabIndex={-1}>
      <h2 id="preview-title">{t("workshop:publish.preview.title", { name: preview.version.name })}</h2>
      {seal ? <p className="no-print"><a href="#confirm-publish">{t("workshop:publish.preview.skip")}</a></p> : null}
      <dl className="facts card">
        <dt>{t("workshop:publish.preview.saved")}</dt>
        <dd>
          {preview.version.authorName ? `${preview.version.authorName}, ` : ""}
          <time dateTime={isoString(preview.version.createdAt)}>{dateTimeIn(locale, preview.version.createdAt)}</time>
        </dd>
        {seal ? (
          <>
            <dt>{t("workshop:publish.preview.wouldBecome")}</dt>
            <dd>{latest ? t("workshop:publish.preview.replacing", { number: preview.number, latest: latest.number }) : t("workshop:publish.preview.first", { number: preview.number })}</dd>
            <dt>{t("workshop:publish.preview.hash")}</dt>
            <dd><code className="hash">{seal.hash}</code></dd>
            <dt>{t("workshop:publish.preview.length")}</dt>
            <dd>{t("workshop:publish.preview.words", { count: seal.words, n: formatNumberIn(locale, seal.words) })}</dd>
          </>
        ) : null}
      </dl>
      {preview.refusal ? <div className="alert error" role="alert">{preview.refusal}</div> : null}
      {preview.warnings.length > 0 ? (
        <div className="alert warning">
          <p><strong>{t("workshop:publish.preview.check")}</strong></p>
          <ul>
            {preview.warnings.map((w) => (
              <Warning key={w.kind} warning={w} />
            ))}
          </ul>
        </div>
      ) : null}
      {seal ? (
        <>
          <h3 id="preview-changes">{latest ? t("workshop:publish.preview.changesFrom", { number: latest.number }) : t("workshop:publish.preview.changes")}</h3>
          {diff ? (
            <DiffView
              {...diff}
              label={t("workshop:publish.preview.diffLabel", { number: latest?.number ?? "", name: preview.version.name })}
            />
          ) : (
            <p>{t("workshop:publish.preview.nothingPublic")}</p>
          )}
          <h3 id="preview-text">{t("workshop:publish.preview.fullText")}</h3>
          <article className="document card" aria-labelledby="preview-text" dangerouslySetInnerHTML={{ __html: seal.html }} />
          <PublishForm action={action} preview={{ ...preview, seal }} form={form} />
        </>
      ) : null}
    </section>
  );
}
