/**
 * /workshops/:slug/members — organisers only: the members and their roles, role changes, removals, invitation links
 * (role, expiry, use limit; listed with who created them and who joined by them; revocable) and invitations by
 * e-mail. Not a member: 404 (existence never revealed); a member who is not an organiser: 403. Rules live in
 * app/models (memberships, invitations, invitation-mail); the form posts are read in app/members/members-action.server.ts.
 *
 * (`$slug_` keeps this page out of the workshop page's layout: it is a page of its own at the same URL.)
 */
import type { ActionFunctionArgs, AppLoadContext, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Breadcrumbs, workshopTrail } from "../components/breadcrumbs";
import { FormError, FormNotice } from "../components/field";
import { handleMembersAction } from "../members/members-action.server";
import { InvitationList } from "../members/invitation-list";
import { InviteEmailForm, InviteLinkForm } from "../members/invite-forms";
import { ConfirmRemoval, MemberTable } from "../members/member-table";
import { NewInvitation } from "../members/new-invitation";
import { listInvitationsWithJoins } from "../models/invitations.server";
import { listMembers } from "../models/memberships.server";
import { canManageMembers } from "../models/roles";
import { requestLocale, requestT } from "../i18n/strings.server";
import { workshopStrings } from "../workshops/strings.server";
import { useT } from "../i18n/react";
import { roleName } from "../workshops/words";
import { findWorkshopForUser } from "../models/workshops.server";
import { notFound, requireUser } from "../utils/guards.server";
import { forwardHeaders } from "../utils/route-headers";
import { provedSecondFactor, requireSecondFactorFor } from "../auth/second-factor-gate.server";
import { findUsersWithSecondFactor, findWorkshopSecondFactorRule } from "../models/workshop-second-factor.server";
import { SecondFactorRule } from "../members/second-factor-rule";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.title} — ${data.workshop.title} — Accord` : "Accord" }];

// The page lists e-mail addresses and, once, a fresh invitation link: never cache it. (Retry-After: mail limit.)
export const headers: HeadersFunction = (args) => {
  const out = new Headers(forwardHeaders(args));
  out.set("Cache-Control", "no-store");
  return out;
};

async function requireOrganiser(request: Request, context: AppLoadContext, slug: string | undefined) {
  const auth = await requireUser(request, context);
  const { user } = auth;
  const workshop = await findWorkshopForUser(slug ?? "", user.id);
  if (!workshop) throw notFound();
  if (!canManageMembers(workshop.role)) {
    const t = await requestT(request, context);
    throw new Response(
      t("workshop:members.onlyOrganisers", { workshop: workshop.title, role: roleName(t, workshop.role) }),
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  await requireSecondFactorFor(auth, workshop, "page");
  return { auth, user, workshop };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, workshop } = await requireOrganiser(request, context, params.slug);
  const [members, invitations, required] = await Promise.all([listMembers(workshop.id), listInvitationsWithJoins(workshop.id), findWorkshopSecondFactorRule(workshop.id)]);
  const withSecondFactor = await findUsersWithSecondFactor(members.map((m) => m.userId));
  const removeId = new URL(request.url).searchParams.get("remove");
  const toRemove = removeId ? members.find((m) => m.userId === removeId) : undefined;
  const t = await requestT(request, context);
  return {
    title: t("workshop:members.title"),
    i18n: await workshopStrings(request, context, ["members", "secondFactor", "newInvitation", "invite", "memberTable", "invitations"]),
    workshop: { slug: workshop.slug, title: workshop.title },
    members: members.map((m) => ({ userId: m.userId, name: m.name, email: m.email, role: m.role, joinedAt: m.joinedAt, isYou: m.userId === user.id, secondFactor: withSecondFactor.has(m.userId) })),
    secondFactorRequired: required ?? false,
    invitations,
    confirmRemove: toRemove ? { userId: toRemove.userId, name: toRemove.name, isYou: toRemove.userId === user.id } : null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { auth, user, workshop } = await requireOrganiser(request, context, params.slug);
  const actor = { ...user, secondFactor: provedSecondFactor(auth) };
  return handleMembersAction(request, actor, workshop, await requestT(request, context), await requestLocale(request, context));
}

export default function MembersPage() {
  const { workshop, members, invitations, confirmRemove, secondFactorRequired } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const here = `/workshops/${workshop.slug}/members`;
  const errorsFor = (intent: string): Record<string, string> => (outcome?.intent === intent ? outcome.fieldErrors : {});
  // The confirmation belongs to the page state before the removal was tried: once answered (done or refused), it closes.
  const askRemove = confirmRemove && outcome?.intent !== "remove" ? confirmRemove : null;
  return (
    <div className="page">
      <Breadcrumbs trail={workshopTrail(workshop)} current={t("workshop:members.title")} />
      <h1>{t("workshop:members.title")}</h1>
      <p className="lead">{workshop.title}</p>

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.notice} />

      {outcome?.invitation ? <NewInvitation invitation={outcome.invitation} /> : null}
      {askRemove ? <ConfirmRemoval person={askRemove} action={here} busy={busy} /> : null}

      <h2 id="members">{t("workshop:members.members")}</h2>
      <MemberTable members={members} action={here} busy={busy} resetKey={outcome?.at ?? 0} />

      <SecondFactorRule required={secondFactorRequired} action={here} busy={busy} />

      <h2 id="invite">{t("workshop:members.invite")}</h2>
      <InviteLinkForm action={here} busy={busy} errors={errorsFor("invite")} />
      <InviteEmailForm
        key={outcome?.intent === "invite-email" ? outcome.at : 0}
        action={here}
        busy={busy}
        errors={errorsFor("invite-email")}
        emails={outcome?.intent === "invite-email" ? (outcome.values.emails ?? "") : ""}
      />

      <InvitationList invitations={invitations} action={here} busy={busy} />
    </div>
  );
}
