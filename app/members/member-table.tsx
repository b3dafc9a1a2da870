/** The members table: name, e-mail, role, when they joined, and per member a role form and a "Remove" link. */
import { Form, Link } from "@remix-run/react";
import type { Role } from "../models/roles";
import { isoString } from "../utils/dates";
import { useT } from "../i18n/react";
import { dayIn, roleName } from "../workshops/words";
import { RoleOptions } from "./invitation-fields";
import { ResetSecondFactor } from "./second-factor-rule";

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: string | Date;
  isYou: boolean;
  /** Has a second factor (an organiser's can be reset here by another organiser). */
  secondFactor: boolean;
}

export function MemberTable({ members, action, busy, resetKey }: { members: MemberView[]; action: string; busy: boolean; resetKey: number }) {
  const { t, locale } = useT();
  if (members.length === 0) return <p className="empty">{t("workshop:memberTable.none")}</p>;
  return (
    <div className="table-wrap">
      <table className="data responsive" aria-labelledby="members">
        <thead>
          <tr>
            <th scope="col">{t("workshop:memberTable.name")}</th>
            <th scope="col">{t("workshop:memberTable.email")}</th>
            <th scope="col">{t("workshop:memberTable.role")}</th>
            <th scope="col">{t("workshop:memberTable.joined")}</th>
            <th scope="col">{t("workshop:memberTable.change")}</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const selectId = `role-${m.userId}`;
            return (
              <tr key={m.userId}>
                <td data-label={t("workshop:memberTable.name")}>
                  {m.name}
                  {m.isYou ? <span className="muted">{` ${t("workshop:memberTable.you")}`}</span> : null}
                </td>
                <td data-label={t("workshop:memberTable.email")}>{m.email}</td>
                <td data-label={t("workshop:memberTable.role")}>
                  <span className="badge">{roleName(t, m.role)}</span>
                  {m.secondFactor ? <span className="badge">{t("workshop:memberTable.secondFactor")}</span> : null}
                </td>
                <td data-label={t("workshop:memberTable.joined")}><time dateTime={isoString(m.joinedAt)}>{dayIn(locale, m.joinedAt)}</time></td>
                <td data-label={t("workshop:memberTable.change")}>
                  <Form key={`${m.role}:${resetKey}`} method="post" action={action} className="inline-form">
                    <input type="hidden" name="intent" value="role" />
                    <input type="hidden" name="userId" value={m.userId} />
                    <label className="visually-hidden" htmlFor={selectId}>{t("workshop:memberTable.roleFor", { name: m.name })}</label>
                    <select id={selectId} name="role" defaultValue={m.role}>
                      <RoleOptions />
                    </select>
                    <button type="submit" className="secondary" disabled={busy}>
                      {t("workshop:memberTable.save")}<span className="visually-hidden">{` ${t("workshop:memberTable.saveFor", { name: m.name })}`}</span>
                    </button>
                  </Form>
                  <p className="small">
                    <Link to={`${action}?remove=${m.userId}#confirm-remove`}>{t("workshop:memberTable.remove", { name: m.name })}</Link>
                  </p>
                  {m.role === "organizer" && m.secondFactor && !m.isYou ? <ResetSecondFactor member={m} action={action} busy={busy} /> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "Remove …?": asked on a page of its own state (GET ?remove=…), done by POST. */
export function ConfirmRemoval({ person, action, busy }: { person: { userId: string; name: string; isYou: boolean }; action: string; busy: boolean }) {
  const { t } = useT();
  return (
    <section className="card" id="confirm-remove" aria-labelledby="confirm-remove-title">
      <h2 id="confirm-remove-title">{t("workshop:memberTable.removeQuestion", { name: person.name })}</h2>
      <p>
        {person.isYou ? t("workshop:memberTable.removeYou") : t("workshop:memberTable.removeOther", { name: person.name })}
      </p>
      <Form method="post" action={action} className="actions">
        <input type="hidden" name="intent" value="remove" />
        <input type="hidden" name="userId" value={person.userId} />
        <button type="submit" className="danger" disabled={busy}>{t("workshop:memberTable.remove", { name: person.name })}</button>
        <Link to={action}>{t("workshop:memberTable.cancel")}</Link>
      </Form>
    </section>
  );
}
