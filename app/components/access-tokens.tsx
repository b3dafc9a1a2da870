/**
 * The Account page's "Personal access tokens" section: a new token shown once, the form to create one (name,
 * scopes, lifetime) and the list with scopes, expiry and last use. The action lives in app/routes/account.tsx; the
 * words are in the `security` namespace, which that page's loader sends.
 */
import { Form } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import { useEffect, useRef, type ReactNode } from "react";
import type { AccessTokenView } from "../auth/account.server";
import { DEFAULT_TOKEN_LIFETIME_DAYS, SCOPES, TOKEN_LIFETIMES_DAYS, type Scope } from "../auth/token-scopes";
import { formatDateTimeIn, timeAgoIn } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import { Trans, useT } from "../i18n/react";
import { CopyBox, CopyButton } from "./copy-button";
import { Field } from "./field";

export interface AccessTokensProps {
  tokens: AccessTokenView[];
  created: { name: string; token: string } | undefined;
  errors: Record<string, string>;
  busy: boolean;
  /** The section's success and error notices. */
  notice: ReactNode;
}

/** A scope's name and what it allows, in the page's language (keys written whole: tests/unit/locales.test.ts). */
function scopeWords(t: Translate, scope: Scope): { label: string; description: string } {
  switch (scope) {
    case "read": return { label: t("security:tokens.scopes.read"), description: t("security:tokens.scopes.readHint") };
    case "write": return { label: t("security:tokens.scopes.write"), description: t("security:tokens.scopes.writeHint") };
    case "endorse": return { label: t("security:tokens.scopes.endorse"), description: t("security:tokens.scopes.endorseHint") };
    case "admin": return { label: t("security:tokens.scopes.admin"), description: t("security:tokens.scopes.adminHint") };
  }
}

const lifetimeWords = (t: Translate, days: number) => (days === 365 ? t("security:tokens.lifetimeYear") : t("security:tokens.lifetimeDays", { count: days }));

/** "just now", "5 minutes ago", "il y a 5 minutes"…, or "never". */
function lastUsedWords(t: Translate, locale: Locale, lastUsedAt: string | null): string {
  if (!lastUsedAt) return t("security:tokens.never");
  const at = new Date(lastUsedAt);
  return Date.now() - at.getTime() < 60_000 ? t("security:tokens.justNow") : timeAgoIn(locale, at);
}

export function AccessTokens({ tokens, created, errors, busy, notice }: AccessTokensProps) {
  const { t } = useT();
  const tokenForm = useRef<HTMLFormElement>(null);
  const newToken = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // With JavaScript the page stays put: reset the form and bring the new token to the keyboard.
    if (!created) return;
    tokenForm.current?.reset();
    newToken.current?.focus();
  }, [created]);
  return (
    <section id="tokens" aria-labelledby="tokens-heading" className="card">
      <h2 id="tokens-heading">{t("security:tokens.title")}</h2>
      {notice}
      <p>
        <Trans k="security:tokens.intro" tags={{ code: (c) => <code>{c}</code> }} />
      </p>
      {created ? <NewToken created={created} inputRef={newToken} /> : null}
      <Form method="post" action="/account" className="stack" noValidate ref={tokenForm}>
        <input type="hidden" name="intent" value="create-token" />
        <Field
          name="tokenName"
          label={t("security:tokens.name")}
          type="text"
          autoComplete="off"
          maxLength={80}
          required
          hint={t("security:tokens.nameHint")}
          error={errors.tokenName}
        />
        <ScopeChoice error={errors.scopes} />
        <div className="field">
          <label htmlFor="field-lifetimeDays">{t("security:tokens.expiresAfter")}</label>
          <select
            id="field-lifetimeDays"
            name="lifetimeDays"
            defaultValue={String(DEFAULT_TOKEN_LIFETIME_DAYS)}
            aria-invalid={errors.lifetimeDays ? true : undefined}
            aria-describedby={errors.lifetimeDays ? "field-lifetimeDays-error" : undefined}
          >
            {TOKEN_LIFETIMES_DAYS.map((days) => (
              <option key={days} value={days}>{lifetimeWords(t, days)}</option>
            ))}
          </select>
          {errors.lifetimeDays ? <p className="error" id="field-lifetimeDays-error">{errors.lifetimeDays}</p> : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("security:tokens.creating") : t("security:tokens.create")}</button>
        </div>
      </Form>
      {tokens.length > 0 ? <TokenList tokens={tokens} /> : <p className="empty">{t("security:tokens.none")}</p>}
    </section>
  );
}

