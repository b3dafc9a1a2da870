/** GET /workshops: the workshops the signed-in person belongs to, with their role and the number of documents. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { countDocumentsForUser, listWorkshopsForUser } from "../models/workshops.server";
import { requireUser } from "../utils/guards.server";
import { requestT } from "../i18n/strings.server";
import { workshopStrings } from "../workshops/strings.server";
import { useT } from "../i18n/react";
import { dateRangeIn, roleName } from "../workshops/words";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const [workshops, counts] = await Promise.all([listWorkshopsForUser(user.id), countDocumentsForUser(user.id)]);
  const t = await requestT(request, context);
  return {
    title: t("workshop:list.metaTitle"),
    i18n: await workshopStrings(request, context, ["list"]),
    workshops: workshops.map((w) => ({
      slug: w.slug,
      title: w.title,
      startsOn: w.startsOn,
      endsOn: w.endsOn,
      venue: w.venue,
      role: w.role,
      documentCount: counts.get(w.id) ?? 0,
    })),
  };
}

export default function Workshops() {
  const { workshops } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  return (
    <div className="page">
      <h1>{t("workshop:list.title")}</h1>
      {workshops.length === 0 ? (
        <div className="card">
          <p className="empty">{t("workshop:list.none")}</p>
          <p>{t("workshop:list.howToJoin")}</p>
        </div>
      ) : (
        <ul className="card-list">
          {workshops.map((w) => (
            <li key={w.slug}>
              <Link className="title" to={`/workshops/${w.slug}`}>{w.title}</Link>
              <div className="meta">
                <span>{dateRangeIn(locale, w.startsOn, w.endsOn)}</span>
                {w.venue ? <span>{w.venue}</span> : null}
                <span>{t("workshop:list.documents", { count: w.documentCount })}</span>
                <span>
                  {`${t("workshop:yourRole")} `}<span className="badge">{roleName(t, w.role)}</span>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
