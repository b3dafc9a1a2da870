/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** The organisers' settings of a published declaration: endorsements open or closed, and how organisations are listed. */
import { Form } from "@remix-run/react";
import { ORGANISATION_POLICIES, ORGANISATION_POLICY_LABELS, type OrganisationPolicy } from "../../declarations/public-view";

export interface DeclarationSettingsProps {
  action: string;
  endorsementsOpen: boolean;
  organisationPolicy: OrganisationPolicy;
  busy: boolean;
}

export function DeclarationSettings({ action, endorsementsOpen, organisationPolicy, busy }: DeclarationSettingsProps) {
  return (
    <>
      <h2 id="endorsements">Endorsements</h2>
      <Form method="post" action={action} className="card stack" aria-labelledby="endorsements">
        <input type="hidden" name="intent" value="endorsements" />
        <p>
          {endorsementsOpen
            ? "Endorsements are open: the public page invites people and organisations to endorse the current version."
            : "Endorsements are closed: nobody can endorse until you open them again. Existing endorsements stay listed."}
        </p>
        <input type="hidden" name="open" value={endorsementsOpen ? "0" : "1"} />
        <div className="actions">
          <button type="submit" className={endorsementsOpen ? "danger" : undefined} disabled={busy}>
            {endorsementsOpen ? "Close endorsements" : "Open endorsements"}
          </button>
        </div>
      </Form>

      <h2 id="policy">Organisations</h2>
      <Form method="post" action={action} className="card stack" aria-labelledby="policy">
        <input type="hidden" name="intent" value="policy" />
        <fieldset className="field">
          <legend>When does an organisation&apos;s endorsement appear in the public list?</legend>
          <ul className="choice-list">
            {ORGANISATION_POLICIES.map((p) => (
              <li key={p}>
                <input type="radio" id={`policy-${p}`} name="policy" value={p} defaultChecked={organisationPolicy === p} />{" "}
                <label htmlFor={`policy-${p}`}>{ORGANISATION_POLICY_LABELS[p]}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div className="actions">
          <button type="submit" className="secondary" disabled={busy}>Save the policy</button>
        </div>
      </Form>
    </>
  );
}
