/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * GET /d/:slug/changes/:number — what changed from published version number-1 to version number (or, with
 * `?from=K`, from version K), as a readable diff with insertions and deletions marked in place. Public; linked from
 * the mail sent to earlier signers. Unknown slug, number 1 or beyond the latest, or a bad `from`: 404.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DiffView } from "../diff/diff-view";
import diffStyles from "../diff/diff.css";
import { loadChanges, loadPublicDeclaration } from "../models/publishing.server";
import { formatDate, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { Breadcrumbs, declarationTrail } from "../components/breadcrumbs";
import { staticPage } from "../utils/static-page";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Changes in version ${data.to.number} — ${data.title} — Accord` : "Not found — Accord" },
  ...(data ? [{ name: "description", content: `What changed from version ${data.from.number} to version ${data.to.number} of “${data.title}”.` }] : []),
];

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

const NUMBER = /^[1-9][0-9]{0,8}$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  if (!NUMBER.test(params.number ?? "")) throw notFound();
  const to = Number(params.number);
  const fromParam = new URL(request.url).searchParams.get("from");
  if (fromParam !== null && !NUMBER.test(fromParam)) throw notFound();
  const from = fromParam !== null ? Number(fromParam) : to - 1;
  if (from < 1 || from >= to) throw notFound();
  const declaration = await loadPublicDeclaration(params.slug ?? "");
  if (!declaration) throw notFound();
  const changes = await loadChanges(declaration.documentId, from, to);
  if (!changes) throw notFound();
  const { diff } = changes;
  return {
    slug: declaration.slug,
    title: declaration.current.title,
    currentNumber: declaration.current.number,
    endorsementsOpen: declaration.endorsementsOpen,
    from: { number: changes.from.number, sha256: changes.from.sha256, publishedAt: changes.from.publishedAt },
    to: { number: changes.to.number, sha256: changes.to.sha256, publishedAt: changes.to.publishedAt },
    diff: {
      html: diff.html,
      changes: diff.changes,
      insertedWords: diff.insertedWords,
      deletedWords: diff.deletedWords,
      truncated: diff.truncated,
    },
  };
}

export default function ChangesPage() {
  const { slug, title, from, to, diff, currentNumber, endorsementsOpen } = useLoaderData<typeof loader>();
  return (
    <div className="page reading declaration-page">
      <Breadcrumbs trail={declarationTrail({ slug, title })} current={`Changes in version ${to.number}`} />
      <h1>{`What changed from version ${from.number} to version ${to.number}`}</h1>
      <p className="lead">{title}</p>
      <dl className="facts">
        <dt><a href={`/d/${slug}/v/${from.number}`}>{`Version ${from.number}`}</a></dt>
        <dd>
          <time dateTime={isoString(from.publishedAt)}>{formatDate(from.publishedAt)}</time> · <code className="hash small">{from.sha256}</code>
        </dd>
        <dt><a href={`/d/${slug}/v/${to.number}`}>{`Version ${to.number}`}</a></dt>
        <dd>
          <time dateTime={isoString(to.publishedAt)}>{formatDate(to.publishedAt)}</time> · <code className="hash small">{to.sha256}</code>
        </dd>
      </dl>
      <DiffView
        html={diff.html}
        changes={diff.changes}
        insertedWords={diff.insertedWords}
        deletedWords={diff.deletedWords}
        truncated={diff.truncated}
        label={`Changes from version ${from.number} to version ${to.number}`}
      />
      <p className="actions no-print">
        {to.number === currentNumber && endorsementsOpen ? (
          <>
            <a className="button" href={`/d/${slug}/reconfirm`}>{`Re-confirm for version ${to.number}`}</a>
            <a href={`/d/${slug}/endorse`}>{`Endorse version ${to.number}`}</a>
          </>
        ) : null}
        <a href={`/d/${slug}`}>Back to the declaration</a>
      </p>
    </div>
  );
}
