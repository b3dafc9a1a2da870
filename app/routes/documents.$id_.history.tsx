/**
 * /documents/:id/history — a document's named versions: name, author and time, with View, Compare (any two, or a
 * version with the live text) and, for editors and organisers, Save a named version and Restore (after a
 * confirmation step). Members read; only editors and organisers post (403 otherwise). Not a member, no such
 * document, or a malformed id: 404. The rules live in app/models/versions.server.ts.
 *
 * (`$id_` keeps this page out of the document page's layout: it is a page of its own.)
 */
import type { ActionFunctionArgs, AppLoadContext, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import { z } from "zod";
import { Field, FormError, FormNotice } from "../components/field";
import { findDocumentForUser } from "../models/workshops.server";
import { canEditDocuments } from "../models/roles";
import { requestT } from "../i18n/strings.server";
import { useT } from "../i18n/react";
import { workshopStrings } from "../workshops/strings.server";
import { dateTimeIn, roleName } from "../workshops/words";
import { threadCountsAtVersions } from "../threads/threads.server";
import { listVersions, restoreVersion, saveVersion, UUID, VERSION_NAME_MAX, versionErrorText, versionNameFieldIn, VersionError } from "../models/versions.server";
import { isoString } from "../utils/dates";
import { readForm } from "../utils/forms.server";
import { notFound, requireUser } from "../utils/guards.server";
import diffStyles from "../diff/diff.css";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? data.title : "Accord" }];

async function requireDocument(request: Request, context: AppLoadContext, id: string | undefined) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(id ?? "", user.id);
  if (!document) throw notFound();
  return { user, document };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, document } = await requireDocument(request, context, params.id);
  const versions = await listVersions(document, user.id);
  const threadCounts = await threadCountsAtVersions(document.id);
  const url = new URL(request.url);
  const named = (param: string) => {
    const id = url.searchParams.get(param);
    return id ? (versions.find((v) => v.id === id) ?? null) : null;
  };
  const saved = named("saved");
  const restored = named("restored");
  const backup = named("backup");
  const toRestore = canEditDocuments(document.role) ? named("restore") : null;
  const t = await requestT(request, context);
  let notice: string | null = null;
  if (saved) notice = t("workshop:history.saved", { name: saved.name });
  if (restored) {
    notice =
      url.searchParams.get("unchanged") === "1"
        ? t("workshop:history.unchanged", { name: restored.name })
        : backup
          ? t("workshop:history.restoredWithBackup", { name: restored.name, backup: backup.name })
          : t("workshop:history.restored", { name: restored.name });
  }
  return {
    title: t("workshop:history.metaTitle", { document: document.title }),
    i18n: await workshopStrings(request, context, ["history"]),
    document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    role: document.role,
    canEdit: canEditDocuments(document.role),
    nameMax: VERSION_NAME_MAX,
    versions: versions.map((v) => ({ id: v.id, name: v.name, author: v.authorName, createdAt: v.createdAt, discussion: threadCounts.get(v.id) ?? { threads: 0, open: 0 } })),
    notice,
    confirmRestore: toRestore ? { id: toRestore.id, name: toRestore.name } : null,
  };
}

// Built on demand: versionNameFieldIn lives in a .server module (absent from the browser bundle).
const actionSchema = (t: Translate) => z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("save"), name: versionNameFieldIn(t) }),
    z.object({ intent: z.literal("restore"), versionId: z.string({ message: t("workshop:history.chooseVersion") }).regex(UUID, t("workshop:history.chooseVersion")) }),
  ],
  { message: t("workshop:history.unknownAction") },
);

interface ActionResult {
  error: string | null;
  fieldErrors: Record<string, string>;
  /** The name as submitted (shown again in the field after an error). */
  name: string;
}

