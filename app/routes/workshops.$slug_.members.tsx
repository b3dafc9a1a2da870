/**
 * /workshops/:slug/members — organisers only: the members and their roles, role changes, removals, and
 * expiring invitation links bound to a role. Not a member: 404 (existence never revealed); a member who is
 * not an organiser: 403. Rules (the last organiser stays, the audit log) live in app/models/memberships.server.ts.
 *
 * (`$slug_` keeps this page out of the workshop page's layout: it is a page of its own at the same URL.)
 */
import type { ActionFunctionArgs, AppLoadContext, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { findWorkshopForUser } from "../models/workshops.server";
import { FormError, FormNotice } from "../components/field";
import {
  cancelInvitation,
  changeMemberRole,
  createInvitation,
  listActiveInvitations,
  listMembers,
  MembershipError,
  removeMember,
} from "../models/memberships.server";
import { canManageMembers, INVITATION_DAYS, isRole, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type Role } from "../models/roles";
import { formatDate, formatDateTime, isoString } from "../utils/dates";
import { formToObject, parseWith } from "../utils/forms.server";
import { notFound, requireUser } from "../utils/guards.server";
import { Breadcrumbs, workshopTrail } from "../components/breadcrumbs";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Members and invitations — ${data.workshop.title} — Accord` : "Members and invitations — Accord" },
];

// The page lists e-mail addresses and, once, a fresh invitation link: never cache it.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function requireOrganiser(request: Request, context: AppLoadContext, slug: string | undefined) {
  const { user } = await requireUser(request, context);
  const workshop = await findWorkshopForUser(slug ?? "", user.id);
  if (!workshop) throw notFound();
  if (!canManageMembers(workshop.role)) {
    throw new Response(
      `Only the organisers of “${workshop.title}” can see and change its members and invitations. ` +
        `Your role in this workshop is ${ROLE_LABELS[workshop.role]}.`,
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  return { user, workshop };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, workshop } = await requireOrganiser(request, context, params.slug);
  const [members, invitations] = await Promise.all([listMembers(workshop.id), listActiveInvitations(workshop.id)]);
  const removeId = new URL(request.url).searchParams.get("remove");
  const toRemove = removeId ? members.find((m) => m.userId === removeId) : undefined;
  return {
    workshop: { slug: workshop.slug, title: workshop.title },
    members: members.map((m) => ({
      userId: m.userId,
      name: m.name,
      email: m.email,
      role: m.role,
      joinedAt: m.joinedAt,
      isYou: m.userId === user.id,
    })),
    invitations: invitations.map((i) => ({ id: i.id, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt })),
    confirmRemove: toRemove ? { userId: toRemove.userId, name: toRemove.name, isYou: toRemove.userId === user.id } : null,
  };
}

const roleField = z.custom<Role>((v) => isRole(v), { message: "Choose one of the roles." });
const userIdField = z.string({ message: "Choose a member." }).regex(UUID, "Choose a member.");

const schema = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("role"), userId: userIdField, role: roleField }),
    z.object({ intent: z.literal("remove"), userId: userIdField }),
    z.object({
      intent: z.literal("invite"),
      role: roleField,
      days: z.coerce
        .number({ message: "Choose how long the link stays valid." })
        .refine((d) => (INVITATION_DAYS as readonly number[]).includes(d), "Choose how long the link stays valid: 1, 7 or 30 days."),
    }),
    z.object({ intent: z.literal("revoke"), invitationId: z.string().regex(/^[a-z2-9]{24}$/, "That invitation does not exist.") }),
  ],
  { message: "That action is not known." },
);

interface ActionResult {
  error: string | null;
  fieldErrors: Record<string, string>;
  notice: string | null;
  invitation: { url: string; role: Role; expiresAt: Date } | null;
  /** Which form the result belongs to ("invite" shows its errors next to its fields). */
  intent: string | null;
  /** When the answer was made: resets the role selects, so a refused change does not stay selected. */
  at: number;
}

const result = (r: Partial<ActionResult>, status = 200) =>
  data<ActionResult>({ error: null, fieldErrors: {}, notice: null, invitation: null, intent: null, at: Date.now(), ...r }, { status });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, workshop } = await requireOrganiser(request, context, params.slug);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return result({ error: "The form could not be read. Please try again." }, 400);
  }
  const submitted = form.get("intent");
  const parsed = parseWith(schema, formToObject(form));
  if (!parsed.ok) {
    const first = Object.values(parsed.fieldErrors)[0] ?? "Please check the form.";
    return result({ error: first, fieldErrors: parsed.fieldErrors, intent: typeof submitted === "string" ? submitted : null }, 400);
  }
  const input = parsed.data;

  if (input.intent === "invite") {
    const invitation = await createInvitation(workshop.id, user.id, input.role, input.days);
    return result({
      intent: "invite",
      notice: `Invitation link created for the role ${ROLE_LABELS[input.role]}.`,
      invitation: { url: invitation.url, role: input.role, expiresAt: invitation.expiresAt },
    });
  }

  if (input.intent === "revoke") {
    const done = await cancelInvitation(workshop.id, user.id, input.invitationId);
    return done
      ? result({ intent: "revoke", notice: "The invitation link was revoked: it no longer works." })
      : result({ intent: "revoke", error: "That invitation link was already revoked or has expired." }, 409);
  }

  const member = (await listMembers(workshop.id)).find((m) => m.userId === input.userId);
  if (!member) return result({ intent: input.intent, error: "That person is not a member of this workshop." }, 409);
  try {
    if (input.intent === "role") {
      if (member.role === input.role) {
        return result({ intent: "role", notice: `${member.name} already has the role ${ROLE_LABELS[input.role]}.` });
      }
      await changeMemberRole(workshop.id, user.id, member.userId, input.role);
    } else {
      await removeMember(workshop.id, user.id, member.userId);
    }
  } catch (error) {
    if (error instanceof MembershipError) return result({ intent: input.intent, error: error.message }, 409);
    throw error;
  }
  // Someone who just gave up their own organiser role (or left) can no longer see this page.
  if (member.userId === user.id) {
    const now = await findWorkshopForUser(workshop.slug, user.id);
    if (!now) throw redirect("/workshops");
    if (!canManageMembers(now.role)) throw redirect(`/workshops/${workshop.slug}`);
  }
  if (input.intent === "role") {
    return result({ intent: "role", notice: `${member.name} now has the role ${ROLE_LABELS[input.role]}.` });
  }
  return result({ intent: "remove", notice: `${member.name} was removed from the workshop.` });
}

function RoleOptions() {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>{ROLE_LABELS[r]}</option>
      ))}
    </>
  );
}

export default function MembersPage() {
  const { workshop, members, invitations, confirmRemove } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const here = `/workshops/${workshop.slug}/members`;
  const inviteErrors: Record<string, string> = outcome?.intent === "invite" ? outcome.fieldErrors : {};
  return (
    <div className="page">
      <Breadcrumbs trail={workshopTrail(workshop)} current="Members and invitations" />
      <h1>Members and invitations</h1>
      <p className="lead">{workshop.title}</p>

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />

      {outcome?.invitation ? (
        <section className="card" aria-labelledby="new-invitation">
          <h2 id="new-invitation">Your new invitation link</h2>
          <p>
            Copy it now: it is shown only this once. Anyone who opens it while signed in joins as{" "}
            <strong>{ROLE_LABELS[outcome.invitation.role]}</strong> until{" "}
            <time dateTime={isoString(outcome.invitation.expiresAt)}>{formatDateTime(outcome.invitation.expiresAt)}</time>, unless
            you revoke it. Send it only to the people you mean to invite.
          </p>
          <p className="copy-box" id="invitation-url">{outcome.invitation.url}</p>
        </section>
      ) : null}

      {confirmRemove ? (
        <section className="card" id="confirm-remove" aria-labelledby="confirm-remove-title">
          <h2 id="confirm-remove-title">{`Remove ${confirmRemove.name}?`}</h2>
          <p>
            {confirmRemove.isYou
              ? "You will leave this workshop and lose access to its documents."
              : `${confirmRemove.name} will lose access to this workshop and its documents. You can invite them again later.`}
          </p>
          <Form method="post" action={here} className="actions">
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="userId" value={confirmRemove.userId} />
            <button type="submit" className="danger" disabled={busy}>{`Remove ${confirmRemove.name}`}</button>
            <Link to={here}>Cancel</Link>
          </Form>
        </section>
      ) : null}

      <h2 id="members">Members</h2>
      {members.length === 0 ? (
        <p className="empty">This workshop has no members yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive" aria-labelledby="members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const selectId = `role-${m.userId}`;
                return (
                  <tr key={m.userId}>
                    <td data-label="Name">
                      {m.name}
                      {m.isYou ? <span className="muted"> (you)</span> : null}
                    </td>
                    <td data-label="E-mail">{m.email}</td>
                    <td data-label="Role"><span className="badge">{ROLE_LABELS[m.role]}</span></td>
                    <td data-label="Joined"><time dateTime={isoString(m.joinedAt)}>{formatDate(m.joinedAt)}</time></td>
                    <td data-label="Change">
                      <Form key={`${m.role}:${outcome?.at ?? 0}`} method="post" action={here} className="inline-form">
                        <input type="hidden" name="intent" value="role" />
                        <input type="hidden" name="userId" value={m.userId} />
                        <label className="visually-hidden" htmlFor={selectId}>{`Role for ${m.name}`}</label>
                        <select id={selectId} name="role" defaultValue={m.role}>
                          <RoleOptions />
                        </select>
                        <button type="submit" className="secondary" disabled={busy}>
                          Save<span className="visually-hidden">{` the role for ${m.name}`}</span>
                        </button>
                      </Form>
                      <p className="small">
                        <Link to={`${here}?remove=${m.userId}#confirm-remove`}>{`Remove ${m.name}`}</Link>
                      </p>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="invite">Invite people</h2>
      <Form method="post" action={here} className="stack card" aria-labelledby="invite">
        <input type="hidden" name="intent" value="invite" />
        <p className="muted">
          Create a link and send it to the people you want in this workshop. Whoever opens it while signed in joins with
          the role you choose here. Someone who is already a member keeps their role.
        </p>
        <div className="field">
          <label htmlFor="invite-role">Role for people who join with this link</label>
          <p className="hint" id="invite-role-hint">
            {ROLES.map((r) => `${ROLE_LABELS[r]}: ${ROLE_DESCRIPTIONS[r].toLowerCase()}.`).join(" ")}
          </p>
          <select
            id="invite-role"
            name="role"
            defaultValue="editor"
            aria-describedby={inviteErrors.role ? "invite-role-hint invite-role-error" : "invite-role-hint"}
            aria-invalid={inviteErrors.role ? true : undefined}
          >
            <RoleOptions />
          </select>
          {inviteErrors.role ? <p className="error" id="invite-role-error">{inviteErrors.role}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="invite-days">The link stops working after</label>
          <select
            id="invite-days"
            name="days"
            defaultValue="7"
            aria-describedby={inviteErrors.days ? "invite-days-error" : undefined}
            aria-invalid={inviteErrors.days ? true : undefined}
          >
            {INVITATION_DAYS.map((d) => (
              <option key={d} value={d}>{d === 1 ? "1 day" : `${d} days`}</option>
            ))}
          </select>
          {inviteErrors.days ? <p className="error" id="invite-days-error">{inviteErrors.days}</p> : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>Create invitation link</button>
        </div>
      </Form>

      <h2 id="invitations">Active invitation links</h2>
      {invitations.length === 0 ? (
        <p className="empty">No invitation link is active.</p>
      ) : (
        <div className="table-wrap">
          <table className="data responsive" aria-labelledby="invitations">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {invitations.map((i) => (
                <tr key={i.id}>
                  <td data-label="Role">{ROLE_LABELS[i.role]}</td>
                  <td data-label="Created"><time dateTime={isoString(i.createdAt)}>{formatDateTime(i.createdAt)}</time></td>
                  <td data-label="Expires"><time dateTime={isoString(i.expiresAt)}>{formatDateTime(i.expiresAt)}</time></td>
                  <td data-label="Revoke">
                    <Form method="post" action={here} className="inline-form">
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="invitationId" value={i.id} />
                      <button type="submit" className="danger" disabled={busy}>
                        Revoke
                        <span className="visually-hidden">{` the ${ROLE_LABELS[i.role]} link that expires ${formatDateTime(i.expiresAt)}`}</span>
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
