/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * The organisers' list of invitation links: the active ones (with Revoke), then recent past ones (revoked, expired or
 * used up). Each says its role, who created it and when, where it was mailed, its expiry, its uses and who joined by it.
 */
import { Form } from "@remix-run/react";
import { ROLE_LABELS, type Role } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";

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

const Time = ({ value }: { value: When }) => <time dateTime={isoString(value)}>{formatDateTime(value)}</time>;

function Created({ i }: { i: InvitationView }) {
  return (
    <>
      <Time value={i.createdAt} />
      <br />
      <span className="small">{`by ${i.createdByName ?? "a deleted account"}`}</span>
      {i.sentTo ? <><br /><span className="small">{`mailed to ${i.sentTo}`}</span></> : null}
    </>
  );
}

function Uses({ i }: { i: InvitationView }) {
  const left = i.maxUses - i.uses;
  return <>{i.status === "active" ? `${i.uses} of ${i.maxUses} used, ${left} left` : `${i.uses} of ${i.maxUses} used`}</>;
}

function Joined({ i }: { i: InvitationView }) {
  if (i.joins.length === 0) return <span className="muted">Nobody yet</span>;
  return (
    <ul className="join-list">
      {i.joins.map((j, n) => (
        <li key={n}>
          {`${j.name ?? "a deleted account"}, `}
          <Time value={j.joinedAt} />
        </li>
      ))}
    </ul>
  );
}

function Status({ i }: { i: InvitationView }) {
  if (i.status === "revoked" && i.revokedAt) return <>Revoked <Time value={i.revokedAt} /></>;
  return <>{i.status === "used_up" ? "Used up" : i.status === "expired" ? "Expired" : "Active"}</>;
}

function RevokeForm({ i, action, busy }: { i: InvitationView; action: string; busy: boolean }) {
  return (
    <Form method="post" action={action} className="inline-form">
      <input type="hidden" name="intent" value="revoke" />
      <input type="hidden" name="invitationId" value={i.id} />
      <button type="submit" className="danger" disabled={busy}>
        Revoke
        <span className="visually-hidden">{` the ${ROLE_LABELS[i.role]} link created ${formatDateTime(i.createdAt)}`}</span>
      </button>
    </Form>
  );
}

/** Active links say when they expire and can be revoked; past ones say what ended them. */
function InvitationTable({ rows, labelledBy, active, action, busy }: { rows: InvitationView[]; labelledBy: string; active: boolean; action: string; busy: boolean }) {
  return (
    <div className="table-wrap">
      <table className="data responsive" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col">{active ? "Expires" : "Status"}</th>
            <th scope="col">Uses</th>
            <th scope="col">Joined by this link</th>
            {active ? <th scope="col">Revoke</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.id}>
              <td data-label="Role">{ROLE_LABELS[i.role]}</td>
              <td data-label="Created"><Created i={i} /></td>
              {active ? <td data-label="Expires"><Time value={i.expiresAt} /></td> : <td data-label="Status"><Status i={i} /></td>}
              <td data-label="Uses"><Uses i={i} /></td>
              <td data-label="Joined by this link"><Joined i={i} /></td>
              {active ? <td data-label="Revoke"><RevokeForm i={i} action={action} busy={busy} /></td> : null}
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
  return (
    <>
      <h2 id="invitations">Active invitation links</h2>
      {active.length === 0 ? (
        <p className="empty">No invitation link is active.</p>
      ) : (
        <InvitationTable rows={active} labelledBy="invitations" active action={action} busy={busy} />
      )}
      {past.length > 0 ? (
        <>
          <h2 id="past-invitations">Past invitation links</h2>
          <InvitationTable rows={past} labelledBy="past-invitations" active={false} action={action} busy={busy} />
        </>
      ) : null}
    </>
  );
}
