/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /account/delete — delete your account, after typing your password. What happens (app/models/account-data.server.ts):
 * your endorsements are withdrawn and their personal details erased (each receipt keeps the version, hash, time
 * and a dated "withdrawn" line); sessions, tokens, memberships and kept mails go; what you wrote in documents
 * stays without your name. Refused while you are the only organiser of a workshop with other members.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { serializeBlankSessionCookie } from "../auth/cookie.server";
import { Field, FormError } from "../components/field";
import { deleteAccount } from "../models/account-data.server";
import { getUser, requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { pleaseWait } from "../utils/wait-words";
import { Breadcrumbs } from "../components/breadcrumbs";

export const meta: MetaFunction = () => [{ title: "Delete your account — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (new URL(request.url).searchParams.get("done") === "1" && !(await getUser(context))) {
    return data({ done: true as const, user: null }, { headers: NO_STORE });
  }
  const { user } = await requireSessionUser(request, context);
  return data({ done: false as const, user: { name: user.name, email: user.email } }, { headers: NO_STORE });
}

interface ActionResult {
  error: string | null;
  passwordError: string | null;
  workshops: { slug: string; title: string }[];
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  let password = "";
  try {
    const value = (await request.formData()).get("password");
    password = typeof value === "string" ? value.slice(0, 1024) : "";
  } catch {
    password = "";
  }
  if (!password) return data<ActionResult>({ error: null, passwordError: "Enter your password.", workshops: [] }, { status: 400, headers: NO_STORE });
  const result = await deleteAccount({ user, password, ip: context.clientIp, cookie: request.headers.get("cookie") });
  if (result.ok) {
    return redirect("/account/delete?done=1", { headers: { "Set-Cookie": serializeBlankSessionCookie() } });
  }
  if (result.reason === "throttled") {
    return data<ActionResult>(
      { error: `Too many attempts. ${pleaseWait(result.retryAfterSeconds)}`, passwordError: null, workshops: [] },
      { status: 429, headers: { ...NO_STORE, "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (result.reason === "password") {
    return data<ActionResult>({ error: null, passwordError: "That is not your password.", workshops: [] }, { status: 400, headers: NO_STORE });
  }
  return data<ActionResult>(
    {
      error: "You are the only organiser of a workshop that has other members. Make someone else an organiser there first, then come back.",
      passwordError: null,
      workshops: result.workshops,
    },
    { status: 409, headers: NO_STORE },
  );
}

export default function DeleteAccount() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state === "submitting";
  if (loaded.done) {
    return (
      <div className="page narrow">
        <h1>Your account is deleted</h1>
        <p role="status">
          Your account is gone and you are signed out. Your endorsements are withdrawn and their personal details erased; their
          receipts now show only what was signed, when, and the date of withdrawal.
        </p>
        <p><Link to="/">Back to the start page</Link></p>
      </div>
    );
  }
  return (
    <div className="page reading">
      <Breadcrumbs trail={[{ to: "/account", label: "Your account" }]} current="Delete your account" />
      <h1>Delete your account</h1>
      <FormError message={result?.error} />
      {result?.workshops.length ? (
        <ul>
          {result.workshops.map((w) => (
            <li key={w.slug}><Link to={`/workshops/${w.slug}/members`}>{w.title}</Link></li>
          ))}
        </ul>
      ) : null}
      <section className="card" aria-labelledby="what-happens">
        <h2 id="what-happens">What happens</h2>
        <ul>
          <li>
            Every endorsement you made is <strong>withdrawn</strong> and its personal details (name, role, affiliation, country,
            statement, organisation and website) are <strong>erased</strong>. It leaves the public lists and counts. Its receipt
            stays, showing only the declaration, version, hash, time and the date it was withdrawn.
          </li>
          <li>Your sessions, personal access tokens and workshop memberships are deleted, and you are signed out everywhere.</li>
          <li>What you wrote in documents stays part of those documents, without your name.</li>
          <li>This cannot be undone. You may want to <a href="/account/data" download>download your data</a> first.</li>
        </ul>
      </section>
      <Form method="post" className="stack card" noValidate>
        <input type="text" name="username" autoComplete="username" value={loaded.user.email} readOnly hidden />
        <Field
          name="password"
          label="Your password"
          type="password"
          autoComplete="current-password"
          required
          hint="To make sure it is you."
          error={result?.passwordError}
        />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>{busy ? "Deleting…" : "Delete my account"}</button>
          <Link to="/account">Cancel</Link>
        </div>
      </Form>
    </div>
  );
}
