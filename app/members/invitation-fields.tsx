/** The select fields the two invitation forms share: role, how long the link works, how many may use it. */
import { INVITATION_DAYS, INVITATION_USES, ROLES } from "../models/roles";
import { useT } from "../i18n/react";
import { roleDescription, roleName } from "../workshops/words";

export function RoleOptions() {
  const { t } = useT();
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>{roleName(t, r)}</option>
      ))}
    </>
  );
}

interface SelectProps {
  /** Prefix of the element ids ("invite", "invite-email"). */
  idPrefix: string;
  label: string;
  error?: string;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === "string");
  return list.length > 0 ? list.join(" ") : undefined;
}

export function RoleSelect({ idPrefix, label, error }: SelectProps) {
  const id = `${idPrefix}-role`;
  const { t } = useT();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {ROLES.map((r) => t("workshop:roles.withDescription", { role: roleName(t, r), does: roleDescription(t, r).toLowerCase() })).join(" ")}
      </p>
      <select id={id} name="role" defaultValue="editor" aria-describedby={describedBy(`${id}-hint`, error && `${id}-error`)} aria-invalid={error ? true : undefined}>
        <RoleOptions />
      </select>
      {error ? <p className="error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

interface ChoiceProps {
  id: string;
  name: string;
  label: string;
  error?: string;
  choices: readonly number[];
  defaultValue: number;
  text: (n: number) => string;
}

/** A select of fixed choices, labelled, with its error next to it. */
function ChoiceSelect({ id, name, label, error, choices, defaultValue, text }: ChoiceProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={String(defaultValue)} aria-describedby={describedBy(error && `${id}-error`)} aria-invalid={error ? true : undefined}>
        {choices.map((n) => (
          <option key={n} value={n}>{text(n)}</option>
        ))}
      </select>
      {error ? <p className="error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function DaysSelect({ idPrefix, label, error }: SelectProps) {
  const { t } = useT();
  const text = (d: number) => t("workshop:invite.days", { count: d });
  return <ChoiceSelect id={`${idPrefix}-days`} name="days" label={label} error={error} choices={INVITATION_DAYS} defaultValue={7} text={text} />;
}

export function UsesSelect({ idPrefix, label, error }: SelectProps) {
  const { t } = useT();
  const text = (n: number) => t("workshop:invite.people", { count: n });
  return <ChoiceSelect id={`${idPrefix}-uses`} name="uses" label={label} error={error} choices={INVITATION_USES} defaultValue={1} text={text} />;
}
