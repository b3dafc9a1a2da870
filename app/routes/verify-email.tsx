import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { peekEmailToken, verifyEmail } from "../auth/accounts.server";
import { parseForm } from "../utils/forms.server";
import { getUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";

type LinkState = "valid" | "invalid" | "expired";

const TITLES: Record<LinkState, string> = {
  valid: "Confirm your e-mail address",
  invalid: "This link does not work",
  expired: "This link has expired or was already used",
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${TITLES[data?.state ?? "invalid"]} — Accord` }];
export const headers = forwardHeaders;

/** GET only looks at the link (it never confirms anything: mail scanners follow links). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const state: LinkState = token ? await peekEmailToken(token, "verify_email") : "invalid";
  const signedIn = (await getUser(context)) != null;
  return data({ state, token: state === "valid" ? token : "", signedIn }, { headers: NO_STORE });
}

const schema = z.object({ token: z.string().max(200) });

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, schema);
  const result = parsed.ok ? await verifyEmail(parsed.data.token) : ({ ok: false, reason: "invalid" } as const);
  if (!result.ok) return data({ state: result.reason as LinkState }, { status: 400, headers: NO_STORE });
  if (await getUser(context)) return redirect("/workshops");
  return redirect("/login?verified=1");
}

function Broken({ state, signedIn }: { state: "invalid" | "expired"; signedIn: boolean }) {
  return (
    <div className="page narrow">
      <h1>{TITLES[state]}</h1>
      <div className="alert error" role="alert">
        {state === "invalid"
          ? "The link is incomplete or was not made by Accord. Copy the whole link from the e-mail into the address bar, or ask for a new one."
          : "Confirmation links work once, for 48 hours, and only the newest one you asked for works. If you already confirmed your address, there is nothing more to do."}
      </div>
      <div className="actions">
        <Link className="button" to="/verify-email/resend">Send me a new link</Link>
        {signedIn ? <Link to="/workshops">Go to your workshops</Link> : <Link to="/login">Sign in</Link>}
      </div>
      {signedIn ? null : <p className="muted small">To ask for a new link, you sign in first; you can sign in before confirming.</p>}
    </div>
  );
}

export default function VerifyEmail() {
  const { state, token, signedIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const shown = result?.state ?? state;
  if (shown !== "valid") return <Broken state={shown} signedIn={signedIn} />;
  return (
    <div className="page narrow">
      <h1>{TITLES.valid}</h1>
      <p>One more step: press the button to confirm that this e-mail address is yours.</p>
      <Form method="post" action="/verify-email" className="stack card">
        <input type="hidden" name="token" value={token} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Confirming…" : "Confirm my e-mail address"}</button>
        </div>
      </Form>
    </div>
  );
}
