import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { requestT } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";
import { Trans, useT } from "../i18n/react";
import { getUser } from "../utils/guards.server";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }, { name: "description", content: data.description }] : []);

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(context)) throw redirect("/workshops");
  const t = await requestT(request, context);
  return { title: t("public:home.title"), description: t("public:home.description"), i18n: await publicStrings(request, context, ["home"]) };
}

const bold = { b: (c: ReactNode) => <strong>{c}</strong> };

export default function Index() {
  useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="page reading">
      <h1>{t("public:home.heading")}</h1>
      <p className="lead">{t("public:home.lead")}</p>
      <div className="actions">
        <Link className="button" to="/signup">{t("public:home.createAccount")}</Link>
        <Link className="button secondary" to="/login">{t("public:home.signIn")}</Link>
      </div>
      <h2>{t("public:home.promise")}</h2>
      <ul>
        <li><Trans k="public:home.lost" tags={bold} /></li>
        <li><Trans k="public:home.verify" tags={bold} /></li>
        <li><Trans k="public:home.protected" tags={bold} /></li>
      </ul>
    </div>
  );
}
