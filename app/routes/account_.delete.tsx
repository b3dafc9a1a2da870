/**
 * /account/delete — delete your account, after typing your password. What happens (app/models/account-data.server.ts):
 * your endorsements are withdrawn and their personal details erased (each receipt keeps the version, hash, time
 * and a dated "withdrawn" line); sessions, tokens, memberships and kept mails go; what you wrote in documents
 * stays without your name (the earlier wordings of your edited comments go). Refused while you are the only organiser of a workshop with other members.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { serializeBlankSessionCookie } from "../auth/cookie.server";
import { Field, FormError } from "../components/field";
import { deleteAccount } from "../models/account-data.server";
import { getUser, requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { pleaseWaitIn } from "../utils/wait-words";
import { Breadcrumbs } from "../components/breadcrumbs";
import { Trans, useT } from "../i18n/react";
import { requestT, routeStrings } from "../i18n/strings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const words = async () => ({ i18n: await routeStrings(request, context, ["account"]), t: await requestT(request, context) });
  if (new URL(request.url).searchParams.get("done") === "1" && !(await getUser(context))) {
    const { i18n, t } = await words();
    return data({ done: true as const, user: null, title: t("account:delete.doneMetaTitle"), i18n }, { headers: NO_STORE });
  }
  const { user } = await requireSessionUser(request, context);
  const { i18n, t } = await words();
  return data({ done: false as const, user: { name: user.name, email: user.email }, title: t("account:delete.metaTitle"), i18n }, { headers: NO_STORE });
}

interface ActionResult {
  error: string | null;
  passwordError: string | null;
  workshops: { slug: string; title: string }[];
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const t = await requestT(request, context);
  let password = "";
  try {
    const value = (await request.formData()).get("password");
    password = typeof value === "string" ? value.slice(0, 1024) : "";
  } catch {
    password = "";
  }
  if (!password) return data<ActionResult>({ error: null, passwordError: t("account:delete.passwordMissing"), workshops: [] }, { status: 400, headers: NO_STORE });
  const result = await deleteAccount({ user, password, ip: context.clientIp, cookie: request.headers.get("cookie") });
  if (result.ok) {
    return redirect("/account/delete?done=1", { headers: { "Set-Cookie": serializeBlankSessionCookie() } });
  }
  if (result.reason === "throttled") {
    return data<ActionResult>(
      { error: t("account:delete.throttled", { wait: pleaseWaitIn(t, result.retryAfterSeconds) }), passwordError: null, workshops: [] },
      { status: 429, headers: { ...NO_STORE, "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.reason === "password") {
    return data<ActionResult>({ error: null, passwordError: t("account:delete.passwordWrong"), workshops: [] }, { status: 400, headers: NO_STORE });
  }
  return data<ActionResult>(
    {
      error: t("account:delete.onlyOrganiser"),
      passwordError: null,
      workshops: result.workshops,
    },
    { status: 409, headers: NO_STORE },
  );
}

export default function DeleteAccount() {
  const { t } = useT();
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  if (loaded.done) {
    return (
      <div className="page narrow">
        <h1>{t("account:delete.doneTitle")}</h1>
        <p role="status">{t("account:delete.doneBody")}</p>
        <p><Link to="/">{t("account:delete.backHome")}</Link></p>
      </div>
    );
  }
  return (
    <div className="page reading">
      <Breadcrumbs trail={[{ to: "/account", label: t("account:title") }]} current={t("account:delete.title")} />
      <h1>{t("account:delete.title")}</h1>
      <FormError message={result?.error} />
      {result?.workshops.length ? (
        <ul>
          {result.workshops.map((w) => (
            <li key={w.slug}><Link to={`/workshops/${w.slug}/members`}>{w.title}</Link></li>
          ))}
        </ul>
      ) : null}
      <section className="card" aria-labelledby="what-happens">
        <h2 id="what-happens">{t("account:delete.whatHappens")}</h2>
        <ul>
          <li><Trans k="account:delete.endorsements" tags={{ strong: (c) => <strong>{c}</strong> }} /></li>
          <li>{t("account:delete.sessions")}</li>
          <li>{t("account:delete.writing")}</li>
          <li><Trans k="account:delete.cannotUndo" tags={{ go: (c) => <a href="/account/data" download>{c}</a> }} /></li>
        </ul>
      </section>
      <Form method="post" className="stack card" noValidate>
        <input type="text" name="username" autoComplete="username" value={loaded.user.email} readOnly hidden />
        <Field
          name="password"
          label={t("account:delete.password")}
          type="password"
          autoComplete="current-password"
          required
          hint={t("account:delete.passwordHint")}
          error={result?.passwordError}
        />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>{busy ? t("account:delete.deleting") : t("account:delete.submit")}</button>
          <Link to="/account">{t("account:delete.cancel")}</Link>
        </div>
      </Form>
    </div>
  );
}
