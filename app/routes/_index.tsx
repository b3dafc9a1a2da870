/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { getUser } from "../utils/guards.server";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const meta: MetaFunction = () => [
  { title: "Accord — draft a declaration together, then collect endorsements" },
  { name: "description", content: "Police officers and policy experts draft declarations together in real time; organisations and individuals endorse the published text." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  if (await getUser(context)) throw redirect("/workshops");
  return null;
}

export default function Index() {
  return (
    <div className="page reading">
      <h1>Draft a declaration together. Collect endorsements anyone can verify.</h1>
      <p className="lead">
        Accord is where police officers and policy experts from many countries write a text at the same time, and where
        organisations and individuals then endorse the exact published wording.
      </p>
      <div className="actions">
        <Link className="button" to="/signup">Create an account</Link>
        <Link className="button secondary" to="/login">Sign in</Link>
      </div>
      <h2>What we promise</h2>
      <ul>
        <li><strong>Nothing typed is lost.</strong> An edit is shown as saved only after the database has stored it.</li>
        <li><strong>Anyone can verify what was signed.</strong> Each endorsement is bound to a fingerprint of the exact published text.</li>
        <li><strong>Signers are protected.</strong> E-mail addresses are never public, and each signer chooses what is shown.</li>
      </ul>
    </div>
  );
}
