/**
 * The organisers' list of invitation links: the active ones (with Revoke), then recent past ones (revoked, expired or
 * used up). Each says its role, who created it and when, where it was mailed, its expiry, its uses and who joined by it.
 */
import { Form } from "@remix-run/react";
import type { Role } from "../models/roles";
import { isoString } from "../utils/dates";
import { useT } from "../i18n/react";
import { dateTimeIn, roleName } from "../workshops/words";

type When = string | Date;

export interface InvitationView {
  id: string;
  role: Role;
  createdAt: When;
  createdByName: string | null;
  sentTo: string | null;
  expiresAt: When;
  revokedAt: When | null;
  maxUses: number;
  uses: number;
  status: "active" | "revoked" | "used_up" | "expired";
  joins: { name: string | null; joinedAt: When }[];
}

function Time({ value }: { value: When }) {
  const { locale } = useT();
  return <time dateTime={isoString(value)}>{dateTimeIn(locale, value)}</time>;
}

function Created({ i }: { i: InvitationView }) {
  const { t } = useT();
  return (
    <>
      <Time value={i.createdAt} />
      <br />
      <span className="small">{t("workshop:invitations.by", { name: i.createdByName ?? t("workshop:invitations.deletedAccount") })}</span>
      {i.sentTo ? <><br /><span className="small">{t("workshop:invitations.mailedTo", { email: i.sentTo })}</span></> : null}
    </>
  );
}

function Uses({ i }: { i: InvitationView }) {
  const { t } = useT();
  const left = i.maxUses - i.uses;
  return <>{i.status === "active" ? t("workshop:invitations.usesLeft", { uses: i.uses, max: i.maxUses, left }) : t("workshop:invitations.uses", { uses: i.uses, max: i.maxUses })}</>;
}

function Joined({ i }: { i: InvitationView }) {
  const { t } = useT();
  if (i.joins.length === 0) return <span className="muted">{t("workshop:invitations.nobody")}</span>;
  return (
    <ul className="join-list">
      {i.joins.map((j, n) => (
        <li key={n}>
          {`${j.name ?? t("workshop:invitations.deletedAccount")}, `}
          <Time value={j.joinedAt} />
        </li>
      ))}
    </ul>
  );
}

function Status({ i }: { i: InvitationView }) {
  const { t } = useT();
  if (i.status === "revoked" && i.revokedAt) return <>{`${t("workshop:invitations.revokedOn")} `}<Time value={i.revokedAt} /></>;
  return <>{i.status === "used_up" ? t("workshop:invitations.usedUp") : i.status === "expired" ? t("workshop:invitations.expired") : t("workshop:invitations.active")}</>;
}

function RevokeForm({ i, action, busy }: { i: InvitationView; action: string; busy: boolean }) {
  const { t, locale } = useT();
  return (
    <Form method="post" action={action} className="inline-form">
      <input type="hidden" name="intent" value="revoke" />
      <input type="hidden" name="invitationId" value={i.id} />
      <button type="submit" className="danger" disabled={busy}>
        {t("workshop:invitations.revoke")}
        <span className="visually-hidden">{` ${t("workshop:invitations.revokeWhich", { role: roleName(t, i.role), created: dateTimeIn(locale, i.createdAt) })}`}</span>
      </button>
    </Form>
  );
}

/** Active links say when they expire and can be revoked; past ones say what ended them. */
function InvitationTable({ rows, labelledBy, active, action, busy }: { rows: InvitationView[]; labelledBy: string; active: boolean; action: string; busy: boolean }) {
  const { t } = useT();
  const role = t("workshop:invitations.role");
  const created = t("workshop:invitations.created");
  const expires = t("workshop:invitations.expires");
  const status = t("workshop:invitations.status");
  const uses = t("workshop:invitations.usesHeading");
  const joined = t("workshop:invitations.joined");
  const revoke = t("workshop:invitations.revoke");
  return (
    <div className="table-wrap">
      <table className="data responsive" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">{role}</th>
            <th scope="col">{created}</th>
            <th scope="col">{active ? expires : status}</th>
            <th scope="col">{uses}</th>
            <th scope="col">{joined}</th>
            {active ? <th scope="col">{revoke}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.id}>
              <td data-label={role}>{roleName(t, i.role)}</td>
              <td data-label={created}><Created i={i} /></td>
              {active ? <td data-label={expires}><Time value={i.expiresAt} /></td> : <td data-label={status}><Status i={i} /></td>}
              <td data-label={uses}><Uses i={i} /></td>
              <td data-label={joined}><Joined i={i} /></td>
              {active ? <td data-label={revoke}><RevokeForm i={i} action={action} busy={busy} /></td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function InvitationList({ invitations, action, busy }: { invitations: InvitationView[]; action: string; busy: boolean }) {
  const active = invitations.filter((i) => i.status === "active");
  const past = invitations.filter((i) => i.status !== "active");
  const { t } = useT();
  return (
    <>
      <h2 id="invitations">{t("workshop:invitations.activeTitle")}</h2>
      {active.length === 0 ? (
        <p className="empty">{t("workshop:invitations.noneActive")}</p>
      ) : (
        <InvitationTable rows={active} labelledBy="invitations" active action={action} busy={busy} />
      )}
      {past.length > 0 ? (
        <>
          <h2 id="past-invitations">{t("workshop:invitations.pastTitle")}</h2>
          <InvitationTable rows={past} labelledBy="past-invitations" active={false} action={action} busy={busy} />
        </>
      ) : null}
    </>
  );
}
