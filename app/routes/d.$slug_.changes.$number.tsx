/**
 * GET /d/:slug/changes/:number — what changed from published version number-1 to version number (or, with
 * `?from=K`, from version K), as a readable diff with insertions and deletions marked in place. Public; linked from
 * the mail sent to earlier signers. Unknown slug, number 1 or beyond the latest, or a bad `from`: 404.
 */
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as withHeaders } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DiffView } from "../diff/diff-view";
import diffStyles from "../diff/diff.css";
import { loadChanges, loadPublicDeclaration } from "../models/publishing.server";
import { formatDateIn, isoString } from "../utils/dates";
import { notFound } from "../utils/guards.server";
import { Breadcrumbs } from "../components/breadcrumbs";
import { staticPage } from "../utils/static-page";
import { useT } from "../i18n/react";
import { requestT } from "../i18n/strings.server";
import { publicStrings } from "../declarations/public-strings.server";

/** A reading page: sent without JavaScript. */
export const handle = staticPage;

/** In the reader's interface language: caches keep one copy per language. */
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const out = new Headers();
  const vary = loaderHeaders.get("Vary");
  if (vary) out.set("Vary", vary);
  return out;
};

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data ? [{ title: data.pageTitle }, { name: "description", content: data.pageDescription }] : [];

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

const NUMBER = /^[1-9][0-9]{0,8}$/;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
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
  const t = await requestT(request, context);
  const title = declaration.current.title;
  return withHeaders({
    i18n: await publicStrings(request, context, ["list", "declaration", "version"]),
    pageTitle: t("public:version.changesTitle", { number: changes.to.number, title }),
    pageDescription: t("public:version.changesDescription", { from: changes.from.number, to: changes.to.number, title }),
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
  }, { headers: { Vary: "Accept-Language" } });
}

export default function ChangesPage() {
  const { slug, title, from, to, diff, currentNumber, endorsementsOpen } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  return (
    <div className="page reading declaration-page">
      <Breadcrumbs
        trail={[
          { to: "/declarations", label: t("public:list.heading") },
          { to: `/d/${slug}`, label: title },
        ]}
        current={t("public:version.changesIn", { number: to.number })}
      />
      <h1>{t("public:version.changesHeading", { from: from.number, to: to.number })}</h1>
      <p className="lead">{title}</p>
      <dl className="facts">
        <dt><a href={`/d/${slug}/v/${from.number}`}>{t("public:list.version", { number: from.number })}</a></dt>
        <dd>
          <time dateTime={isoString(from.publishedAt)}>{formatDateIn(locale, from.publishedAt)}</time> · <code className="hash small">{from.sha256}</code>
        </dd>
        <dt><a href={`/d/${slug}/v/${to.number}`}>{t("public:list.version", { number: to.number })}</a></dt>
        <dd>
          <time dateTime={isoString(to.publishedAt)}>{formatDateIn(locale, to.publishedAt)}</time> · <code className="hash small">{to.sha256}</code>
        </dd>
      </dl>
      <DiffView
        html={diff.html}
        changes={diff.changes}
        insertedWords={diff.insertedWords}
        deletedWords={diff.deletedWords}
        truncated={diff.truncated}
        label={t("public:version.changesLabel", { from: from.number, to: to.number })}
      />
      <p className="actions no-print">
        {to.number === currentNumber && endorsementsOpen ? (
          <>
            <a className="button" href={`/d/${slug}/reconfirm`}>{t("public:version.reconfirm", { number: to.number })}</a>
            <a href={`/d/${slug}/endorse`}>{t("public:declaration.endorseVersion", { number: to.number })}</a>
          </>
        ) : null}
        <a href={`/d/${slug}`}>{t("public:version.back")}</a>
      </p>
    </div>
  );
}
