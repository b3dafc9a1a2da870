/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** GET /workshops: the workshops the signed-in person belongs to, with their role and the number of documents. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { countDocumentsForUser, listWorkshopsForUser } from "../models/workshops.server";
import { ROLE_LABELS } from "../models/roles";
import { formatDateRange } from "../utils/dates";
import { requireUser } from "../utils/guards.server";

export const meta: MetaFunction = () => [{ title: "Your workshops — Accord" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const [workshops, counts] = await Promise.all([listWorkshopsForUser(user.id), countDocumentsForUser(user.id)]);
  return {
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

const documentsText = (n: number) => (n === 1 ? "1 document" : `${n} documents`);

export default function Workshops() {
  const { workshops } = useLoaderData<typeof loader>();
  return (
    <div className="page">
      <h1>Your workshops</h1>
      {workshops.length === 0 ? (
        <div className="card">
          <p className="empty">You are not a member of any workshop yet.</p>
          <p>
            Workshops are private. To join one, ask one of its organisers to send you an invitation link. Open the link
            while you are signed in to Accord and you will join the workshop with the role the organiser chose.
          </p>
        </div>
      ) : (
        <ul className="card-list">
          {workshops.map((w) => (
            <li key={w.slug}>
              <Link className="title" to={`/workshops/${w.slug}`}>{w.title}</Link>
              <div className="meta">
                <span>{formatDateRange(w.startsOn, w.endsOn)}</span>
                {w.venue ? <span>{w.venue}</span> : null}
                <span>{documentsText(w.documentCount)}</span>
                <span>
                  Your role: <span className="badge">{ROLE_LABELS[w.role]}</span>
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
