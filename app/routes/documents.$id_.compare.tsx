/**
 * /documents/:id/compare?from=<versionId|live>&to=<versionId|live> — a readable diff of two texts of a document:
 * two saved versions, or a version and the live text. Insertions and deletions are marked in place, numbered and
 * reachable from change to change (app/diff/). Members read; not a member, a malformed or unknown version id, or
 * a version of another document: 404. Without `from`, the newest version is compared with the live text.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import type { ReactNode } from "react";
import { findDocumentForUser } from "../models/workshops.server";
import { listVersions, loadComparable, UUID, type Comparable } from "../models/versions.server";
import { diffDocuments } from "../diff/text-diff";
import { DiffView } from "../diff/diff-view";
import { isoString } from "../utils/dates";
import { notFound, requireUser } from "../utils/guards.server";
import diffStyles from "../diff/diff.css";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";
import { requestT } from "../i18n/strings.server";
import { Trans, useT } from "../i18n/react";
import { workshopStrings } from "../workshops/strings.server";
import { dateTimeIn } from "../workshops/words";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.title : "Accord" }];

/** One of the two texts; `label` names it inside a sentence ("“After session 2”", "the live text"). */
function side(t: Translate, c: Comparable) {
  return c.version
    ? { ref: c.ref, label: t("workshop:compare.quoted", { name: c.version.name }), name: c.version.name, author: c.version.authorName, createdAt: c.version.createdAt }
    : { ref: c.ref, label: t("workshop:compare.liveLabel"), name: null, author: null, createdAt: null };
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
  const t = await requestT(request, context);
  const [fromSide, toSide] = [side(t, from), side(t, to)];
  return {
    title: t("workshop:compare.metaTitle", { from: fromSide.label, to: toSide.label, document: document.title }),
    i18n: await workshopStrings(request, context, ["compare"]),
    document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    versions: versions.map((v) => ({ id: v.id, name: v.name, createdAt: v.createdAt })),
    from: fromSide,
    to: toSide,
    diff,
  };
}

type Side = ReturnType<typeof side>;

/** "From the version “A”, saved by … on …" / "to the live text (as it is now)." — whole sentences, in the page's language. */
function SideDescription({ s, end }: { s: Side; end: "from" | "to" }) {
  const { t, locale } = useT();
  const createdAt = s.createdAt;
  if (!createdAt) return <>{end === "from" ? t("workshop:compare.fromLive") : t("workshop:compare.toLive")}</>;
  const values = { name: s.name ?? "", author: s.author ?? t("workshop:compare.formerMember"), when: dateTimeIn(locale, createdAt) };
  const tags = { time: (children: ReactNode) => <time dateTime={isoString(createdAt)}>{children}</time> };
  return end === "from" ? <Trans k="workshop:compare.fromVersion" values={values} tags={tags} /> : <Trans k="workshop:compare.toVersion" values={values} tags={tags} />;
}

export default function ComparePage() {
  const { document, versions, from, to, diff } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  const compareUrl = `/documents/${document.id}/compare`;
  const history = `/documents/${document.id}/history`;
  return (
    <div className="page reading">
      <Breadcrumbs trail={[...documentTrail(document), { to: history, label: t("workshop:compare.history") }]} current={t("workshop:compare.crumb")} />
      <h1>{t("workshop:compare.title")}</h1>
      <p className="compare-sides">
        <SideDescription s={from as Side} end="from" />
        <br />
        <SideDescription s={to as Side} end="to" />
      </p>
      <p className="small no-print">
        <Link to={`${compareUrl}?from=${encodeURIComponent(to.ref)}&to=${encodeURIComponent(from.ref)}`}>{t("workshop:compare.swap")}</Link>
        {" · "}
        <Link to={history}>{t("workshop:compare.allVersions")}</Link>
      </p>

      {versions.length > 0 ? (
        <details className="card compare-other no-print">
          <summary>{t("workshop:compare.other")}</summary>
          <Form key={`${from.ref}:${to.ref}`} method="get" action={compareUrl} className="compare-form__fields">
            <div className="field">
              <label htmlFor="compare-from">{t("workshop:compare.older")}</label>
              <select id="compare-from" name="from" defaultValue={from.ref}>
                <option value="live">{t("workshop:compare.liveNow")}</option>
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>{t("workshop:compare.option", { name: v.name, when: dateTimeIn(locale, v.createdAt) })}</option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="compare-to">{t("workshop:compare.newer")}</label>
              <select id="compare-to" name="to" defaultValue={to.ref}>
                <option value="live">{t("workshop:compare.liveNow")}</option>
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>{t("workshop:compare.option", { name: v.name, when: dateTimeIn(locale, v.createdAt) })}</option>
                ))}
              </select>
            </div>
            <div className="actions">
              <button type="submit" className="secondary">{t("workshop:compare.submit")}</button>
            </div>
          </Form>
        </details>
      ) : (
        <p className="empty">{t("workshop:compare.none")}</p>
      )}

      <DiffView
        key={`${from.ref}:${to.ref}`}
        html={diff.html}
        changes={diff.changes}
        insertedWords={diff.insertedWords}
        deletedWords={diff.deletedWords}
        truncated={diff.truncated}
        label={t("workshop:compare.diffLabel", { from: from.label, to: to.label })}
      />
    </div>
  );
}
