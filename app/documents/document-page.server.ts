/**
 * The server side of the document page (app/routes/documents.$id.tsx): its loader and its action, apart from the
 * route so that the browser's build of the page imports no server module at all (each one it imports arrives as an
 * empty module, and those shared by several pages as chunks of their own: 1.2 kB of the editor's JavaScript).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { SAVE_VERSION_INTENT, type SaveVersionOutcome } from "../components/save-version-form";
import { saveVersion, saveVersionFormSchema, versionErrorText, VersionError } from "../models/versions.server";
import { workshopStrings } from "../workshops/strings.server";
import { readForm } from "../utils/forms.server";
import { findDocumentForUser } from "../models/workshops.server";
import { documentNames } from "../workshops/page-names.server";
import { colourFor } from "../collab/protocol";
import { loadDocumentHtml } from "../models/document-html.server";
import { canDiscuss, canEditDocuments, canPublish, type Role } from "../models/roles";
import { mentionableNames } from "../threads/thread-mails.server";
import { requestT, routeStrings } from "../i18n/strings.server";
import type { Strings } from "../i18n/instance";
import { publicStrings } from "../declarations/public-strings.server";
import { notFound, requireUser } from "../utils/guards.server";
import { loadTranslationContext } from "../models/translation-context.server";
import { OFFLINE_PAGE_HEADER, OFFLINE_UNTIL_HEADER } from "../collab/offline-pages";
import { deviceAccountKey } from "../collab/device-key.server";
import { countOpenThreads } from "../../db/threads";

/**
 * The words this page shows this member, and no others (a reader's page carries no words of tools it does not
 * offer): the editor's; the "Save a named version" form's for editors, its link to publishing for organisers only
 * (app/components/save-version-form.tsx); a translation's notice (app/components/translation-notice.tsx). The names
 * of the kind, the status and the roles come said (`names`, app/workshops/page-names.server.ts).
 */
async function pageStrings(request: Request, context: LoaderFunctionArgs["context"], role: Role, isTranslation: boolean): Promise<Strings> {
  const strings: Strings = { ...(await routeStrings(request, context, ["editor"])) };
  if (canEditDocuments(role)) {
    const workshop = (await workshopStrings(request, context, ["history"])).workshop as { history: { quickSave: Record<string, unknown> } };
    const quickSave = { ...workshop.history.quickSave };
    if (!canPublish(role)) delete quickSave.preview;
    strings.workshop = { ...workshop, history: { ...workshop.history, quickSave } };
  }
  if (isTranslation) Object.assign(strings, await publicStrings(request, context, ["translation"]));
  return strings;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, session } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const [rendered, openThreads, translation, mentionNames] = await Promise.all([
    loadDocumentHtml(document.id),
    // "Discussion (3 open)" from the first paint, not "(0 open)" until the threads arrive.
    countOpenThreads(document.id),
    loadTranslationContext(document.id),
    // The `@` picker of the comment fields offers the workshop's members by name (those who may comment only).
    canDiscuss(document.role) ? mentionableNames(document.id, user.id) : Promise.resolve([]),
  ]);
  // Only an editor keeps a device copy, so only an editor's page may be reopened offline: the worker keeps a page
  // that says so, in the cache of the account named here, until the session ends (its expiry as of this request:
  // renewed, if it was). Only a browser's session: a page asked for with an access token is never kept.
  const offlineUntil = canEditDocuments(document.role) && session ? session.expiresAt.getTime() : null;
  const headers: Record<string, string> =
    offlineUntil !== null ? { [OFFLINE_PAGE_HEADER]: deviceAccountKey(user.id), [OFFLINE_UNTIL_HEADER]: String(offlineUntil) } : {};
  const t = await requestT(request, context);
  return data({
    i18n: await pageStrings(request, context, document.role, Boolean(translation)),
    names: documentNames(t, document),
    translation,
    document: {
      id: document.id,
      title: document.title,
      kind: document.kind,
      status: document.status,
      updatedAt: document.updatedAt,
      workshopSlug: document.workshopSlug,
      workshopTitle: document.workshopTitle,
    },
    role: document.role,
    rendered,
    openThreads,
    user: { name: user.name, colour: colourFor(user.id) },
    mentionNames,
    offlineUntil,
  }, { headers });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  const document = await findDocumentForUser(params.id ?? "", user.id);
  if (!document) throw notFound();
  const outcome = (o: Partial<SaveVersionOutcome>, status = 200) => data<SaveVersionOutcome>({ saved: null, error: null, name: "", ...o }, { status });
  const t = await requestT(request, context);
  const read = await readForm(request, saveVersionFormSchema(SAVE_VERSION_INTENT, t), t);
  const name = (read.fields.name ?? "").slice(0, 500);
  if (!read.ok) return outcome({ error: read.firstError, name }, 400);
  try {
    const version = await saveVersion({ document, userId: user.id, name: read.data.name });
    return outcome({ saved: { id: version.id, name: version.name } });
  } catch (error) {
    if (error instanceof VersionError) return outcome({ error: versionErrorText(t, error), name }, error.status);
    throw error;
  }
}