function ScopeChoice({ error }: { error: string | undefined }) {
  const { t } = useT();
  return (
    <fieldset className="field" aria-describedby={error ? "field-scopes-error" : undefined}>
      <legend>{t("security:tokens.scopesLegend")}</legend>
      {SCOPES.map((scope) => (
        <div key={scope} className="checkbox-row">
          <input
            type="checkbox"
            id={`scope-${scope}`}
            name="scopes"
            value={scope}
            defaultChecked={scope === "read"}
            aria-describedby={`scope-${scope}-hint`}
          />
          <div>
            <label htmlFor={`scope-${scope}`}>{scopeWords(t, scope).label}</label>
            <p className="hint" id={`scope-${scope}-hint`}>{scopeWords(t, scope).description}</p>
          </div>
        </div>
      ))}
      {error ? <p className="error" id="field-scopes-error">{error}</p> : null}
    </fieldset>
  );
}

function NewToken({ created, inputRef }: { created: { name: string; token: string }; inputRef: React.RefObject<HTMLInputElement> }) {
  const { t } = useT();
  return (
    <div className="alert ok new-token">
      <p role="status"><strong>{t("security:tokens.created", { name: created.name })}</strong></p>
      <p id="new-token-warning">{t("security:tokens.copyNow")}</p>
      <div className="field">
        <label htmlFor="new-token">{t("security:tokens.yourNew")}</label>
        <CopyBox id="new-token" ref={inputRef} value={created.token} describedBy="new-token-warning" />
      </div>
      <div className="actions">
        <CopyButton value={created.token} label={t("security:tokens.copy")} />
      </div>
    </div>
  );
}

function TokenList({ tokens }: { tokens: AccessTokenView[] }) {
  const { t, locale } = useT();
  return (
    <div className="table-wrap">
      <table className="data responsive">
        <caption className="visually-hidden">{t("security:tokens.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("security:tokens.columns.name")}</th>
            <th scope="col">{t("security:tokens.columns.scopes")}</th>
            <th scope="col">{t("security:tokens.columns.created")}</th>
            <th scope="col">{t("security:tokens.columns.expires")}</th>
            <th scope="col">{t("security:tokens.columns.lastUsed")}</th>
            <th scope="col"><span className="visually-hidden">{t("security:tokens.columns.actions")}</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id}>
              <td data-label={t("security:tokens.columns.name")}>{token.name}</td>
              <td data-label={t("security:tokens.columns.scopes")}>{token.scopes.map((s) => scopeWords(t, s).label).join(", ")}</td>
              <td data-label={t("security:tokens.columns.created")}>
                <time dateTime={token.createdAt}>{formatDateTimeIn(locale, new Date(token.createdAt))}</time>
              </td>
              <td data-label={t("security:tokens.columns.expires")}>
                {token.expired ? <span className="badge draft">{t("security:tokens.expired")}</span> : null}{" "}
                <time dateTime={token.expiresAt}>{formatDateTimeIn(locale, new Date(token.expiresAt))}</time>
              </td>
              {/* "5 minutes ago" may have become "6 minutes ago" by the time the browser hydrates the page. */}
              <td data-label={t("security:tokens.columns.lastUsed")} suppressHydrationWarning>{lastUsedWords(t, locale, token.lastUsedAt)}</td>
              <td>
                <Form method="post" action="/account" className="inline-form">
                  <input type="hidden" name="intent" value="revoke-token" />
                  <input type="hidden" name="tokenId" value={token.id} />
                  <button type="submit" className="danger" aria-label={t("security:tokens.revokeLabel", { name: token.name })}>
                    {t("security:tokens.revoke")}
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
