/** The organisers' settings of a published declaration: endorsements open or closed, and how organisations are listed. */
import { Form } from "@remix-run/react";
import { ORGANISATION_POLICIES, type OrganisationPolicy } from "../../declarations/public-view";
import { useT } from "../../i18n/react";
import { policyLabel } from "../../workshops/publish-words";

export interface DeclarationSettingsProps {
  action: string;
  endorsementsOpen: boolean;
  organisationPolicy: OrganisationPolicy;
  busy: boolean;
}

export function DeclarationSettings({ action, endorsementsOpen, organisationPolicy, busy }: DeclarationSettingsProps) {
  const { t } = useT();
  return (
    <>
      <h2 id="endorsements">{t("workshop:publish.endorsements")}</h2>
      <Form method="post" action={action} className="card stack" aria-labelledby="endorsements">
        <input type="hidden" name="intent" value="endorsements" />
        <p>
          {endorsementsOpen
            ? t("workshop:publish.settings.openNow")
            : t("workshop:publish.settings.closedNow")}
        </p>
        <input type="hidden" name="open" value={endorsementsOpen ? "0" : "1"} />
        <div className="actions">
          <button type="submit" className={endorsementsOpen ? "danger" : undefined} disabled={busy}>
            {endorsementsOpen ? t("workshop:publish.settings.close") : t("workshop:publish.settings.open")}
          </button>
        </div>
      </Form>

      <h2 id="policy">{t("workshop:publish.settings.organisations")}</h2>
      <Form method="post" action={action} className="card stack" aria-labelledby="policy">
        <input type="hidden" name="intent" value="policy" />
        <fieldset className="field">
          <legend>{t("workshop:publish.settings.policyQuestion")}</legend>
          <ul className="choice-list">
            {ORGANISATION_POLICIES.map((p) => (
              <li key={p}>
                <input type="radio" id={`policy-${p}`} name="policy" value={p} defaultChecked={organisationPolicy === p} />{" "}
                <label htmlFor={`policy-${p}`}>{policyLabel(t, p)}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div className="actions">
          <button type="submit" className="secondary" disabled={busy}>{t("workshop:publish.settings.savePolicy")}</button>
        </div>
      </Form>
    </>
  );
}
