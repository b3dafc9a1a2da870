/**
 * /join/:token — an invitation link. GET only shows what the link offers (it never changes anything); POST joins the
 * workshop with the link's role, takes one of its uses and goes to the workshop. The rules (app/models/invitations.server.ts):
 * a member keeps their role; an unconfirmed address must be confirmed first (403, with the way to do it); someone
 * removed after the link was made needs a new one (403). Invalid link: 404; expired, revoked or used up: 410. The
 * token is in the URL, so this page sends `Referrer-Policy: same-origin` (never sent to other sites) and is never cached.
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import { acceptInvitation, previewInvitation, type JoinOutcome } from "../models/invitations.server";
import type { Role } from "../models/roles";
import { formatDateTimeIn, isoString } from "../utils/dates";
import { getUser, requireUser } from "../utils/guards.server";
import { Trans, useT } from "../i18n/react";
import { requestT, routeStrings } from "../i18n/strings.server";
import { workshopStrings } from "../workshops/strings.server";
import { roleDescription, roleName } from "../workshops/words";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];

// `same-origin`, not `no-referrer`: the token must not leak to other sites, but with `no-referrer` Chromium sends
// `Origin: null` on this page's POST, which the cross-origin checks (ours and Remix's) rightly refuse.
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "same-origin", "Cache-Control": "no-store" });

type Shown = Extract<JoinOutcome, { status: "signed_out" | "unverified" | "removed" | "can_join" | "already_member" }>;

/** A link that lets nobody in: not valid (404), or expired, revoked or used up (410). Said on this page, in words. */
interface Broken {
  state: "invalid" | "gone" | "used_up";
  workshopTitle: string | null;
}

type Seen = { shown: Shown; broken: null } | { shown: null; broken: Broken };

/** The outcomes shown on this page: an invitation to look at, or a link that no longer works. */
function shown(outcome: JoinOutcome): Seen {
  switch (outcome.status) {
    case "invalid":
      return { shown: null, broken: { state: "invalid", workshopTitle: null } };
    case "revoked":
    case "expired":
      return { shown: null, broken: { state: "gone", workshopTitle: outcome.invitation.workshopTitle } };
    case "used_up":
      return { shown: null, broken: { state: "used_up", workshopTitle: outcome.invitation.workshopTitle } };
    case "joined":
      throw redirect(`/workshops/${outcome.invitation.workshopSlug}`);
    default:
      return { shown: outcome, broken: null };
  }
}

function view(outcome: Shown, email: string | null) {
  const { workshopSlug, workshopTitle, role, expiresAt } = outcome.invitation;
  return {
    workshop: { slug: workshopSlug, title: workshopTitle },
    role,
    expiresAt,
    state: outcome.status,
    currentRole: outcome.status === "already_member" ? outcome.role : null,
    email,
  };
}

const statusOf = (state: Shown["status"]) => (state === "unverified" || state === "removed" ? 403 : 200);

/** The page's answer: the invitation, or the broken link (404, 410), with the page's words and title. */
async function answer(request: Request, context: LoaderFunctionArgs["context"], seen: Seen, email: string | null) {
  const t = await requestT(request, context);
  const i18n = { ...(await routeStrings(request, context, ["account"])), ...(await workshopStrings(request, context, [])) };
  if (seen.broken) {
    const title = brokenTitle(t, seen.broken);
    return data({ invitation: null, broken: seen.broken, title: t("account:join.metaTitleOf", { title }), i18n }, { status: seen.broken.state === "invalid" ? 404 : 410 });
  }
  return data({ invitation: view(seen.shown, email), broken: null, title: t("account:join.metaTitle"), i18n }, { status: statusOf(seen.shown.status) });
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await getUser(context);
  return answer(request, context, shown(await previewInvitation(params.token ?? "", user)), user?.email ?? null);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  const outcome = await acceptInvitation(params.token ?? "", user);
  if (outcome.status === "already_member") return redirect(`/workshops/${outcome.invitation.workshopSlug}`);
  return answer(request, context, shown(outcome), user.email);
}

function brokenTitle(t: Translate, broken: Broken): string {
  return broken.state === "invalid" ? t("account:join.invalidTitle") : t("account:join.goneTitle");
}

