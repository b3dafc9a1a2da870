/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The Account page's "Personal access tokens" section: a new token shown once, the form to create one (name,
 * scopes, lifetime) and the list with scopes, expiry and last use. The action lives in app/routes/account.tsx.
 */
import { Form } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import type { AccessTokenView } from "../auth/account.server";
import { DEFAULT_TOKEN_LIFETIME_DAYS, lifetimeLabel, SCOPE_WORDS, SCOPES, TOKEN_LIFETIMES_DAYS } from "../auth/token-scopes";
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

export function AccessTokens({ tokens, created, errors, busy, notice }: AccessTokensProps) {
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
      <h2 id="tokens-heading">Personal access tokens</h2>
      {notice}
      <p>
        A token lets a script use Accord&apos;s JSON API and follow documents live as you (send it as{" "}
        <code>Authorization: Bearer …</code>); it does not open pages. Give it only the scopes the script needs. Treat it
        like a password; revoke it when the script no longer needs it.
      </p>
      {created ? <NewToken created={created} inputRef={newToken} /> : null}
      <Form method="post" action="/account" className="stack" noValidate ref={tokenForm}>
        <input type="hidden" name="intent" value="create-token" />
        <Field
          name="tokenName"
          label="Token name"
          type="text"
          autoComplete="off"
          maxLength={80}
          required
          hint="What will use it, for example “nightly export”."
          error={errors.tokenName}
        />
        <ScopeChoice error={errors.scopes} />
        <div className="field">
          <label htmlFor="field-lifetimeDays">Expires after</label>
          <select
            id="field-lifetimeDays"
            name="lifetimeDays"
            defaultValue={String(DEFAULT_TOKEN_LIFETIME_DAYS)}
            aria-invalid={errors.lifetimeDays ? true : undefined}
            aria-describedby={errors.lifetimeDays ? "field-lifetimeDays-error" : undefined}
          >
            {TOKEN_LIFETIMES_DAYS.map((days) => (
              <option key={days} value={days}>{lifetimeLabel(days)}</option>
            ))}
          </select>
          {errors.lifetimeDays ? <p className="error" id="field-lifetimeDays-error">{errors.lifetimeDays}</p> : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create token"}</button>
        </div>
      </Form>
      {tokens.length > 0 ? <TokenList tokens={tokens} /> : <p className="empty">You have no personal access tokens.</p>}
    </section>
  );
}

function ScopeChoice({ error }: { error: string | undefined }) {
  return (
    <fieldset className="field" aria-describedby={error ? "field-scopes-error" : undefined}>
      <legend>What may it do?</legend>
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
            <label htmlFor={`scope-${scope}`}>{SCOPE_WORDS[scope].label}</label>
            <p className="hint" id={`scope-${scope}-hint`}>{SCOPE_WORDS[scope].description}</p>
          </div>
        </div>
      ))}
      {error ? <p className="error" id="field-scopes-error">{error}</p> : null}
    </fieldset>
  );
}

function NewToken({ created, inputRef }: { created: { name: string; token: string }; inputRef: React.RefObject<HTMLInputElement> }) {
  return (
    <div className="alert ok new-token">
      <p role="status"><strong>Token “{created.name}” created.</strong></p>
      <p id="new-token-warning">Copy it now: it is shown only this once, and Accord keeps no copy it could show you again.</p>
      <div className="field">
        <label htmlFor="new-token">Your new token</label>
        <CopyBox id="new-token" ref={inputRef} value={created.token} describedBy="new-token-warning" />
      </div>
      <div className="actions">
        <CopyButton value={created.token} label="Copy token" />
      </div>
    </div>
  );
}

function TokenList({ tokens }: { tokens: AccessTokenView[] }) {
  return (
    <div className="table-wrap">
      <table className="data responsive">
        <caption className="visually-hidden">Your personal access tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td data-label="Name">{t.name}</td>
              <td data-label="Scopes">{t.scopes.map((s) => SCOPE_WORDS[s].label).join(", ")}</td>
              <td data-label="Created"><time dateTime={t.createdAt}>{t.createdLabel}</time></td>
              <td data-label="Expires">
                {t.expired ? <span className="badge draft">expired</span> : null} <time dateTime={t.expiresAt}>{t.expiresLabel}</time>
              </td>
              <td data-label="Last used">{t.lastUsedLabel}</td>
              <td>
                <Form method="post" action="/account" className="inline-form">
                  <input type="hidden" name="intent" value="revoke-token" />
                  <input type="hidden" name="tokenId" value={t.id} />
                  <button type="submit" className="danger" aria-label={`Revoke the token “${t.name}”`}>Revoke</button>
                </Form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