const failure = (r: Partial<ActionResult>, status: number) => data<ActionResult>({ error: null, fieldErrors: {}, name: "", ...r }, { status });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user, document } = await requireDocument(request, context, params.id);
  const t = await requestT(request, context);
  if (!canEditDocuments(document.role)) {
    throw new Response(
      t("workshop:history.onlyEditors", { workshop: document.workshopTitle, role: roleName(t, document.role) }),
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  const read = await readForm(request, actionSchema(t), t);
  const submittedName = (read.fields.name ?? "").slice(0, 500);
  if (!read.ok) return failure({ error: read.firstError, fieldErrors: read.fieldErrors, name: submittedName }, 400);
  const here = `/documents/${document.id}/history`;
  try {
    if (read.data.intent === "save") {
      const version = await saveVersion({ document, userId: user.id, name: read.data.name });
      return redirect(`${here}?saved=${version.id}#versions`);
    }
    const versionId = read.data.versionId;
    const result = await restoreVersion({ document, userId: user.id, versionId });
    const query = new URLSearchParams({ restored: versionId });
    if (!result.changed) query.set("unchanged", "1");
    if (result.backupVersionId) query.set("backup", result.backupVersionId);
    return redirect(`${here}?${query.toString()}`);
  } catch (error) {
    if (error instanceof VersionError) return failure({ error: versionErrorText(t, error), name: submittedName }, error.status);
    throw error;
  }
}

export default function HistoryPage() {
  const { document, canEdit, nameMax, versions, notice, confirmRestore } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const here = `/documents/${document.id}/history`;
  const compareUrl = `/documents/${document.id}/compare`;
  const { t, locale } = useT();
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current={t("workshop:history.title")} />
      <h1>{t("workshop:history.title")}</h1>
      <p className="lead">{document.title}</p>

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.error ? null : notice} />

      {confirmRestore ? (
        <section className="card confirm-restore" id="confirm-restore" aria-labelledby="confirm-restore-title">
          <h2 id="confirm-restore-title">{t("workshop:history.confirmTitle", { name: confirmRestore.name })}</h2>
          <p>{t("workshop:history.confirmExplain")}</p>
          <Form method="post" action={here} className="actions">
            <input type="hidden" name="intent" value="restore" />
            <input type="hidden" name="versionId" value={confirmRestore.id} />
            <button type="submit" className="danger" disabled={busy}>{t("workshop:history.restoreNamed", { name: confirmRestore.name })}</button>
            <Link to={`${compareUrl}?from=live&to=${confirmRestore.id}`}>{t("workshop:history.compareFirst")}</Link>
            <Link to={here}>{t("workshop:history.cancel")}</Link>
          </Form>
        </section>
      ) : null}

      {canEdit ? (
        <section className="card" aria-labelledby="save-version">
          <h2 id="save-version">{t("workshop:history.saveTitle")}</h2>
          <Form method="post" action={here} className="stack">
            <input type="hidden" name="intent" value="save" />
            <Field
              key={outcome?.name ?? ""}
              name="name"
              id="version-name"
              type="text"
              label={t("workshop:history.nameLabel")}
              hint={t("workshop:history.nameHint")}
              required
              maxLength={nameMax}
              autoComplete="off"
              defaultValue={outcome?.name ?? ""}
              error={outcome?.fieldErrors.name}
            />
            <div className="actions">
              <button type="submit" disabled={busy}>{t("workshop:history.save")}</button>
            </div>
          </Form>
        </section>
      ) : null}

      <h2 id="versions">{t("workshop:history.savedVersions")}</h2>
      {versions.length === 0 ? (
        <p className="empty">
          {canEdit
            ? t("workshop:history.noneEditor")
            : t("workshop:history.noneReader")}
        </p>
      ) : (
        <>
          <Form key={versions[0]!.id} method="get" action={compareUrl} className="card compare-form" aria-labelledby="compare-title">
            <h3 id="compare-title">{t("workshop:history.compareTitle")}</h3>
            <div className="compare-form__fields">
              <div className="field">
                <label htmlFor="compare-from">{t("workshop:history.older")}</label>
                <select id="compare-from" name="from" defaultValue={versions[0]!.id}>
                  <VersionOptions versions={versions} />
                </select>
              </div>
              <div className="field">
                <label htmlFor="compare-to">{t("workshop:history.newer")}</label>
                <select id="compare-to" name="to" defaultValue="live">
                  <VersionOptions versions={versions} />
                </select>
              </div>
              <div className="actions">
                <button type="submit" className="secondary">{t("workshop:history.compare")}</button>
              </div>
            </div>
          </Form>
          <div className="table-wrap">
            <table className="data responsive" aria-labelledby="versions">
              <thead>
                <tr>
                  <th scope="col">{t("workshop:history.name")}</th>
                  <th scope="col">{t("workshop:history.savedBy")}</th>
                  <th scope="col">{t("workshop:history.savedAt")}</th>
                  <th scope="col">{t("workshop:history.discussionThen")}</th>
                  <th scope="col">{t("workshop:history.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id}>
                    <td data-label={t("workshop:history.name")} className="version-name">{v.name}</td>
                    <td data-label={t("workshop:history.savedBy")}>{v.author ?? <span className="muted">{t("workshop:history.formerMember")}</span>}</td>
                    <td data-label={t("workshop:history.savedAt")}><time dateTime={isoString(v.createdAt)}>{dateTimeIn(locale, v.createdAt)}</time></td>
                    <td data-label={t("workshop:history.discussionThen")}>
                      {v.discussion.threads === 0 ? (
                        <span className="muted">{t("workshop:history.noThreads")}</span>
                      ) : (
                        <Link to={`/documents/${document.id}/versions/${v.id}#version-threads-title`}>
                          {t("workshop:history.threads", { count: v.discussion.threads, open: v.discussion.open })}
                          <span className="visually-hidden">{` ${t("workshop:history.inVersion", { name: v.name })}`}</span>
                        </Link>
                      )}
                    </td>
                    <td data-label={t("workshop:history.actions")}>
                      <ul className="version-actions">
                        <li>
                          <Link to={`/documents/${document.id}/versions/${v.id}`}>
                            {t("workshop:history.view")}<span className="visually-hidden">{` “${v.name}”`}</span>
                          </Link>
                        </li>
                        <li>
                          <Link to={`${compareUrl}?from=${v.id}&to=live`}>
                            {t("workshop:history.compareLive")}<span className="visually-hidden">{` (“${v.name}”)`}</span>
                          </Link>
                        </li>
                        {canEdit ? (
                          <li>
                            <Link to={`${here}?restore=${v.id}#confirm-restore`}>
                              {t("workshop:history.restore")}<span className="visually-hidden">{` “${v.name}”`}</span>
                            </Link>
                          </li>
                        ) : null}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

function VersionOptions({ versions }: { versions: { id: string; name: string; createdAt: string | Date }[] }) {
  const { t, locale } = useT();
  return (
    <>
      <option value="live">{t("workshop:history.liveNow")}</option>
      {versions.map((v) => (
        <option key={v.id} value={v.id}>{`${v.name} — ${dateTimeIn(locale, v.createdAt)}`}</option>
      ))}
    </>
  );
}