function brokenMessage(t: Translate, broken: Broken): string {
  if (broken.state === "invalid") return t("account:join.invalid");
  if (broken.state === "used_up") return t("account:join.usedUp", { workshop: broken.workshopTitle ?? "" });
  return t("account:join.expired", { workshop: broken.workshopTitle ?? "" });
}

export default function Join() {
  const { t, locale } = useT();
  const loaded = useLoaderData<typeof loader>();
  const answered = useActionData<typeof action>();
  const { invitation, broken } = answered ?? loaded;
  if (broken || !invitation) {
    return (
      <div className="page narrow">
        <h1>{broken ? brokenTitle(t, broken) : t("account:join.invalidTitle")}</h1>
        <p>{broken ? brokenMessage(t, broken) : t("account:join.invalid")}</p>
        <p><Link to="/workshops">{t("account:join.goWorkshops")}</Link></p>
      </div>
    );
  }
  const { workshop, role, expiresAt, state, currentRole, email } = invitation;
  return (
    <div className="page narrow">
      <h1>{t("account:join.title", { workshop: workshop.title })}</h1>
      <p>
        <Trans
          k="account:join.invited"
          values={{ workshop: workshop.title, role: roleName(t, role), until: formatDateTimeIn(locale, expiresAt) }}
          tags={{ strong: (c) => <strong>{c}</strong>, time: (c) => <time dateTime={isoString(expiresAt)}>{c}</time> }}
        />
      </p>
      {state === "signed_out" ? <SignedOut /> : null}
      {state === "unverified" ? <ConfirmFirst email={email} /> : null}
      {state === "removed" ? (
        <div className="alert error" role="alert">
          {t("account:join.removed")}
        </div>
      ) : null}
      {state === "already_member" && currentRole ? <AlreadyMember slug={workshop.slug} currentRole={currentRole} linkRole={role} /> : null}
      {state === "can_join" ? <JoinForm title={workshop.title} role={role} /> : null}
    </div>
  );
}

function JoinForm({ title, role }: { title: string; role: Role }) {
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const name = roleName(t, role);
  return (
    <Form method="post" className="card stack">
      <p>
        {`${t("workshop:roles.withDescription", { role: name, does: roleDescription(t, role).toLowerCase() })} ${t("account:join.seen")}`}
      </p>
      <div className="actions">
        <button type="submit" disabled={busy}>{t("account:join.submit", { workshop: title, role: name })}</button>
        <Link to="/workshops">{t("account:join.notNow")}</Link>
      </div>
    </Form>
  );
}

function AlreadyMember({ slug, currentRole, linkRole }: { slug: string; currentRole: Role; linkRole: Role }) {
  const { t } = useT();
  return (
    <div className="card">
      <p>
        <Trans k="account:join.alreadyMember" values={{ role: roleName(t, currentRole) }} tags={{ strong: (c) => <strong>{c}</strong> }} />{" "}
        {currentRole === linkRole ? t("account:join.sameRole") : t("account:join.otherRole", { role: roleName(t, linkRole) })}
      </p>
      <p><Link className="button" to={`/workshops/${slug}`}>{t("account:join.goWorkshop")}</Link></p>
    </div>
  );
}

function ConfirmFirst({ email }: { email: string | null }) {
  const { t } = useT();
  return (
    <div className="card" role="alert">
      <h2>{t("account:join.confirmTitle")}</h2>
      <p>
        {email ? (
          <Trans k="account:join.confirmBody" values={{ email }} tags={{ strong: (c) => <strong>{c}</strong> }} />
        ) : (
          t("account:join.confirmBodyNoEmail")
        )}
      </p>
      <p><Link className="button" to="/verify-email/resend">{t("account:join.confirmLink")}</Link></p>
    </div>
  );
}

function SignedOut() {
  const { t } = useT();
  const { pathname } = useLocation();
  const back = encodeURIComponent(pathname);
  return (
    <div className="card">
      <p>{t("account:join.signInFirst")}</p>
      <div className="actions">
        <Link className="button" to={`/login?redirectTo=${back}`}>{t("common:header.signIn")}</Link>
        <Link className="button secondary" to={`/signup?redirectTo=${back}`}>{t("account:join.createAccount")}</Link>
      </div>
      <p className="muted small">{t("account:join.newHere")}</p>
    </div>
  );
}
