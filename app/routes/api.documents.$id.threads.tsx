/**
 * /api/documents/:id/threads — the discussion of a document (issue 13; contract in app/threads/contract.ts).
 *
 *   GET  → 200 [Thread] in document order (any member; a token needs the "read" scope), each with `mine` on the
 *        thread and its comments for the caller; header X-Thread-Seq: the latest thread event the list includes
 *   POST {body, quote: {exact, prefix?, suffix?}} or {body, range: {from, to}} → 201 {id} (commenters, editors and
 *        organisers; a token needs the "write" scope). The words must be found exactly once in the current text,
 *        else 409 {error}. The server marks them (the anchor) in the same transaction as the thread.
 *
 * 400 bad input {error, fields}, 401 not signed in, 403 a viewer, 404 no such document or not a member.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { findDocumentForUser } from "../models/workshops.server";
import { apiError, apiJson, withApiUser } from "../utils/api.server";
import { createThread, listThreads } from "../threads/threads.server";
import { createThreadSchema, parseBody, threadErrorResponse } from "../threads/api.server";
import { refusal } from "../threads/refusals";
import { THREAD_SEQ_HEADER } from "../threads/contract";

const missing = () => apiError(404, "No document with that id, or you are not a member of its workshop.");

export async function loader({ context, params }: LoaderFunctionArgs) {
  return withApiUser(context, "read", async ({ user }) => {
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return missing();
    const { threads, seq } = await listThreads(document, user.id);
    return apiJson(threads, 200, { [THREAD_SEQ_HEADER]: String(seq) });
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return apiError(405, "Use GET to list threads or POST to start one.", { Allow: "GET, HEAD, POST" });
  return withApiUser(context, "write", async ({ user }) => {
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return missing();
    if (document.role === "viewer") return apiJson(refusal("viewerCannotStart"), 403);
    const parsed = await parseBody(request, createThreadSchema);
    if (!parsed.ok) return parsed.response;
    try {
      const { id } = await createThread({ document, userId: user.id, anchoring: parsed.data.anchoring, body: parsed.data.body });
      return apiJson({ id }, 201);
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
