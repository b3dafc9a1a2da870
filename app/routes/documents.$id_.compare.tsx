/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /documents/:id/compare?from=<versionId|live>&to=<versionId|live> — a readable diff of two texts of a document:
 * two saved versions, or a version and the live text. Insertions and deletions are marked in place, numbered and
 * reachable from change to change (app/diff/). Members read; not a member, a malformed or unknown version id, or
 * a version of another document: 404. Without `from`, the newest version is compared with the live text.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { findDocumentForUser } from "../models/workshops.server";
import { listVersions, loadComparable, UUID, type Comparable } from "../models/versions.server";
import { diffDocuments } from "../diff/text-diff";
import { DiffView } from "../diff/diff-view";
import { formatDateTime, isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import diffStyles from "../diff/diff.css";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Compare: ${data.from.label} → ${data.to.label} — ${data.document.title} — Accord` : "Not found — Accord" },
];

function side(c: Comparable) {
  return c.version
    ? { ref: c.ref, label: `“${c.version.name}”`, name: c.version.name, author: c.version.authorName, createdAt: c.version.createdAt }
    : { ref: c.ref, label: "the live text", name: null, author: null, createdAt: null };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const versions = await listVersions(document, user.id);
  const url = new URL(request.url);
  const fromRef = url.searchParams.get("from") || versions[0]?.id || "live";
  const toRef = url.searchParams.get("to") || "live";
  for (const ref of [fromRef, toRef]) if (ref !== "live" && !UUID.test(ref)) throw notFound();
  const [from, to] = await Promise.all([loadComparable(document, user.id, fromRef), loadComparable(document, user.id, toRef)]);
  if (!from || !to) throw notFound();
  const diff = diffDocuments(from.json, to.json, { headingOffset: 1 });
  return {
    document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    versions: versions.map((v) => ({ id: v.id, name: v.name, createdAt: v.createdAt })),
    from: side(from),
    to: side(to),
    diff,
  };
}

type Side = ReturnType<typeof side>;

function SideDescription({ s }: { s: { label: string; author: string | null; createdAt: string | Date | null } }) {
  if (!s.createdAt) return <>the live text (as it is now)</>;
  return (
    <>
      the version {s.label}, saved by {s.author ?? "a former member"} on{" "}
      <time dateTime={isoString(s.createdAt)}>{formatDateTime(s.createdAt)}</time>
    </>
  );
}

export default function ComparePage() {
  const { document, versions, from, to, diff } = useLoaderData<typeof loader>();
  const compareUrl = `/documents/${document.id}/compare`;
  const history = `/documents/${document.id}/history`;
  return (
    <div className="page reading">
      <Breadcrumbs trail={[...documentTrail(document), { to: history, label: "History and versions" }]} current="Compare" />
      <h1>Compare texts</h1>
      <p className="compare-sides">
        From <SideDescription s={from as Side} />
        <br />
        to <SideDescription s={to as Side} />.
      </p>
      <p className="small no-print">
        <Link to={`${compareUrl}?from=${encodeURIComponent(to.ref)}&to=${encodeURIComponent(from.ref)}`}>Swap the two texts</Link>
        {" · "}
        <Link to={history}>All versions</Link>
      </p>

      {versions.length > 0 ? (
        <details className="card compare-other no-print">
          <summary>Compare other texts</summary>
          <Form key={`${from.ref}:${to.ref}`} method="get" action={compareUrl} className="compare-form__fields">
            <div className="field">
              <label htmlFor="compare-from">Older text</label>
              <select id="compare-from" name="from" defaultValue={from.ref}>
                <option value="live">The live text (now)</option>
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>{`${v.name} — ${formatDateTime(v.createdAt)}`}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="compare-to">Newer text</label>
              <select id="compare-to" name="to" defaultValue={to.ref}>
                <option value="live">The live text (now)</option>
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>{`${v.name} — ${formatDateTime(v.createdAt)}`}</option>
                ))}
              </select>
            </div>
            <div className="actions">
              <button type="submit" className="secondary">Compare</button>
            </div>
          </Form>
        </details>
      ) : (
        <p className="empty">No version has been saved yet, so there is nothing to compare the live text with.</p>
      )}

      <DiffView
        key={`${from.ref}:${to.ref}`}
        html={diff.html}
        changes={diff.changes}
        insertedWords={diff.insertedWords}
        deletedWords={diff.deletedWords}
        truncated={diff.truncated}
        label={`Changes from ${from.label} to ${to.label}`}
      />
    </div>
  );
}
