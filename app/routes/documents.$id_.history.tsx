/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
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
import { z } from "zod";
import { Field, FormError, FormNotice } from "../components/field";
import { findDocumentForUser } from "../models/workshops.server";
import { canEditDocuments, ROLE_LABELS } from "../models/roles";
import { threadCountsAtVersions } from "../threads/threads.server";
import { listVersions, restoreVersion, saveVersion, UUID, VERSION_NAME_MAX, versionNameField, VersionError } from "../models/versions.server";
import { formatDateTime, isoString } from "../utils/dates";
import { readForm } from "../utils/forms.server";
import { notFound, requireUser } from "../utils/guards.server";
import diffStyles from "../diff/diff.css";
import { Breadcrumbs, documentTrail } from "../components/breadcrumbs";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: diffStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `History and versions — ${data.document.title} — Accord` : "History and versions — Accord" },
];

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
  let notice: string | null = null;
  if (saved) notice = `Saved the version “${saved.name}”.`;
  if (restored) {
    notice =
      url.searchParams.get("unchanged") === "1"
        ? `The live text already matches “${restored.name}”: nothing was changed.`
        : `Restored “${restored.name}” as a new change: everyone who has the document open sees it now.` +
          (backup ? ` The text as it was just before is kept as a version of its own: ${backup.name}.` : "");
  }
  return {
    document: { id: document.id, title: document.title, workshopSlug: document.workshopSlug, workshopTitle: document.workshopTitle },
    role: document.role,
    canEdit: canEditDocuments(document.role),
    nameMax: VERSION_NAME_MAX,
    versions: versions.map((v) => ({ id: v.id, name: v.name, author: v.authorName, createdAt: v.createdAt, discussion: threadCounts.get(v.id) ?? { threads: 0, open: 0 } })),
    notice,
    confirmRestore: toRestore ? { id: toRestore.id, name: toRestore.name } : null,
  };
}

// Built on demand: versionNameField lives in a .server module (absent from the browser bundle).
const actionSchema = () => z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("save"), name: versionNameField }),
    z.object({ intent: z.literal("restore"), versionId: z.string({ message: "Choose a version." }).regex(UUID, "Choose a version.") }),
  ],
  { message: "That action is not known." },
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
  if (!canEditDocuments(document.role)) {
    throw new Response(
      `Only the editors and organisers of “${document.workshopTitle}” can save and restore versions. ` +
        `Your role in this workshop is ${ROLE_LABELS[document.role]}.`,
      { status: 403, statusText: "Forbidden", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  const read = await readForm(request, actionSchema());
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
    if (error instanceof VersionError) return failure({ error: error.message, name: submittedName }, error.status);
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
  return (
    <div className="page">
      <Breadcrumbs trail={documentTrail(document)} current="History and versions" />
      <h1>History and versions</h1>
      <p className="lead">{document.title}</p>

      <FormError message={outcome?.error} />
      <FormNotice message={outcome?.error ? null : notice} />

      {confirmRestore ? (
        <section className="card confirm-restore" id="confirm-restore" aria-labelledby="confirm-restore-title">
          <h2 id="confirm-restore-title">{`Restore “${confirmRestore.name}”?`}</h2>
          <p>
            The live text becomes the text of this version, as a new change on top of the history: everyone who has the
            document open sees it at once. Nothing is lost — the text as it is now is first saved as a version, and every
            earlier change stays in the history.
          </p>
          <Form method="post" action={here} className="actions">
            <input type="hidden" name="intent" value="restore" />
            <input type="hidden" name="versionId" value={confirmRestore.id} />
            <button type="submit" className="danger" disabled={busy}>{`Restore “${confirmRestore.name}”`}</button>
            <Link to={`${compareUrl}?from=live&to=${confirmRestore.id}`}>Compare it with the live text first</Link>
            <Link to={here}>Cancel</Link>
          </Form>
        </section>
      ) : null}

      {canEdit ? (
        <section className="card" aria-labelledby="save-version">
          <h2 id="save-version">Save a named version</h2>
          <Form method="post" action={here} className="stack">
            <input type="hidden" name="intent" value="save" />
            <Field
              key={outcome?.name ?? ""}
              name="name"
              id="version-name"
              type="text"
              label="Name of the version"
              hint="For example “After session 2”. The version keeps the text exactly as everyone sees it now."
              required
              maxLength={nameMax}
              autoComplete="off"
              defaultValue={outcome?.name ?? ""}
              error={outcome?.fieldErrors.name}
            />
            <div className="actions">
              <button type="submit" disabled={busy}>Save version</button>
            </div>
          </Form>
        </section>
      ) : null}

      <h2 id="versions">Saved versions</h2>
      {versions.length === 0 ? (
        <p className="empty">
          {canEdit
            ? "No version has been saved yet. Save one above to keep the text as it is now, for example at the end of a session."
            : "No version has been saved yet. The editors of this document can save named versions of it."}
        </p>
      ) : (
        <>
          <Form key={versions[0]!.id} method="get" action={compareUrl} className="card compare-form" aria-labelledby="compare-title">
            <h3 id="compare-title">Compare two texts</h3>
            <div className="compare-form__fields">
              <div className="field">
                <label htmlFor="compare-from">Older text</label>
                <select id="compare-from" name="from" defaultValue={versions[0]!.id}>
                  <VersionOptions versions={versions} />
                </select>
              </div>
              <div className="field">
                <label htmlFor="compare-to">Newer text</label>
                <select id="compare-to" name="to" defaultValue="live">
                  <VersionOptions versions={versions} />
                </select>
              </div>
              <div className="actions">
                <button type="submit" className="secondary">Compare</button>
              </div>
            </div>
          </Form>
          <div className="table-wrap">
            <table className="data responsive" aria-labelledby="versions">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Saved by</th>
                  <th scope="col">Saved</th>
                  <th scope="col">Discussion then</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.id}>
                    <td data-label="Name" className="version-name">{v.name}</td>
                    <td data-label="Saved by">{v.author ?? <span className="muted">A former member</span>}</td>
                    <td data-label="Saved"><time dateTime={isoString(v.createdAt)}>{formatDateTime(v.createdAt)}</time></td>
                    <td data-label="Discussion then">
                      {v.discussion.threads === 0 ? (
                        <span className="muted">No threads</span>
                      ) : (
                        <Link to={`/documents/${document.id}/versions/${v.id}#version-threads-title`}>
                          {`${v.discussion.threads} ${v.discussion.threads === 1 ? "thread" : "threads"}, ${v.discussion.open} open`}
                          <span className="visually-hidden">{` in “${v.name}”`}</span>
                        </Link>
                      )}
                    </td>
                    <td data-label="Actions">
                      <ul className="version-actions">
                        <li>
                          <Link to={`/documents/${document.id}/versions/${v.id}`}>
                            View<span className="visually-hidden">{` “${v.name}”`}</span>
                          </Link>
                        </li>
                        <li>
                          <Link to={`${compareUrl}?from=${v.id}&to=live`}>
                            Compare with the live text<span className="visually-hidden">{` (“${v.name}”)`}</span>
                          </Link>
                        </li>
                        {canEdit ? (
                          <li>
                            <Link to={`${here}?restore=${v.id}#confirm-restore`}>
                              Restore<span className="visually-hidden">{` “${v.name}”`}</span>
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
  return (
    <>
      <option value="live">The live text (now)</option>
      {versions.map((v) => (
        <option key={v.id} value={v.id}>{`${v.name} — ${formatDateTime(v.createdAt)}`}</option>
      ))}
    </>
  );
}
